"""The Document: one parsed unit of code (a .py file or a whole notebook)."""

from __future__ import annotations

import ast
import bisect
from dataclasses import dataclass, field

from proofolio.documents.imports import ImportMap


@dataclass(frozen=True, slots=True)
class DocumentProblem:
    """Something in the file that could not be read; the stage above adds the repo."""

    kind: str
    reason: str
    cell: int | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class CellOutputs:
    """A summary of one code cell's stored outputs; large payloads are never kept."""

    images: tuple[str, ...] = ()  # mime types of image outputs (image/png, ...)
    text: str = ""  # printed text / text/plain results, truncated
    html_table: bool = False  # a rendered DataFrame or other HTML table
    error: str = ""  # the exception name of a stored error output (the cell stopped there when last run)


@dataclass(frozen=True, slots=True)
class CodeCell:
    index: int  # position in the notebook's cell list (all cell types)
    execution_count: int | None
    first_line: int  # 1-based line in the joined source where the cell starts
    line_count: int
    outputs: CellOutputs
    parsed: bool  # False when the cell still failed to parse and was blanked


@dataclass(frozen=True, slots=True)
class MarkdownCell:
    index: int
    text: str


@dataclass(frozen=True, slots=True)
class NotebookInfo:
    nbformat: int
    language: str
    code_cells: tuple[CodeCell, ...]
    markdown_cells: tuple[MarkdownCell, ...]
    cell_count: int


@dataclass(slots=True)
class Document:
    """Parsed code plus what is needed to point back at the exact file, cell and line."""

    path: str  # relative to the project root, forward slashes
    kind: str  # "python" or "notebook"
    source: str  # for notebooks: code cells joined, IPython syntax neutralised
    tree: ast.Module | None
    imports: ImportMap
    notebook: NotebookInfo | None = None
    problems: list[DocumentProblem] = field(default_factory=list)
    python2: bool = False  # parsed after rewriting Python 2 print/except syntax
    _lines: list[str] | None = None
    _cell_starts: list[int] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.source.splitlines()
        return self._lines

    def cell_position(self, line: int) -> tuple[int | None, int]:
        """Map a line of the joined source to (cell index, line inside the cell)."""
        if self.notebook is None or not self.notebook.code_cells:
            return None, line
        if self._cell_starts is None:
            self._cell_starts = [c.first_line for c in self.notebook.code_cells]
        pos = bisect.bisect_right(self._cell_starts, line) - 1
        cell = self.notebook.code_cells[max(pos, 0)]
        return cell.index, line - cell.first_line + 1

    def code_cell(self, index: int) -> CodeCell | None:
        if self.notebook is None:
            return None
        for cell in self.notebook.code_cells:
            if cell.index == index:
                return cell
        return None

    def snippet(self, line: int, end_line: int | None = None, max_lines: int = 4, max_chars: int = 300) -> str:
        """The cited source lines, trimmed for display."""
        lines = self.lines
        end = min(end_line or line, line + max_lines - 1, len(lines))
        if end == line and line > 0:  # one line, most evidence: its indentation dropped (a blank line stays as is)
            text = lines[line - 1].lstrip() or lines[line - 1]
            return text if len(text) <= max_chars else text[: max_chars - 1] + "…"
        chosen = lines[line - 1 : end] if 0 < line <= len(lines) else []
        indent = min((len(x) - len(x.lstrip()) for x in chosen if x.strip()), default=0)
        text = "\n".join(x[indent:] for x in chosen)
        return text if len(text) <= max_chars else text[: max_chars - 1] + "…"
