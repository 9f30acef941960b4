"""Read a .ipynb: code cells joined into one parseable source with a line → cell map.

An nbformat 4 notebook is loaded with ``json.loads`` and checked against nbformat's schema
(hand-written rules; nbformat's compiled validator when they do not say "valid"); older
formats are read, upgraded (v3 → v4) and validated by nbformat. A notebook that fails
validation but still has a cell list is read leniently, with a problem entry saying so:
real candidate notebooks are often slightly off-schema and still worth reading.
"""

from __future__ import annotations

import ast
import bisect
import itertools
import json
import re
import warnings
from collections.abc import Iterator
from functools import cache
from typing import Any

from proofolio.documents.base import (
    CellOutputs,
    CodeCell,
    DocumentProblem,
    MarkdownCell,
    NotebookInfo,
)
from proofolio.documents.magics import neutralise_cell, without_leading_indent
from proofolio.documents.python import parse_source, rewrite_python2

MAX_OUTPUT_TEXT = 2000  # characters of printed output kept per cell
_IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")
_HTML_TABLE_WINDOW = 20_000  # characters of an HTML output searched for a table
_NO_OUTPUTS = CellOutputs()  # immutable: shared by every cell without outputs


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
        try:
            return "".join(value)  # the usual case: every line a string
        except TypeError:
            return "".join(x for x in value if isinstance(x, str))
    return ""


def load_notebook(data: bytes) -> tuple[dict[str, Any], list[DocumentProblem]]:
    """Parse and upgrade to nbformat 4; raise NotebookError when there are no cells to read.

    nbformat 4 notebooks take the fast path: ``json.loads`` on the plain dict (~200 MB/s,
    against ~80 MB/s for ``nbformat.reads``, whose cost is mostly building NotebookNodes; see
    docs/performance.md), then the schema check of ``_schema_valid``. Older formats go through
    ``nbformat.reads``, which converts them.
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
        if not _schema_valid(raw):
            problems.append(DocumentProblem("invalid-notebook", f"fails the nbformat schema ({_schema_error(raw)}); read leniently"))
        return raw, problems
    return _load_other_format(text, raw)


def _schema_valid(raw: dict[str, Any]) -> bool:
    """nbformat's verdict on a v4 notebook: its schema for the notebook's minor version, compiled
    by fastjsonschema, tolerating cells without an ``id`` (nbformat adds them silently).

    ``_surely_valid`` answers first: checking the schema's rules by hand costs a twelfth of the
    compiled validator (which tries every cell and output kind in turn, building an exception
    for each miss). It only ever says "valid"; anything else is left to the compiled validator,
    so an invalid verdict is always nbformat's own.
    """
    if _surely_valid(raw):
        return True
    minor = raw.get("nbformat_minor")
    validator = _v4_validator(minor if isinstance(minor, int) else None)  # cached: a list minor is unhashable
    return validator is None or _valid(validator, raw)


MAX_SCHEMA_MESSAGE = 160  # characters of the validator's message kept in the problem




_TOP_KEYS = frozenset({"cells", "metadata", "nbformat", "nbformat_minor"})
_CELL_KEYS = {"code": frozenset({"id", "cell_type", "metadata", "execution_count", "source", "outputs"}),
              "markdown": frozenset({"id", "cell_type", "metadata", "source", "attachments"}),
              "raw": frozenset({"id", "cell_type", "metadata", "source", "attachments"})}
_OUTPUT_KEYS = {"error": frozenset({"output_type", "ename", "evalue", "traceback"}),
                "stream": frozenset({"output_type", "name", "text"}),
                "display_data": frozenset({"output_type", "data", "metadata", "transient"}),
                "execute_result": frozenset({"output_type", "data", "metadata", "execution_count", "transient"})}


def _schema_error(raw: dict[str, Any]) -> str:
    """What makes a notebook invalid, said so a reader knows whether anything was lost: the first
    key the format does not allow (Colab's `errorDetails`, a top-level `kernelspec`), else the
    validator's own words. Asked only of notebooks already found invalid; never raises."""
    try:
        return _first_schema_error(raw)
    except Exception:  # noqa: BLE001 - a notebook malformed in a way not foreseen: the problem stays, unnamed
        return "a rule of the schema"


def _unknown_key(item: Any, allowed: dict[str, frozenset[str]], kind_field: str, where: str) -> str | None:
    """`cell 3 key 'foo'` / `cell 0 output 1 of an unknown output_type`: the first thing the format does not allow."""
    kind = item.get(kind_field) if isinstance(item, dict) else None
    keys = allowed.get(kind) if isinstance(kind, str) else None
    if keys is None:
        return f"{where} of an unknown {kind_field}"
    extra = sorted(set(item) - keys)
    return f"{where} key {extra[0]!r}" if extra else None


def _first_schema_error(raw: dict[str, Any]) -> str:
    extra = sorted(set(raw) - _TOP_KEYS)
    if extra:
        return f"top-level key {extra[0]!r}"
    for i, cell in enumerate(raw["cells"]):
        found = _unknown_key(cell, _CELL_KEYS, "cell_type", f"cell {i}")
        if found:
            return found
        outputs = cell.get("outputs")
        for j, output in enumerate(outputs if isinstance(outputs, list) else ()):
            found = _unknown_key(output, _OUTPUT_KEYS, "output_type", f"cell {i} output {j}")
            if found:
                return found
    minor = raw.get("nbformat_minor")
    validator = _v4_validator(minor if isinstance(minor, int) else None)
    try:
        validator.validate(raw)
    except Exception as exc:  # noqa: BLE001 - fastjsonschema's JsonSchemaException, or a validator bug
        return _short(str(getattr(exc, "message", None) or exc))
    return "a rule of the schema"


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
    import nbformat  # imported on first use: ~0.25 s that a run reading only schema-valid notebooks never pays
    from nbformat.validator import get_validator

    known = minor if isinstance(minor, int) and 0 <= minor <= nbformat.current_nbformat_minor else nbformat.current_nbformat_minor
    try:
        return get_validator(version=4, version_minor=known, name="fastjsonschema")
    except Exception:  # fastjsonschema missing or schema not found: read without validating
        return None


# The nbformat v4 schema (nbformat/v4/nbformat.v4.<minor>.schema.json, minors 0 to 5) as plain
# rules. Each minor only adds optional metadata fields to the one before, and 4.5 adds cell ids
# (required; before 4.5 an ``id`` is an unknown key, which the schema forbids). A minor above 5
# is checked against 4.5, as nbformat does. tests/unit/test_notebook_fast_read.py holds these
# rules equal to the compiled validator on generated and mutated notebooks.
_NEWEST_MINOR = 5
_NOTEBOOK_KEYS = frozenset({"metadata", "nbformat_minor", "nbformat", "cells"})  # all required, no other
_CELL_KEYS = {
    "code": frozenset({"id", "cell_type", "metadata", "source", "outputs", "execution_count"}),
    "markdown": frozenset({"id", "cell_type", "metadata", "source", "attachments"}),
    "raw": frozenset({"id", "cell_type", "metadata", "source", "attachments"}),
}
_CELL_REQUIRED = {  # ``id`` is required from 4.5, but a missing one is tolerated
    "code": frozenset({"cell_type", "metadata", "source", "outputs", "execution_count"}),
    "markdown": frozenset({"cell_type", "metadata", "source"}),
    "raw": frozenset({"cell_type", "metadata", "source"}),
}
_OUTPUT_KEYS = {  # all required, no other
    "execute_result": frozenset({"output_type", "data", "metadata", "execution_count"}),
    "display_data": frozenset({"output_type", "data", "metadata"}),
    "stream": frozenset({"output_type", "name", "text"}),
    "error": frozenset({"output_type", "ename", "evalue", "traceback"}),
}
# The schema's patterns as fastjsonschema compiles them: a ``pattern`` ending in ``$`` ends in
# ``\Z`` (no trailing newline), a ``patternProperties`` key is compiled as written.
_CELL_ID = re.compile(r"^[a-zA-Z0-9-_]+\Z")
_METADATA_NAME = re.compile(r"^.+\Z")
_TAG = re.compile(r"^[^,]+\Z")
_ANY_LINE_KEY = re.compile(r"^.*$")
_JSON_MIME = re.compile(r"^application/(.*\+)?json$")
_STR = frozenset({str})


def _surely_valid(nb: dict[str, Any]) -> bool:
    """True when ``nb`` satisfies nbformat's v4 schema for its minor version, cells without id tolerated."""
    if nb.keys() != _NOTEBOOK_KEYS or type(nb["nbformat"]) is not int or nb["nbformat"] != 4:
        return False
    minor = nb["nbformat_minor"]
    if type(minor) is not int or minor < 0:  # a negative minor fails 4.5's ``minimum: 5``
        return False
    cells = nb["cells"]
    return type(cells) is list and _notebook_metadata_ok(nb["metadata"], minor) and all(_cell_ok(c, minor) for c in cells)


def _notebook_metadata_ok(meta: Any, minor: int) -> bool:
    if type(meta) is not dict:
        return False
    if "kernelspec" in meta:
        kernel = meta["kernelspec"]
        if type(kernel) is not dict or type(kernel.get("name")) is not str or type(kernel.get("display_name")) is not str:
            return False
    if "language_info" in meta and not _language_info_ok(meta["language_info"]):
        return False
    if "orig_nbformat" in meta and not _int_at_least(meta["orig_nbformat"], 1):
        return False
    if minor >= 2 and "title" in meta and type(meta["title"]) is not str:
        return False
    return minor < 2 or "authors" not in meta or type(meta["authors"]) is list  # ``item`` (sic): items unchecked


def _language_info_ok(info: Any) -> bool:
    if type(info) is not dict or type(info.get("name")) is not str:
        return False
    if "codemirror_mode" in info and type(info["codemirror_mode"]) not in (str, dict):
        return False
    return all(type(info[key]) is str for key in ("file_extension", "mimetype", "pygments_lexer") if key in info)


def _cell_ok(cell: Any, minor: int) -> bool:
    if type(cell) is not dict:
        return False
    kind = cell.get("cell_type")
    if type(kind) is not str or kind not in _CELL_KEYS:
        return False
    keys = cell.keys()
    if not (keys <= _CELL_KEYS[kind] and keys >= _CELL_REQUIRED[kind]):
        return False
    if "id" in cell and (minor < _NEWEST_MINOR or not _cell_id_ok(cell["id"])):
        return False
    if not _multiline(cell["source"]) or not _cell_metadata_ok(cell["metadata"], kind, minor):
        return False
    if kind != "code":
        return "attachments" not in cell or _attachments_ok(cell["attachments"])
    outputs = cell["outputs"]
    return _count_ok(cell["execution_count"]) and type(outputs) is list and all(map(_output_ok, outputs))


def _cell_id_ok(value: Any) -> bool:
    return type(value) is str and 1 <= len(value) <= 64 and _CELL_ID.search(value) is not None


def _cell_metadata_ok(meta: Any, kind: str, minor: int) -> bool:
    if type(meta) is not dict:
        return False
    if not meta:
        return True
    if "name" in meta and not (type(meta["name"]) is str and _METADATA_NAME.search(meta["name"])):
        return False
    if "tags" in meta and not _tags_ok(meta["tags"]):
        return False
    if minor >= 3 and "jupyter" in meta and type(meta["jupyter"]) is not dict:
        return False
    if kind == "raw":
        return "format" not in meta or type(meta["format"]) is str
    if kind == "code":
        return _code_metadata_ok(meta, minor)
    return True


def _code_metadata_ok(meta: dict[str, Any], minor: int) -> bool:
    if "collapsed" in meta and type(meta["collapsed"]) is not bool:
        return False
    if "scrolled" in meta and not (type(meta["scrolled"]) is bool or meta["scrolled"] == "auto"):
        return False
    if minor < 4 or "execution" not in meta:
        return True
    execution = meta["execution"]  # every key matching ``^.*$`` must map to a string
    return type(execution) is dict and all(type(v) is str or not _ANY_LINE_KEY.search(k) for k, v in execution.items())


def _tags_ok(tags: Any) -> bool:
    return (type(tags) is list and _all_str(tags) and len(set(tags)) == len(tags)
            and all(_TAG.search(tag) for tag in tags))


def _output_ok(out: Any) -> bool:
    if type(out) is not dict:
        return False
    kind = out.get("output_type")
    if type(kind) is not str or out.keys() != _OUTPUT_KEYS.get(kind):
        return False
    if kind == "stream":
        return type(out["name"]) is str and _multiline(out["text"])
    if kind == "error":
        traceback = out["traceback"]
        return type(out["ename"]) is str and type(out["evalue"]) is str and type(traceback) is list and _all_str(traceback)
    if kind == "execute_result" and not _count_ok(out["execution_count"]):
        return False
    return type(out["metadata"]) is dict and _mimebundle_ok(out["data"])


def _mimebundle_ok(bundle: Any) -> bool:
    """Each value a string or list of strings, except under a JSON mime type (any value)."""
    if type(bundle) is not dict:
        return False
    return all(_multiline(value) or _JSON_MIME.search(key) for key, value in bundle.items())


def _attachments_ok(attachments: Any) -> bool:
    return type(attachments) is dict and all(map(_mimebundle_ok, attachments.values()))


def _multiline(value: Any) -> bool:
    return type(value) is str or (type(value) is list and _all_str(value))


def _all_str(values: list[Any]) -> bool:
    return set(map(type, values)) <= _STR


def _count_ok(value: Any) -> bool:
    return value is None or _int_at_least(value, 0)


def _int_at_least(value: Any, minimum: int) -> bool:
    return type(value) is int and value >= minimum


def _load_other_format(text: str, raw: Any) -> tuple[dict[str, Any], list[DocumentProblem]]:
    """nbformat 2/3 (converted by nbformat) and malformed notebooks (read leniently when possible)."""
    import nbformat

    problems: list[DocumentProblem] = []
    captured: dict[str, Any] = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4, capture_validation_error=captured)
        error = captured.get("ValidationError")
        if error is not None:
            message = _short(getattr(error, "message", None) or str(error))
            problems.append(DocumentProblem("invalid-notebook", f"fails the nbformat schema ({message}); read leniently"))
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


def _short(message: object) -> str:
    """The first line of an error (or its message), at most MAX_SCHEMA_MESSAGE characters."""
    text = str(message)
    first = " ".join(text.splitlines()[0].split()) if text.strip() else type(message).__name__
    return first if len(first) <= MAX_SCHEMA_MESSAGE else first[: MAX_SCHEMA_MESSAGE - 3] + "..."


def summarise_outputs(outputs: Any) -> CellOutputs:
    """Keep what is evidence (image kinds, printed text) and drop the payloads."""
    if not outputs or not isinstance(outputs, list):
        return _NO_OUTPUTS
    images: list[str] = []
    texts: list[str] = []
    html_table = False
    error = ""
    size = 0
    for out in outputs:
        if not isinstance(out, dict):
            continue
        kind = out.get("output_type")
        if kind == "stream":
            chunk = cell_text(out.get("text")) if size < MAX_OUTPUT_TEXT else ""
        elif kind in ("execute_result", "display_data"):
            data = out.get("data") if isinstance(out.get("data"), dict) else {}
            images.extend(m for m in _IMAGE_MIMES if m in data)
            html_table = html_table or _html_table(data.get("text/html"))
            chunk = cell_text(data.get("text/plain")) if size < MAX_OUTPUT_TEXT else ""
        elif kind == "error":
            chunk = f"{out.get('ename', '')}: {out.get('evalue', '')}"
            error = error or (out.get("ename") if isinstance(out.get("ename"), str) else "") or "Error"
        else:
            chunk = ""
        if chunk and size < MAX_OUTPUT_TEXT:
            texts.append(chunk[: MAX_OUTPUT_TEXT - size])
            size += len(texts[-1])
    return CellOutputs(tuple(images), "".join(texts), html_table, error[:80])


def _html_table(html: Any) -> bool:
    """A ``<table`` in the first 20,000 characters of an HTML output (a DataFrame starts with one)."""
    if isinstance(html, list):  # join only the lines that can hold it: rendered frames run to megabytes
        head: list[str] = []
        length = 0
        for line in html:
            if isinstance(line, str):
                head.append(line)
                length += len(line)
                if length >= _HTML_TABLE_WINDOW:
                    break
        html = "".join(head)
    return isinstance(html, str) and html.find("<table", 0, _HTML_TABLE_WINDOW) >= 0


def notebook_language(nb: dict[str, Any]) -> str:
    meta = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    lang = meta.get("language_info", {}) if isinstance(meta.get("language_info"), dict) else {}
    kernel = meta.get("kernelspec", {}) if isinstance(meta.get("kernelspec"), dict) else {}
    return str(lang.get("name") or kernel.get("language") or "python").lower()


def join_cells(
    nb: dict[str, Any], path: str
) -> tuple[str, ast.Module | None, NotebookInfo, list[DocumentProblem], bool]:
    """Join the code cells, parse them once, blank out cells that still do not parse."""
    cells = nb.get("cells") if isinstance(nb.get("cells"), list) else []
    pieces: list[str] = []  # per code cell: its source, IPython syntax neutralised ("" for another language)
    meta: list[tuple[int, int | None, CellOutputs]] = []
    markdown: list[MarkdownCell] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            continue
        kind = cell.get("cell_type")
        if kind == "markdown":
            markdown.append(MarkdownCell(index, cell_text(cell.get("source"))))
        elif kind == "code":
            source, is_python = neutralise_cell(without_leading_indent(cell_text(cell.get("source")).replace("\r\n", "\n")))
            count = cell.get("execution_count")
            pieces.append(source if is_python else "")
            meta.append((index, count if isinstance(count, int) else None, summarise_outputs(cell.get("outputs"))))

    parse = _CellParse(pieces, [index for index, _, _ in meta])
    tree = parse.run(path)
    problems = parse.problems
    if parse.python2:
        problems.append(DocumentProblem("python2", "Python 2 syntax in some cells: read through a print/except rewrite"))
    stopped = [(index, outputs.error) for index, _, outputs in meta if outputs.error]
    if stopped:  # results shown by such a run may never have been produced: the reader is told, the code still counts
        first, name = stopped[0]
        problems.append(DocumentProblem(
            "notebook-run-errors",
            f"stored outputs show an error in {len(stopped)} code cell(s), the first {name} in cell {first}: "
            "the last run stopped there; the code is analysed as written", first))
    code_cells = tuple(
        CodeCell(idx, count, parse.starts[i], parse.sizes[i], outputs, parse.parsed[i])
        for i, (idx, count, outputs) in enumerate(meta)
    )
    fmt = nb.get("nbformat")
    info = NotebookInfo(fmt if isinstance(fmt, int) else 4, notebook_language(nb), code_cells, tuple(markdown), len(cells))
    return parse.source(), tree, info, problems, parse.python2


_RUN_LIMIT = 64  # cells judged together at most (a longer run costs cells² when they all fail)


class _CellParse:
    """The code cells of one notebook, made to parse: a Python 2 cell is rewritten, a cell that
    does not parse is blanked (its lines kept, so the line → cell map holds) with a problem.

    The joined source is parsed once; most notebooks end there. On a syntax error the old way,
    blame the cell at the error and parse everything again, cost cells² on a notebook of broken
    cells (25 s for 4,000). Instead each run of cells that can only parse together is parsed on
    its own, blaming cells the old way inside it: a run is a cell and the cells after it whose
    first statement line is indented (joined, they continue its last block) or that have none
    (a cell whose very first line is indented was dedented before, as IPython runs it).
    Most runs are one cell, so each cell is parsed about once, and problems read as before
    (``_joined_message``). A cell cut short (``for x in y:`` at its end) no longer makes the
    cells after it the error, as joined it did up to the last (then losing the whole tree).
    Errors that only the whole joined source has (none is known) are blamed the old way.
    """

    def __init__(self, pieces: list[str], indexes: list[int]) -> None:
        self.pieces = pieces  # per code cell: its source, updated in place
        self.indexes = indexes  # per code cell: its index among all the notebook's cells
        self.sizes = [piece.count("\n") + 1 for piece in pieces]  # rewrites and blanking keep them
        self.starts = list(itertools.accumulate(self.sizes[:-1], initial=1)) if pieces else []
        self.parsed = [True] * len(pieces)
        self.problems: list[DocumentProblem] = []
        self.python2 = False

    def source(self, first: int = 0, end: int | None = None) -> str:
        return "\n".join(self.pieces[first:end])

    def run(self, path: str) -> ast.Module | None:
        source = self.source()
        try:
            return parse_source(source, path)
        except SyntaxError:
            pass
        except (ValueError, RecursionError, MemoryError) as exc:
            self._unparseable(exc)
            return None
        last_line = _last_line(source)
        for first, end in _runs(self.pieces):
            self._fix_run(first, end, last_line)
        return self._fix_joined(path)

    def _fix_run(self, first: int, end: int, last_line: int) -> None:
        """Blame cells of ``[first, end)`` until they parse together, messages in joined numbering."""
        offset = self.starts[first] - 1
        for _attempt in range(end - first + 1):
            try:
                parse_source(self.source(first, end), "<cells>")
                return
            except SyntaxError as exc:
                lineno = (exc.lineno or 1) + offset
                bad = min(bisect.bisect_right(self.starts, lineno) - 1, end - 1)  # past the run's end: its last cell's
                if not self._blame(bad, _joined_message(exc.msg, offset, last_line), lineno):
                    return
            except (ValueError, RecursionError, MemoryError):
                return  # not a syntax error: the joined parse reports it

    def _fix_joined(self, path: str) -> ast.Module | None:
        """Parse the joined cells, blaming the cell at each error (the old way, the last resort)."""
        for _attempt in range(len(self.pieces) + 1):
            try:
                return parse_source(self.source(), path)
            except SyntaxError as exc:
                if not self._blame(_cell_at(self.starts, exc.lineno or 1), exc.msg, exc.lineno):
                    return None
            except (ValueError, RecursionError, MemoryError) as exc:
                self._unparseable(exc)
                return None
        return None

    def _blame(self, cell: int | None, message: str, lineno: int | None) -> bool:
        """Rewrite ``cell`` as Python 2, or blank it with a problem; False when it is blank already."""
        if cell is None or not self.parsed[cell]:
            return False
        rewritten = rewrite_python2(self.pieces[cell])
        if rewritten is not None and _parses(rewritten):
            self.pieces[cell] = rewritten
            self.python2 = True
            return True
        self.parsed[cell] = False
        line = None if lineno is None else lineno - self.starts[cell] + 1
        self.problems.append(DocumentProblem("cell-syntax-error", f"code cell skipped: {message}", cell=self.indexes[cell], line=line))
        self.pieces[cell] = "\n" * (self.sizes[cell] - 1)
        return True

    def _unparseable(self, exc: BaseException) -> None:
        self.problems.append(DocumentProblem("unparseable", f"cannot parse notebook code: {type(exc).__name__}"))


# The first line holding a statement, and its indentation (blank and comment lines hold none).
_FIRST_STATEMENT = re.compile(r"^([ \t\f]*)[^ \t\f\n#]", re.MULTILINE)


def _runs(pieces: list[str]) -> Iterator[tuple[int, int]]:
    """``[first, end)`` ranges of cells that may only parse together (see ``_CellParse``)."""
    first = 0
    for i in range(1, len(pieces)):
        statement = _FIRST_STATEMENT.search(pieces[i])
        if (statement is not None and not statement.group(1)) or i - first >= _RUN_LIMIT:
            yield first, i
            first = i
    if pieces:
        yield first, len(pieces)


# Parser messages that name a line. A run of cells parsed on its own counts its lines from 1;
# problems keep the numbering of the joined source, which they had when only it was parsed.
_NAMES_A_LINE = re.compile(
    r"^(expected an indented block after .+ on line "
    r"|closing parenthesis '.' does not match opening parenthesis '.' on line "
    r"|unterminated string literal \(detected at line )(\d+)"
)
# An unterminated triple-quoted string runs to the end of the joined source, where it is detected.
_UNTERMINATED_TRIPLE = re.compile(r"^unterminated triple-quoted string literal \(detected at line \d+\)$")


def _joined_message(message: str, offset: int, last_line: int) -> str:
    """``message`` from a run of cells parsed on its own, as the parse of the joined source words it."""
    if _UNTERMINATED_TRIPLE.match(message):
        return f"unterminated triple-quoted string literal (detected at line {last_line})"
    named = _NAMES_A_LINE.match(message)
    if named is None:
        return message
    return f"{named.group(1)}{int(named.group(2)) + offset}{message[named.end():]}"


def _last_line(source: str) -> int:
    """The tokenizer's line number at the end of ``source`` (a final empty line is not counted)."""
    return source.count("\n") + (0 if source.endswith("\n") else 1)


def _cell_at(starts: list[int], lineno: int) -> int | None:
    found = bisect.bisect_right(starts, lineno) - 1
    return None if found < 0 else found


def _parses(source: str) -> bool:
    try:
        parse_source(source, "<cell>")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
