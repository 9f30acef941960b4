"""Dispatch a file to its reader by suffix; the one entry point the pipeline calls."""

from __future__ import annotations

from proofolio.documents.base import Document, DocumentProblem
from proofolio.documents.imports import ImportMap, build_import_map
from proofolio.documents.notebook import NotebookError, join_cells, load_notebook
from proofolio.documents.python import decode_source, parse_python

READABLE_SUFFIXES = (".py", ".ipynb")


def read_document(path: str, data: bytes) -> Document:
    """Read one file into a Document; never raises for bad content, records problems instead."""
    if path.endswith(".ipynb"):
        return _read_notebook(path, data)
    return _read_python(path, data)


def _read_python(path: str, data: bytes) -> Document:
    if b"\x00" in data:
        problem = DocumentProblem("binary", "contains NUL bytes: not a text source file")
        return Document(path, "python", "", None, ImportMap(), problems=[problem])
    source = decode_source(data)
    tree, problems, python2 = parse_python(source, path)
    imports = build_import_map(tree, path) if tree is not None else ImportMap()
    return Document(path, "python", source, tree, imports, problems=problems, python2=python2)


def _read_notebook(path: str, data: bytes) -> Document:
    try:
        nb, problems = load_notebook(data)
    except NotebookError as exc:
        return Document(path, "notebook", "", None, ImportMap(), problems=[DocumentProblem(exc.kind, exc.reason)])
    source, tree, info, cell_problems, python2 = join_cells(nb, path)
    problems.extend(cell_problems)
    if info.language not in ("python", "python3", "python2", "ipython", "ipython3"):
        problems.append(DocumentProblem("not-python", f"notebook kernel language is {info.language!r}: code not analysed"))
        tree = None
    imports = build_import_map(tree, path) if tree is not None else ImportMap()
    return Document(path, "notebook", source, tree, imports, notebook=info, problems=problems, python2=python2)
