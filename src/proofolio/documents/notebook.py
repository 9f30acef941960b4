"""Read a .ipynb: code cells joined into one parseable source with a line → cell map.

nbformat reads, upgrades (v3 → v4) and validates the notebook. A notebook that fails
validation but still has a cell list is read leniently, with a problem entry saying so:
real candidate notebooks are often slightly off-schema and still worth reading.
"""

from __future__ import annotations

import ast
import json
import warnings
from functools import cache
from typing import Any

from proofolio.documents.base import CellOutputs, CodeCell, DocumentProblem, MarkdownCell, NotebookInfo
from proofolio.documents.magics import neutralise_cell
from proofolio.documents.python import parse_source, rewrite_python2

MAX_OUTPUT_TEXT = 2000  # characters of printed output kept per cell
_IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")


class NotebookError(Exception):
    """The file is not a notebook that can be read at all."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


def cell_text(value: Any) -> str:
    """Notebook strings may be stored as a list of lines or one string."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(x for x in value if isinstance(x, str))
    return ""


def load_notebook(data: bytes) -> tuple[dict[str, Any], list[DocumentProblem]]:
    """Parse and upgrade to nbformat 4; raise NotebookError when there are no cells to read.

    nbformat 4 notebooks take the fast path: ``json.loads`` plus nbformat's own schema,
    compiled by fastjsonschema, on the plain dict (~200 MB/s, against ~80 MB/s for
    ``nbformat.reads``, whose cost is mostly building NotebookNodes; see docs/performance.md).
    Older formats go through ``nbformat.reads``, which converts them.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotebookError("invalid-notebook", f"not UTF-8 text: {exc.reason}") from None
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):
        raise NotebookError("invalid-notebook", "not valid JSON") from None
    if isinstance(raw, dict) and raw.get("nbformat") == 4 and isinstance(raw.get("cells"), list):
        problems: list[DocumentProblem] = []
        validator = _v4_validator(raw.get("nbformat_minor"))
        if validator is not None and not _valid(validator, raw):
            problems.append(DocumentProblem("invalid-notebook", "fails the nbformat schema; read leniently"))
        return raw, problems
    return _load_other_format(text, raw)


def _valid(validator: Any, raw: dict[str, Any]) -> bool:
    """Schema-valid, tolerating what nbformat itself fixes silently: cells without an ``id``."""
    try:
        validator.validate(raw)
        return True
    except Exception:  # fastjsonschema's JsonSchemaException, or a validator bug
        pass
    cells = raw["cells"]
    if not any(isinstance(c, dict) and "id" not in c for c in cells):
        return False
    patched = {**raw, "cells": [{**c, "id": f"cell-{i}"} if isinstance(c, dict) and "id" not in c else c for i, c in enumerate(cells)]}
    try:
        validator.validate(patched)
        return True
    except Exception:
        return False


@cache
def _v4_validator(minor: object) -> Any:
    """nbformat's compiled schema for v4.<minor> (the newest known for a future minor)."""
    import nbformat  # imported on first use: ~0.25 s that a warm run, which reads no notebook, never pays
    from nbformat.validator import get_validator

    known = minor if isinstance(minor, int) and 0 <= minor <= nbformat.current_nbformat_minor else nbformat.current_nbformat_minor
    try:
        return get_validator(version=4, version_minor=known, name="fastjsonschema")
    except Exception:  # fastjsonschema missing or schema not found: read without validating
        return None


def _load_other_format(text: str, raw: Any) -> tuple[dict[str, Any], list[DocumentProblem]]:
    """nbformat 2/3 (converted by nbformat) and malformed notebooks (read leniently when possible)."""
    import nbformat

    problems: list[DocumentProblem] = []
    captured: dict[str, Any] = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4, capture_validation_error=captured)
        if captured.get("ValidationError") is not None:
            problems.append(DocumentProblem("invalid-notebook", "fails the nbformat schema; read leniently"))
        return dict(nb), problems
    except Exception as exc:  # nbformat raises many types for off-schema notebooks
        if not isinstance(raw, dict):
            raise NotebookError("invalid-notebook", "JSON is not a notebook object") from None
        cells = raw.get("cells")
        if cells is None and isinstance(raw.get("worksheets"), list):  # broken v3
            cells = [c for ws in raw["worksheets"] if isinstance(ws, dict) for c in ws.get("cells", [])]
            for cell in cells:
                if isinstance(cell, dict) and "input" in cell and "source" not in cell:
                    cell["source"] = cell["input"]
        if not isinstance(cells, list):
            raise NotebookError("invalid-notebook", f"no cell list ({_short(exc)})") from None
        problems.append(DocumentProblem("invalid-notebook", f"fails the nbformat schema ({_short(exc)}); read leniently"))
        return {"cells": cells, "metadata": raw.get("metadata") or {}, "nbformat": raw.get("nbformat", 4)}, problems


def _short(exc: Exception) -> str:
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return message[:160]


def summarise_outputs(outputs: Any) -> CellOutputs:
    """Keep what is evidence (image kinds, printed text) and drop the payloads."""
    if not isinstance(outputs, list):
        return CellOutputs()
    images: list[str] = []
    texts: list[str] = []
    html_table = False
    size = 0
    for out in outputs:
        if not isinstance(out, dict):
            continue
        kind = out.get("output_type")
        if kind == "stream":
            chunk = cell_text(out.get("text"))
        elif kind in ("execute_result", "display_data"):
            data = out.get("data") if isinstance(out.get("data"), dict) else {}
            images.extend(m for m in _IMAGE_MIMES if m in data)
            html = cell_text(data.get("text/html"))
            html_table = html_table or "<table" in html[:20000]
            chunk = cell_text(data.get("text/plain"))
        elif kind == "error":
            chunk = f"{out.get('ename', '')}: {out.get('evalue', '')}"
        else:
            chunk = ""
        if chunk and size < MAX_OUTPUT_TEXT:
            texts.append(chunk[: MAX_OUTPUT_TEXT - size])
            size += len(texts[-1])
    return CellOutputs(tuple(images), "".join(texts), html_table)


def notebook_language(nb: dict[str, Any]) -> str:
    meta = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    lang = meta.get("language_info", {}) if isinstance(meta.get("language_info"), dict) else {}
    kernel = meta.get("kernelspec", {}) if isinstance(meta.get("kernelspec"), dict) else {}
    return str(lang.get("name") or kernel.get("language") or "python").lower()


def join_cells(
    nb: dict[str, Any], path: str
) -> tuple[str, ast.Module | None, NotebookInfo, list[DocumentProblem], bool]:
    """Join the code cells, parse them once, blank out cells that still do not parse."""
    problems: list[DocumentProblem] = []
    cells = nb.get("cells") if isinstance(nb.get("cells"), list) else []
    pieces: list[list[str]] = []
    meta: list[tuple[int, int | None, CellOutputs]] = []
    markdown: list[MarkdownCell] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            continue
        kind = cell.get("cell_type")
        if kind == "markdown":
            markdown.append(MarkdownCell(index, cell_text(cell.get("source"))))
        elif kind == "code":
            source, is_python = neutralise_cell(cell_text(cell.get("source")).replace("\r\n", "\n"))
            count = cell.get("execution_count")
            pieces.append(source.split("\n") if is_python else [""])
            meta.append((index, count if isinstance(count, int) else None, summarise_outputs(cell.get("outputs"))))

    parsed = [True] * len(pieces)
    python2 = False
    tree: ast.Module | None = None
    for _attempt in range(len(pieces) + 1):
        source, starts = _join(pieces)
        try:
            tree = parse_source(source, path)
            break
        except SyntaxError as exc:
            bad = _cell_at(starts, exc.lineno or 1)
            if bad is None or not parsed[bad]:
                break
            rewritten = rewrite_python2("\n".join(pieces[bad]))
            if rewritten is not None and _parses(rewritten):
                pieces[bad] = rewritten.split("\n")
                python2 = True
                continue
            parsed[bad] = False
            problems.append(
                DocumentProblem("cell-syntax-error", f"code cell skipped: {exc.msg}", cell=meta[bad][0], line=_line_in(starts, exc.lineno))
            )
            pieces[bad] = [""] * len(pieces[bad])
        except (ValueError, RecursionError, MemoryError) as exc:
            problems.append(DocumentProblem("unparseable", f"cannot parse notebook code: {type(exc).__name__}"))
            tree = None
            break
    source, starts = _join(pieces)
    if python2:
        problems.append(DocumentProblem("python2", "Python 2 syntax in some cells: read through a print/except rewrite"))
    code_cells = tuple(
        CodeCell(idx, count, starts[i], len(pieces[i]), outputs, parsed[i]) for i, (idx, count, outputs) in enumerate(meta)
    )
    fmt = nb.get("nbformat")
    info = NotebookInfo(fmt if isinstance(fmt, int) else 4, notebook_language(nb), code_cells, tuple(markdown), len(cells))
    return source, tree, info, problems, python2


def _join(pieces: list[list[str]]) -> tuple[str, list[int]]:
    starts: list[int] = []
    line = 1
    for piece in pieces:
        starts.append(line)
        line += len(piece)
    return "\n".join("\n".join(p) for p in pieces), starts


def _cell_at(starts: list[int], lineno: int) -> int | None:
    found = None
    for i, start in enumerate(starts):
        if start <= lineno:
            found = i
    return found


def _line_in(starts: list[int], lineno: int | None) -> int | None:
    if lineno is None:
        return None
    cell = _cell_at(starts, lineno)
    return None if cell is None else lineno - starts[cell] + 1


def _parses(source: str) -> bool:
    try:
        parse_source(source, "<cell>")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
