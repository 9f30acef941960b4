"""COM-notebook-narrative: a notebook that explains itself in markdown between its code cells."""

from __future__ import annotations

import re
from collections.abc import Sequence

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
            "150+ words and a markdown/code ratio of at least 0.25."
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
        if notebook is None or not notebook.code_cells or not notebook.markdown_cells:
            return
        first_code = notebook.code_cells[0].index
        last_code = notebook.code_cells[-1].index
        total_words = 0
        heading_count = 0
        interleaved = 0
        anchor: tuple[int, int, str] | None = None  # (cell, line, text)
        fallback: tuple[int, int, str] | None = None
        for cell in notebook.markdown_cells:
            headings, words = _analyse(cell.text)
            total_words += words
            heading_count += len(headings)
            if headings and anchor is None:
                anchor = (cell.index, headings[0][0], headings[0][1])
            between = first_code < cell.index < last_code
            if between and (words or headings):
                interleaved += 1
                if fallback is None:
                    first_text = next((ln.strip() for ln in cell.text.splitlines() if ln.strip()), "")
                    fallback = (cell.index, 1, first_text)
        if interleaved < MIN_INTERLEAVED or total_words < MIN_WORDS:
            return
        if _empty_share(ctx, notebook.code_cells) >= TEMPLATE_EMPTY_SHARE:
            return  # an unfilled exercise: its narrative is the instructor's
        cell_index, line, text = anchor or fallback  # type: ignore[misc]
        code = len(notebook.code_cells)
        markdown = len(notebook.markdown_cells)
        ratio = markdown / code
        strong = heading_count >= 2 and total_words >= 150 and ratio >= 0.25
        values = (
            ("markdown_cells", str(markdown)),
            ("code_cells", str(code)),
            ("ratio", f"{ratio:.2f}"),
            ("headings", str(heading_count)),
            ("words", str(total_words)),
        )
        confidence = Confidence.HIGH if strong else Confidence.MEDIUM
        ctx.emit(self.meta, None, confidence, values, line=line, cell=cell_index, snippet=text[:200])


def _empty_share(ctx: FileContext, cells: Sequence[CodeCell]) -> float:
    """The share of code cells holding no code: blank, or comments only."""
    lines = ctx.document.lines
    empty = 0
    for cell in cells:
        first, last = cell_span(ctx.document, cell)
        if not any(line.strip() and not line.lstrip().startswith("#") for line in lines[first - 1 : last]):
            empty += 1
    return empty / len(cells)
