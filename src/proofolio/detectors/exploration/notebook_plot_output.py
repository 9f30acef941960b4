"""EDA-notebook-plot-output: code cells whose stored outputs contain a rendered plot/image."""

from __future__ import annotations

import ast

from proofolio.detectors.base import CallTarget, DetectorMeta, FileContext, FileDetector
from proofolio.detectors.support import cell_span, first_code_line, plots_model_results
from proofolio.models import Confidence

PLOT_PREFIXES = ("matplotlib.", "seaborn.", "plotly.", "pandas.plotting.", "missingno.", "yellowbrick.", "scikitplot.")
PLOT_METHODS = frozenset({"plot", "hist", "barh", "boxplot", "imshow", "scatter", "heatmap"})


# Calls that show, label or lay out a figure rather than draw data on it.
_SETUP = frozenset({
    "show", "legend", "xlabel", "ylabel", "title", "suptitle", "figure", "subplots", "subplot", "tight_layout",
    "savefig", "grid", "xticks", "yticks", "xlim", "ylim", "close", "colorbar", "axis", "text", "annotate",
    "style", "use", "rcParams", "set", "figsize", "update_layout", "update_xaxes", "update_yaxes",
})


class NotebookPlotOutput(FileDetector):
    meta = DetectorMeta(
        id="EDA-notebook-plot-output",
        skill="exploratory_analysis",
        title="Shows plots in executed notebook outputs",
        what=(
            "A notebook code cell whose stored outputs include an image (PNG, JPEG, SVG, GIF): one evidence per "
            "such cell, citing the cell from its first code line (magics and comments skipped) to its end. High confidence when the "
            "cell makes a plotting call (matplotlib, seaborn, plotly, pandas .plot ...), medium otherwise. A cell "
            "whose plotting calls all draw a model's results (training history, ROC points, search results, "
            "inertias, predictions: see EDA-plotting) is evaluation, not exploration, and is left out."
        ),
        why="A plot that is actually rendered in the notebook shows the analysis was run and looked at, not only written.",
        example='''
[code cell]  sns.histplot(df["tenure"])      <- detected: the cell's output holds a PNG
             plt.show()
''',
        not_detected=(
            "Plotting code in cells that were never run or whose outputs were cleared, images saved to files only, "
            "and cells that only plot a model's results (`plt.plot(history.history['loss'])`)."
        ),
        scope="notebook",
    )
    node_types = (ast.Call,)

    def __init__(self) -> None:
        self.plot_lines: set[int] = set()
        self.drawing: list[ast.Call] = []  # plotting calls that draw (not show, label or lay out)

    def wants_call(self, target: CallTarget) -> bool:
        """Plotting calls: resolved into a plotting package or pandas' plot, or a plot method on an untyped receiver."""
        qualified = target.qualified
        if qualified is None:
            return target.method in PLOT_METHODS
        return qualified.startswith(PLOT_PREFIXES) or (qualified.startswith("pandas.") and ".plot" in qualified)

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if ctx.document.notebook is None:
            return
        assert isinstance(node, ast.Call)
        target = ctx.call_target(node)
        qualified = target.qualified
        if qualified is not None and qualified.startswith(PLOT_PREFIXES):
            self.plot_lines.add(node.lineno)
        elif qualified is not None and qualified.startswith("pandas.") and ".plot" in qualified:
            self.plot_lines.add(node.lineno)
        elif qualified is None and target.method in PLOT_METHODS:
            self.plot_lines.add(node.lineno)
        else:
            return
        name = (qualified or target.method or "").rsplit(".", 1)[-1]
        if name in _SETUP or name.startswith(("set_", "get_")):
            return
        self.drawing.append(node)

    def finish(self, ctx: FileContext) -> None:
        notebook = ctx.document.notebook
        if notebook is None:
            return
        for cell in notebook.code_cells:
            if not cell.outputs.images:
                continue
            first, last = cell_span(ctx.document, cell)
            plotted = any(first <= line <= last for line in self.plot_lines)
            drawn = [call for call in self.drawing if first <= call.lineno <= last]
            if drawn and all(plots_model_results(call) for call in drawn):
                continue  # the cell only plots a model's results (a training history, a ROC curve): evaluation
            start, text = first_code_line(ctx.document, first, last)
            values = (("images", str(len(cell.outputs.images))), ("mime", cell.outputs.images[0]))
            confidence = Confidence.HIGH if plotted else Confidence.MEDIUM
            ctx.emit(self.meta, None, confidence, values, line=start, end_line=last, snippet=text)
