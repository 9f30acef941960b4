"""COM-labelled-plots: plots given titles and axis labels."""

from __future__ import annotations

import ast

from proofolio.detectors.base import CallTarget, DetectorMeta, FileContext, FileDetector
from proofolio.models import Confidence

# resolved call → which label it sets
LABEL_CALLS: dict[str, str] = {
    "matplotlib.pyplot.title": "title",
    "matplotlib.pyplot.suptitle": "title",
    "matplotlib.pyplot.xlabel": "xlabel",
    "matplotlib.pyplot.ylabel": "ylabel",
    "matplotlib.axes.Axes.set_title": "title",
    "matplotlib.axes.Axes.set_xlabel": "xlabel",
    "matplotlib.axes.Axes.set_ylabel": "ylabel",
    "matplotlib.figure.Figure.suptitle": "title",
}
# untyped receivers (`for ax in axes.flat: ax.set_title(...)`) in a matplotlib file: medium
LABEL_METHODS: dict[str, str] = {"set_title": "title", "set_xlabel": "xlabel", "set_ylabel": "ylabel", "suptitle": "title"}
# calls that label through keywords: `ax.set(title=...)`, `px.bar(..., title=...)`, `df.plot(title=...)`
LABEL_KEYWORDS: dict[str, str] = {
    "title": "title", "title_text": "title", "xlabel": "xlabel", "ylabel": "ylabel",
    "xaxis_title": "xlabel", "yaxis_title": "ylabel", "labels": "labels",
}
KEYWORD_CALLS = frozenset(
    {
        "matplotlib.axes.Axes.set", "plotly.graph_objects.Figure.update_layout", "plotly.graph_objects.Layout",
        "pandas.DataFrame.plot", "pandas.Series.plot",
    }
)
KEYWORD_CALL_PREFIXES = ("plotly.express.", "pandas.DataFrame.plot.", "pandas.Series.plot.")
KEYWORD_METHODS = frozenset({"update_layout"})  # untyped plotly figures: fig = px.bar(...)


def _empty_label(call: ast.Call) -> bool:
    """`plt.title("")` clears a label; it labels nothing."""
    return bool(call.args) and isinstance(call.args[0], ast.Constant) and call.args[0].value in ("", None)


class LabelledPlots(FileDetector):
    meta = DetectorMeta(
        id="COM-labelled-plots",
        skill="communication",
        title="Labels plots (titles and axis labels)",
        what=(
            "Calls that give a plot a title or axis labels: pyplot title/xlabel/ylabel/suptitle, Axes "
            "set_title/set_xlabel/set_ylabel/set(title=...), and title=/labels= keywords of plotly express, "
            "Figure.update_layout and pandas .plot. Medium confidence for set_title/... on an untyped receiver in "
            "a matplotlib file. Values: which label."
        ),
        why="A plot with a title and labelled axes can be read by someone else; that is communication, not just exploration.",
        example='''
import matplotlib.pyplot as plt

fig, ax = plt.subplots()
ax.hist(df["tenure"])
ax.set_title("Tenure of customers")   # detected
ax.set_xlabel("Months")               # detected
''',
        not_detected="Legends, tick labels, annotations, empty labels (plt.title('')), and labels set through a style sheet.",
    )
    node_types = (ast.Call,)

    def wants_call(self, target: CallTarget) -> bool:
        """Label calls and keyword-labelling calls when resolved; label methods on untyped receivers."""
        qualified = target.qualified
        if qualified is not None:
            return target.confidence is Confidence.HIGH and (
                qualified in LABEL_CALLS or qualified in KEYWORD_CALLS or qualified.startswith(KEYWORD_CALL_PREFIXES)
            )
        return target.method in LABEL_METHODS or target.method in KEYWORD_METHODS

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        assert isinstance(node, ast.Call)
        target = ctx.call_target(node)
        qualified = target.qualified
        if qualified is not None and target.confidence is Confidence.HIGH:
            label = LABEL_CALLS.get(qualified)
            if label is not None:
                if not _empty_label(node):
                    ctx.emit(self.meta, node, Confidence.HIGH, (("label", label), ("api", qualified)))
                return
            if qualified in KEYWORD_CALLS or qualified.startswith(KEYWORD_CALL_PREFIXES):
                self._keywords(node, ctx, Confidence.HIGH, qualified)
            return
        if qualified is not None or target.method is None:
            return
        imports = ctx.document.imports
        if target.method in LABEL_METHODS and imports.imports("matplotlib") and not _empty_label(node):
            ctx.emit(self.meta, node, Confidence.MEDIUM, (("label", LABEL_METHODS[target.method]), ("method", target.method)))
        elif target.method in KEYWORD_METHODS and imports.imports("plotly"):
            self._keywords(node, ctx, Confidence.MEDIUM, target.method)

    def _keywords(self, node: ast.Call, ctx: FileContext, confidence: Confidence, api: str) -> None:
        for keyword in node.keywords:
            label = LABEL_KEYWORDS.get(keyword.arg or "")
            if label is None:
                continue
            if isinstance(keyword.value, ast.Constant) and keyword.value.value in ("", None):
                continue
            ctx.emit(self.meta, node, confidence, (("label", label), ("api", api)))
            return
