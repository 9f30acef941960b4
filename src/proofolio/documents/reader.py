"""Dispatch a file to its reader by suffix; the one entry point the pipeline calls."""

from __future__ import annotations

from proofolio.documents.base import Document, DocumentProblem
from proofolio.documents.imports import ImportMap, build_import_map
from proofolio.documents.kinds import (  # noqa: F401 - their old home
    LFS_POINTER_MAX_BYTES,
    READABLE_SUFFIXES,
    lfs_pointer,
)
from proofolio.documents.notebook import (
    NotebookError,
    cell_text,
    join_cells,
    load_notebook,
)
from proofolio.documents.python import decode_source, parse_python
from proofolio.limits import DEFAULT_READ_LIMITS, ReadLimits, human_bytes


def read_document(path: str, data: bytes, limits: ReadLimits = DEFAULT_READ_LIMITS) -> Document:
    """Read one file into a Document; never raises for bad content, records problems instead."""
    pointer = lfs_pointer(data)
    if pointer is not None:  # else "not valid JSON" or a syntax error would hide what happened
        kind = "notebook" if path.endswith(".ipynb") else "python"
        return Document(path, kind, "", None, ImportMap(), problems=[DocumentProblem("lfs-pointer", pointer)])
    if path.endswith(".ipynb"):
        return _read_notebook(path, data, limits)
    return _read_python(path, data, limits)


def _too_large(path: str, kind: str, size: int, limits: ReadLimits) -> Document:
    reason = f"skipped: {human_bytes(size)} of code exceeds max_code_bytes={limits.max_code_bytes}"
    return Document(path, kind, "", None, ImportMap(), problems=[DocumentProblem("too-large", reason)])


def _read_python(path: str, data: bytes, limits: ReadLimits) -> Document:
    if b"\x00" in data:
        problem = DocumentProblem("binary", "contains NUL bytes: not a text source file")
        return Document(path, "python", "", None, ImportMap(), problems=[problem])
    if len(data) > limits.max_code_bytes:
        return _too_large(path, "python", len(data), limits)
    source = decode_source(data)
    tree, problems, python2 = parse_python(source, path)
    imports = build_import_map(tree, path) if tree is not None else ImportMap()
    return Document(path, "python", source, tree, imports, problems=problems, python2=python2)


def _read_notebook(path: str, data: bytes, limits: ReadLimits) -> Document:
    try:
        nb, problems = load_notebook(data)
    except NotebookError as exc:
        script = _script_notebook(path, data, exc, limits)
        if script is not None:
            return script
        return Document(path, "notebook", "", None, ImportMap(), problems=[DocumentProblem(exc.kind, exc.reason)])
    cells = nb.get("cells")
    if isinstance(cells, list) and len(cells) > limits.max_notebook_cells:
        reason = f"{len(cells)} cells: only the first {limits.max_notebook_cells} read (max_notebook_cells)"
        problems.append(DocumentProblem("too-many-cells", reason))
        nb["cells"] = cells[: limits.max_notebook_cells]
    code_size = sum(len(_cell_text(c)) for c in nb.get("cells") or () if isinstance(c, dict) and c.get("cell_type") == "code")
    if code_size > limits.max_code_bytes:
        return _too_large(path, "notebook", code_size, limits)
    source, tree, info, cell_problems, python2 = join_cells(nb, path)
    problems.extend(cell_problems)
    if info.language not in ("python", "python3", "python2", "ipython", "ipython3"):
        problems.append(DocumentProblem("not-python", f"notebook kernel language is {info.language!r}: code not analysed"))
        tree = None
    imports = build_import_map(tree, path) if tree is not None else ImportMap()
    return Document(path, "notebook", source, tree, imports, notebook=info, problems=problems, python2=python2)


def _script_notebook(path: str, data: bytes, error: NotebookError, limits: ReadLimits) -> Document | None:
    """A `.ipynb` that holds plain Python (`%matplotlib inline` and all), not notebook JSON: a script
    saved under the wrong name, or a lab's starter file. Read as a notebook of one code cell when
    it parses that way; else None (the JSON error stands)."""
    if error.reason != "not valid JSON" or len(data) > limits.max_code_bytes or b"\x00" in data:
        return None
    text = decode_source(data)
    if text.lstrip().startswith(("{", "[")):
        return None  # broken JSON, not a script
    nb = {"cells": [{"cell_type": "code", "source": text, "outputs": [], "metadata": {}}], "metadata": {}, "nbformat": 4}
    source, tree, info, cell_problems, python2 = join_cells(nb, path)
    if tree is None or cell_problems or not tree.body:
        return None  # not Python either (or nothing at all): the JSON error says what happened
    problem = DocumentProblem("notebook-as-script", "not notebook JSON but Python code: read as one code cell")
    imports = build_import_map(tree, path)
    return Document(path, "notebook", source, tree, imports, notebook=info, problems=[problem], python2=python2)


def _cell_text(cell: dict[str, object]) -> str:
    return cell_text(cell.get("source"))
