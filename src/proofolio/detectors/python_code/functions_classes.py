"""PY-functions-classes: functions and classes the candidate defined, counted per file."""

from __future__ import annotations

import ast

from proofolio.detectors.base import DetectorMeta, FileContext, FileDetector
from proofolio.detectors.support.code_metrics import code_metrics
from proofolio.models import Confidence


class FunctionsClasses(FileDetector):
    meta = DetectorMeta(
        id="PY-functions-classes",
        skill="python",
        title="Structures code into functions and classes",
        what=(
            "Functions, methods and classes defined in a file: one evidence per file at the first definition, "
            "with the counts as values. A file with a class or at least three functions and methods: high confidence "
            "in a .py module, medium in a notebook; fewer: one step lower (a lone handler or main(), and top-to-bottom "
            "notebook scripting, are weak evidence). For .py "
            "modules the values add radon's cyclomatic complexity (cc_average, cc_max, cc_max_block) and "
            "maintainability index (mi, mi_rank A-C; skipped above 100 KB or for data-like files): shown, not scored."
        ),
        why="Employers want Python beyond scripting: reusable functions and classes are the first sign of it.",
        example='''
def load_data(path):          # detected (one evidence for the file)
    return pd.read_csv(path)

class FeatureBuilder:
    def transform(self, df):
        ...
''',
        not_detected="Lambdas, code with no definitions at all, and quality of the definitions (complexity is measured elsewhere).",
    )
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)

    def __init__(self) -> None:
        self.first: ast.AST | None = None
        self.functions = 0
        self.methods = 0
        self.classes = 0
        self._method_ids: set[int] = set()

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if self.first is None:
            self.first = node
        if isinstance(node, ast.ClassDef):
            self.classes += 1
            self._method_ids.update(
                id(n) for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            )
        elif id(node) in self._method_ids:
            self.methods += 1
        else:
            self.functions += 1

    def finish(self, ctx: FileContext) -> None:
        if self.first is None:
            return
        substantial = self.classes > 0 or self.functions + self.methods >= 3
        if ctx.document.kind == "notebook":
            confidence = Confidence.MEDIUM if substantial else Confidence.LOW
        else:  # a module of one or two functions (a handler, a main()) shows little structure
            confidence = Confidence.HIGH if substantial else Confidence.MEDIUM
        line = self.first.lineno  # type: ignore[attr-defined]
        values = (
            ("functions", str(self.functions)), ("methods", str(self.methods)), ("classes", str(self.classes)),
            *code_metrics(ctx.document),
        )
        ctx.emit(self.meta, None, confidence, values, line=line, snippet=ctx.document.snippet(line, line))
