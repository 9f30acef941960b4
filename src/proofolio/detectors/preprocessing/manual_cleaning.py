"""PRE-manual-cleaning: missing values and outliers treated by hand (masks, quantile clips, IQR fences)."""

from __future__ import annotations

import ast
import re

from proofolio.detectors.base import CallTarget, DetectorMeta, FileContext, FileDetector
from proofolio.detectors.support import argument_nodes
from proofolio.models import Confidence

_MISSING_CHECKS = frozenset({"isnull", "isna"})
_QUANTILES = frozenset({"quantile", "percentile", "nanpercentile", "nanquantile"})
_IQR_NAME = re.compile(r"iqr", re.IGNORECASE)
IQR_FACTORS = (1.5, 3, 3.0)  # Tukey's fences


class ManualCleaning(FileDetector):
    meta = DetectorMeta(
        id="PRE-manual-cleaning",
        skill="data_preprocessing",
        title="Cleans data by hand (masked imputation, quantile clipping, IQR fences)",
        what=(
            "Missing values filled through a mask (`df.loc[df['Age'].isnull() & ..., 'Age'] = value`: an "
            "assignment to a column whose row selector tests isnull/isna), values clipped to quantiles "
            "(`x.clip(*x.quantile([0.05, 0.95]))`, `clip(lower=q1, upper=q99)` with the bounds from quantile or "
            "percentile), and Tukey's IQR fences (`df[col] < Q1 - 1.5 * IQR`). Medium confidence; value `kind` is "
            "masked_imputation, quantile_clipping or iqr_outliers."
        ),
        why=(
            "Treating gaps and extreme values with rules the candidate chose (group medians, percentiles, fences) "
            "is data cleaning as much as calling fillna or an imputer."
        ),
        example='''
import pandas as pd
df = pd.read_csv("train.csv")
df.loc[df["Age"].isnull() & (df["Title"] == "Mr"), "Age"] = 32   # detected
df["Fare"] = df["Fare"].clip(*df["Fare"].quantile([0.01, 0.99]))  # detected
iqr = q3 - q1
df = df[(df["Income"] >= q1 - 1.5 * iqr) & (df["Income"] <= q3 + 1.5 * iqr)]   # detected
''',
        not_detected=(
            "Counting missing values (isnull().sum(): EDA-summary-statistics), clipping to fixed numbers (np.clip(x, 0, 1): "
            "pandas clip is PRE-duplicates-outliers), and outlier rules written with other factors or names."
        ),
    )
    node_types = (ast.Call, ast.Compare)

    def wants_call(self, target: CallTarget) -> bool:
        """isnull/isna (inside assignments to data) and clip calls."""
        return target.method in _MISSING_CHECKS or target.method == "clip" or target.method == "clamp"

    def __init__(self) -> None:
        self.mentions_iqr: bool | None = None  # whether the file names an IQR at all (asked once)

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.Compare):
            if self.mentions_iqr is None:
                self.mentions_iqr = _IQR_NAME.search(ctx.document.source) is not None
            if not self.mentions_iqr:
                return
            if any(_iqr_fence(side) for side in node.comparators) or _iqr_fence(node.left):
                ctx.emit(self.meta, node, Confidence.MEDIUM, (("kind", "iqr_outliers"),))
            return
        assert isinstance(node, ast.Call)
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        if func.attr in _MISSING_CHECKS:
            if _assigns_to_rows(ctx.assignment, node):
                ctx.emit(self.meta, ctx.assignment, Confidence.MEDIUM, (("kind", "masked_imputation"),))
        elif _bounds_from_quantiles(node):
            ctx.emit(self.meta, node, Confidence.MEDIUM, (("kind", "quantile_clipping"),))


def _assigns_to_rows(statement: ast.stmt | None, check: ast.Call) -> bool:
    """Whether ``statement`` assigns to rows selected by a mask holding ``check``: `df.loc[mask, col] = v`, `df[col][mask] = v`."""
    if not isinstance(statement, ast.Assign):
        return False
    for target in statement.targets:
        if isinstance(target, ast.Subscript) and any(node is check for node in ast.walk(target.slice)):
            return True
    return False


def _bounds_from_quantiles(call: ast.Call) -> bool:
    """`x.clip(*x.quantile([...]))`, `s.clip(lower=s.quantile(.01), upper=q99)` with q99 a quantile name."""
    for node in argument_nodes(call):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            if name in _QUANTILES:
                return True
    return False


def _iqr_fence(node: ast.AST) -> bool:
    """`q1 - 1.5 * iqr`, `Q3 + 1.5*IQR`: a quartile plus or minus a Tukey factor times a name holding 'iqr'."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub)):
        return False
    scaled = node.right
    if not (isinstance(scaled, ast.BinOp) and isinstance(scaled.op, ast.Mult)):
        return False
    factor, spread = (scaled.left, scaled.right) if isinstance(scaled.left, ast.Constant) else (scaled.right, scaled.left)
    if not (isinstance(factor, ast.Constant) and not isinstance(factor.value, bool) and factor.value in IQR_FACTORS):
        return False
    name = spread.id if isinstance(spread, ast.Name) else spread.attr if isinstance(spread, ast.Attribute) else None
    return name is not None and bool(_IQR_NAME.search(name))
