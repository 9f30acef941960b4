"""COM-docstrings: modules, classes and functions documented with docstrings."""

from __future__ import annotations

import ast

from proofolio.detectors.base import DetectorMeta, FileContext, FileDetector
from proofolio.models import Confidence

MIN_WORDS = 2  # """TODO""" or """x""" documents nothing


def _docstring(node: ast.AST) -> ast.Expr | None:
    """The docstring statement of a module/class/function when it says something."""
    body = getattr(node, "body", None)
    if not body:
        return None
    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        if len(first.value.value.split()) >= MIN_WORDS:
            return first
    return None


class Docstrings(FileDetector):
    meta = DetectorMeta(
        id="COM-docstrings",
        skill="communication",
        title="Documents code with docstrings",
        what=(
            "Docstrings (of at least two words) on the module, classes and functions of a file. One evidence per "
            "file at the first docstring, with how many definitions are documented. High confidence in a .py "
            "module when at least half its definitions (or five) are documented, medium otherwise; in notebooks "
            "medium or low. A module docstring alone is no evidence."
        ),
        why="Explaining what code does and why is how a candidate shows they write for colleagues, not only for themselves.",
        example='''
def add_features(df):
    """Add tenure buckets and charges per month to the customer table."""   # detected
    ...
''',
        not_detected="Comments (# ...), one-word docstrings, and notebook markdown (see COM-notebook-narrative).",
    )
    node_types = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)

    def __init__(self) -> None:
        self.definitions = 0
        self.documented = 0
        self.module_doc = False
        self.first: ast.Expr | None = None

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.Module):
            if ctx.document.kind == "notebook":
                return  # a string at the top of a notebook's first cell is no module docstring
            doc = _docstring(node)
            if doc is not None:
                self.module_doc = True
                self.first = self.first or doc
            return
        self.definitions += 1
        doc = _docstring(node)
        if doc is not None:
            self.documented += 1
            self.first = self.first or doc

    def finish(self, ctx: FileContext) -> None:
        if self.first is None or self.documented == 0:
            return  # a one-line module docstring alone explains nothing a reader can use
        mostly = self.documented > 0 and (self.documented * 2 >= self.definitions or self.documented >= 5)
        if ctx.document.kind == "notebook":
            confidence = Confidence.MEDIUM if mostly else Confidence.LOW
        else:
            confidence = Confidence.HIGH if mostly else Confidence.MEDIUM
        values = (
            ("documented", str(self.documented)),
            ("definitions", str(self.definitions)),
            ("module_docstring", "yes" if self.module_doc else "no"),
        )
        line = self.first.lineno
        ctx.emit(self.meta, None, confidence, values, line=line, snippet=ctx.document.snippet(line, line))
