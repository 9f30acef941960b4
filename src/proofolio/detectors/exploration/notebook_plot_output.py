"""EDA-notebook-plot-output: code cells whose stored outputs contain a rendered plot/image."""

from __future__ import annotations

import ast

from proofolio.detectors.base import CallTarget, DetectorMeta, FileContext, FileDetector
from proofolio.detectors.support import cell_span, first_code_line
from proofolio.models import Confidence

PLOT_PREFIXES = ("matplotlib.", "seaborn.", "plotly.", "pandas.plotting.", "missingno.", "yellowbrick.", "scikitplot.")
PLOT_METHODS = frozenset({"plot", "hist", "barh", "boxplot", "imshow", "scatter", "heatmap"})


class NotebookPlotOutput(FileDetector):
    meta = DetectorMeta(
        id="EDA-notebook-plot-output",
        skill="exploratory_analysis",
        title="Shows plots in executed notebook outputs",
        what=(
            "A notebook code cell whose stored outputs include an image (PNG, JPEG, SVG, GIF): one evidence per "
            "such cell, citing the cell from its first code line (magics and comments skipped) to its end. High confidence when the "
            "cell makes a plotting call (matplotlib, seaborn, plotly, pandas .plot ...), medium otherwise."
        ),
        why="A plot that is actually rendered in the notebook shows the analysis was run and looked at, not only written.",
        example='''
[code cell]  sns.histplot(df["tenure"])      <- detected: the cell's output holds a PNG
             plt.show()
''',
        not_detected="Plotting code in cells that were never run or whose outputs were cleared, and images saved to files only.",
        scope="notebook",
    )
    node_types = (ast.Call,)

    def __init__(self) -> None:
        self.plot_lines: set[int] = set()

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

    def finish(self, ctx: FileContext) -> None:
        notebook = ctx.document.notebook
        if notebook is None:
            return
        for cell in notebook.code_cells:
            if not cell.outputs.images:
                continue
            first, last = cell_span(ctx.document, cell)
            plotted = any(first <= line <= last for line in self.plot_lines)
            start, text = first_code_line(ctx.document, first, last)
            values = (("images", str(len(cell.outputs.images))), ("mime", cell.outputs.images[0]))
            confidence = Confidence.HIGH if plotted else Confidence.MEDIUM
            ctx.emit(self.meta, None, confidence, values, line=start, end_line=last, snippet=text)
