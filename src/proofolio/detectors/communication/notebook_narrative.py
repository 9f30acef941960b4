"""COM-notebook-narrative: a notebook that explains itself in markdown between its code cells."""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from proofolio.detectors.base import DetectorMeta, FileContext, FileDetector
from proofolio.detectors.support import cell_span
from proofolio.documents.base import CodeCell
from proofolio.models import Confidence

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(\S.*?)\s*#*\s*$|^\s*<h[1-6][^>]*>(.*?)</h[1-6]>", re.IGNORECASE)
_FENCE = re.compile(r"^\s*(```|~~~)")
_NOISE = re.compile(r"!\[[^\]]*\]\([^)]*\)|<[^>]+>|\(https?://[^)]*\)|https?://\S+|`[^`]*`")
_WORD = re.compile(r"[^\W\d_]{2,}")

MIN_INTERLEAVED = 2  # markdown cells standing between code cells
MIN_WORDS = 30  # words of prose (headings not counted)
# An exercise template: most code cells hold no code (`# Your code here`), so the markdown is the course's.
TEMPLATE_EMPTY_SHARE = 0.5


def _analyse(text: str) -> tuple[list[tuple[int, str]], int]:
    """Headings (1-based line, text) and the number of prose words of one markdown cell."""
    headings: list[tuple[int, str]] = []
    words = 0
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        match = _HEADING.match(line)
        if match:
            headings.append((number, (match.group(2) or match.group(3) or "").strip()))
            continue
        words += len(_WORD.findall(_NOISE.sub(" ", line)))
    return headings, words


class NotebookNarrative(FileDetector):
    meta = DetectorMeta(
        id="COM-notebook-narrative",
        skill="communication",
        title="Explains notebooks with markdown narrative",
        what=(
            f"A notebook with at least {MIN_INTERLEAVED} markdown cells between its code cells and at least "
            f"{MIN_WORDS} words of prose. One evidence at the first heading (else the first narrative cell), with "
            "markdown/code cell counts, their ratio, headings and words. High confidence with two or more headings, "
            "150+ words and a markdown/code ratio of at least 0.25. Notebooks saved as scripts count the same way: "
            "nbconvert exports (markdown as `# ` comment blocks just before a `# In[n]:` marker) and jupytext or "
            "VS Code percent cells (`# %% [markdown]`); comment blocks that parse as Python are code commented out, not prose."
        ),
        why="A notebook that states the question, explains each step and interprets results is how data work is communicated.",
        example='''
# Customer churn            <- markdown: detected here
Which customers will leave, and why? ...
[code] df = pd.read_csv(...)
## Cleaning                 <- markdown
Missing totals belong to new customers, so ...
[code] ...
''',
        not_detected=(
            "A notebook with only a title cell or only headings, comments inside code cells, markdown after the "
            "last code cell only, and exercise templates (half or more of the code cells hold no code, only "
            "`# Your code here` comments: the markdown is the course's)."
        ),
        scope="notebook",
    )

    def finish(self, ctx: FileContext) -> None:
        notebook = ctx.document.notebook
        if notebook is None:
            if ctx.document.kind == "python" and _EXPORT_MARKER.search(ctx.document.source):
                self._exported(ctx)
            return
        if not notebook.code_cells or not notebook.markdown_cells:
            return
        cells = [(cell.index, cell.index, 1, cell.text) for cell in notebook.markdown_cells]
        narrative = _read_narrative(cells, notebook.code_cells[0].index, notebook.code_cells[-1].index)
        if narrative is None:
            return
        if _empty_share(ctx, notebook.code_cells) >= TEMPLATE_EMPTY_SHARE:
            return  # an unfilled exercise: its narrative is the instructor's
        self._emit(ctx, narrative, len(notebook.markdown_cells), len(notebook.code_cells))

    def _exported(self, ctx: FileContext) -> None:
        """The same reading for a notebook exported as a script: its markdown survives as comments."""
        markdown, code = exported_cells(ctx.document.lines)
        if not markdown or not code:
            return
        narrative = _read_narrative([(start, None, start, text) for start, text in markdown], code[0], code[-1])
        if narrative is not None:
            self._emit(ctx, narrative, len(markdown), len(code))

    def _emit(self, ctx: FileContext, narrative: _Narrative, markdown: int, code: int) -> None:
        ratio = markdown / code
        strong = narrative.headings >= 2 and narrative.words >= 150 and ratio >= 0.25
        values = (
            ("markdown_cells", str(markdown)),
            ("code_cells", str(code)),
            ("ratio", f"{ratio:.2f}"),
            ("headings", str(narrative.headings)),
            ("words", str(narrative.words)),
        )
        confidence = Confidence.HIGH if strong else Confidence.MEDIUM
        cell, line, text = narrative.anchor
        ctx.emit(self.meta, None, confidence, values, line=line, cell=cell, snippet=text[:200])


@dataclass(frozen=True, slots=True)
class _Narrative:
    words: int
    headings: int
    anchor: tuple[int | None, int, str]  # (cell, line, text) of the first heading, else the first narrative cell


def _read_narrative(cells: Sequence[tuple[int, int | None, int, str]], first_code: int, last_code: int) -> _Narrative | None:
    """Words, headings and anchor of markdown ``cells`` — (position, cell index or None, first line, text) —
    or None below the thresholds. ``first_code``/``last_code``: positions of the first and last code cells."""
    words = headings = interleaved = 0
    anchor: tuple[int | None, int, str] | None = None
    fallback: tuple[int | None, int, str] | None = None
    for position, cell, first_line, text in cells:
        found, count = _analyse(text)
        words += count
        headings += len(found)
        if found and anchor is None:
            anchor = (cell, first_line + found[0][0] - 1, found[0][1])
        if first_code < position < last_code and (count or found):
            interleaved += 1
            if fallback is None:
                fallback = (cell, first_line, next((ln.strip() for ln in text.splitlines() if ln.strip()), ""))
    if interleaved < MIN_INTERLEAVED or words < MIN_WORDS:
        return None
    return _Narrative(words, headings, anchor or fallback)  # type: ignore[arg-type]  # interleaved: fallback set


# A notebook saved as a script: nbconvert's `# In[3]:` or a jupytext/VS Code `# %%` cell marker
_EXPORT_MARKER = re.compile(r"^# (?:In\[[ \d]*\]:|%%)", re.MULTILINE)
_CODE_MARKER = re.compile(r"^# (?:In\[[ \d]*\]:|%%(?!\s*\[markdown\]))")
_MARKDOWN_MARKER = re.compile(r"^# %%\s*\[markdown\]")


def exported_cells(lines: Sequence[str]) -> tuple[list[tuple[int, str]], list[int]]:
    """The markdown cells (first line, text) and code-cell lines of a notebook exported as a script.

    nbconvert writes markdown as a block of `# ` comment lines just before the next `# In[n]:`
    marker; jupytext and VS Code put it under `# %% [markdown]`. A code cell's own comments are
    followed by code, not by a marker, and stay code.
    """
    markdown: list[tuple[int, str]] = []
    code: list[int] = []
    block: list[str] = []
    block_start = 0
    in_markdown_cell = False  # under `# %% [markdown]`

    def close(keep: bool) -> None:
        nonlocal block
        if keep and block:
            text = "\n".join(block)
            if not _commented_code(text):
                markdown.append((block_start, text))
        block = []

    header_end = _jupytext_header_end(lines)
    for number, raw in enumerate(lines, start=1):
        if number <= header_end:
            continue  # jupytext's YAML header (kernel, formats): no prose
        line = raw.rstrip()
        if _MARKDOWN_MARKER.match(line):
            close(True)
            in_markdown_cell, block_start = True, number + 1
            continue
        if _CODE_MARKER.match(line):
            # comments just before nbconvert's `# In[n]:` are its markdown; before a percent `# %%` they
            # close the previous code cell (percent markdown has its own `# %% [markdown]` cells)
            close(in_markdown_cell or line.startswith("# In["))
            in_markdown_cell = False
            code.append(number)
            continue
        if line.startswith("#") and not line.startswith("#!") and not line.startswith("# coding"):
            if not block:
                block_start = number
            block.append(line[2:] if line.startswith("# ") else line[1:])
        elif not line:
            if block and not in_markdown_cell:
                block.append("")  # a blank line may still separate the block from its marker
        else:
            close(in_markdown_cell)  # comments followed by code: a code cell's own comments
            in_markdown_cell = False
    close(in_markdown_cell)
    return markdown, code


def _jupytext_header_end(lines: Sequence[str]) -> int:
    """The last line of a jupytext header (`# ---` ... `# ---` at the top of the file), or 0."""
    if not lines or lines[0].rstrip() != "# ---":
        return 0
    for number, line in enumerate(lines[1:200], start=2):
        if line.rstrip() == "# ---":
            return number
    return 0


MAX_COMMENT_BLOCK = 20_000  # characters of a comment block parsed to tell code from prose


def _commented_code(text: str) -> bool:
    """Whether a comment block is code commented out (`# x = f(y)`), not prose: it parses as Python
    with a statement beyond a bare word (prose rarely parses; a heading `# Title` is a comment)."""
    if len(text) > MAX_COMMENT_BLOCK:
        return False
    try:
        tree = ast.parse(textwrap.dedent(text))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return any(not (isinstance(node, ast.Expr) and isinstance(node.value, (ast.Name, ast.Constant))) for node in tree.body)


def _empty_share(ctx: FileContext, cells: Sequence[CodeCell]) -> float:
    """The share of code cells holding no code: blank, or comments only."""
    lines = ctx.document.lines
    empty = 0
    for cell in cells:
        first, last = cell_span(ctx.document, cell)
        if not any(line.strip() and not line.lstrip().startswith("#") for line in lines[first - 1 : last]):
            empty += 1
    return empty / len(cells)
