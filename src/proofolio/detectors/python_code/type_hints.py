"""PY-type-hints: annotated function signatures."""

from __future__ import annotations

import ast

from proofolio.detectors.base import DetectorMeta, FileContext, FileDetector
from proofolio.models import Confidence


def _annotated(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    args = node.args
    params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    return node.returns is not None or any(a is not None and a.annotation is not None for a in params)


class TypeHints(FileDetector):
    meta = DetectorMeta(
        id="PY-type-hints",
        skill="python",
        title="Uses type hints in function signatures",
        what=(
            "Functions whose parameters or return value are annotated. One evidence per file at the first "
            "annotated function, with how many of the file's functions are annotated. High confidence in a .py "
            "module where at least half the functions are annotated, medium otherwise; notebooks one step lower; low "
            "when a single function of the file is annotated (often what a framework asks: FastAPI's `data: dict`)."
        ),
        why="Type hints make code readable and checkable; they mark someone who writes Python for others to use.",
        example='''
def clean(df: pd.DataFrame, threshold: float = 0.5) -> pd.DataFrame:   # detected
    ...
''',
        not_detected="Annotations on variables only (x: int = 0), type comments, and stub (.pyi) files.",
    )
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)

    def __init__(self) -> None:
        self.functions = 0
        self.annotated = 0
        self.first: ast.AST | None = None

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        self.functions += 1
        if _annotated(node):
            self.annotated += 1
            if self.first is None:
                self.first = node

    def finish(self, ctx: FileContext) -> None:
        if self.first is None:
            return
        mostly = self.annotated * 2 >= self.functions
        if self.annotated < 2:
            confidence = Confidence.LOW  # one annotation is often a framework's demand (FastAPI's `data: dict`)
        elif ctx.document.kind == "notebook":
            confidence = Confidence.MEDIUM if mostly else Confidence.LOW
        else:
            confidence = Confidence.HIGH if mostly else Confidence.MEDIUM
        line = self.first.lineno  # type: ignore[attr-defined]
        values = (("annotated", str(self.annotated)), ("functions", str(self.functions)))
        ctx.emit(self.meta, None, confidence, values, line=line, snippet=ctx.document.snippet(line, line))
