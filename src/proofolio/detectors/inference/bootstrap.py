"""STAT-bootstrap: the data resampled with replacement at its own size, by hand (a bootstrap)."""

from __future__ import annotations

import ast

from proofolio.detectors.base import CallTarget, DetectorMeta, FileContext, FileDetector
from proofolio.detectors.support import keyword_value, length_of, same_expression
from proofolio.models import Confidence

# What draws a resample: numpy's choice (module or Generator), the standard library's choices,
# scikit-learn's resample and pandas' sample. The size test in visit() is what makes it a bootstrap.
_METHODS = frozenset({"choice", "choices", "resample", "sample"})


def _is_true(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _same_count(size: ast.AST | None, population: ast.AST | None) -> bool:
    """`choice(len(x), len(x))`: as many positions of x as it has, drawn with replacement (`choice(n, n)`
    alone says nothing of what n counts: random group labels are drawn so too)."""
    if not (isinstance(population, ast.Call) and isinstance(population.func, ast.Name) and population.func.id == "len"):
        return False
    return same_expression(size, population)


def _full_size(size: ast.AST | None, data: ast.AST | None) -> bool:
    """The data's own size, once or as the last of a shape: `len(x)`, `size=(B, len(x))` (B resamples at once)."""
    if isinstance(size, ast.Tuple) and size.elts:
        size = size.elts[-1]
    return length_of(size, data)


def _is_one(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and not isinstance(node.value, bool) and node.value in (1, 1.0)


def bootstrap_kind(call: ast.Call, target: CallTarget) -> str | None:
    """Which resampling API ``call`` draws an n-of-n sample with replacement through, or None."""
    qualified = target.qualified or ""
    method = target.method or qualified.rsplit(".", 1)[-1]  # `resample(X)` imported by name has no method
    first = call.args[0] if call.args else None
    if method == "choice" and (qualified.startswith("numpy.random") or not qualified):
        # np.random.choice(a, size=None, replace=True): replace defaults to True
        replace = keyword_value(call, "replace")
        if replace is not None and not _is_true(replace):
            return None
        if len(call.args) > 2 and not _is_true(call.args[2]):
            return None
        size = call.args[1] if len(call.args) > 1 else keyword_value(call, "size")
        if _full_size(size, first) or _same_count(size, first):
            return "numpy_choice"
        return None
    if method == "choices" and qualified == "random.choices":  # always with replacement
        return "random_choices" if length_of(keyword_value(call, "k"), first) else None
    if method == "resample" and qualified == "sklearn.utils.resample":
        replace = keyword_value(call, "replace")
        if replace is not None and not _is_true(replace):
            return None  # a shuffle
        size = keyword_value(call, "n_samples")
        # without n_samples, each array keeps its length; n_samples of another frame is up/down-sampling
        return "sklearn_resample" if size is None or length_of(size, first) else None
    if method == "sample" and (qualified.startswith("pandas.") or not qualified) and isinstance(call.func, ast.Attribute):
        if not _is_true(keyword_value(call, "replace")):
            return None  # df.sample(frac=1) is a shuffle; pandas defaults to replace=False
        if _is_one(keyword_value(call, "frac")) or length_of(keyword_value(call, "n") or first, call.func.value):
            return "pandas_sample"
    return None


class Bootstrap(FileDetector):
    meta = DetectorMeta(
        id="STAT-bootstrap",
        skill="statistics",
        title="Bootstraps by hand (resamples the data with replacement at its own size)",
        what=(
            "A resample of the data drawn with replacement at the data's own size, the step a bootstrap repeats: "
            "`np.random.choice(a, len(a))` / `rng.choice(a, size=a.shape[0])` (replace left at True), "
            "`random.choices(a, k=len(a))`, `sklearn.utils.resample(X)` without another n_samples, and "
            "`df.sample(frac=1, replace=True)` or `df.sample(n=len(df), replace=True)`. High confidence for "
            "resolved numpy/scikit-learn/pandas calls, medium for an untyped receiver's choice/sample. Value `api`."
        ),
        why=(
            "A bootstrap interval computed by hand (resample, recompute, take percentiles) shows the candidate can "
            "quantify uncertainty without a formula: the A/B-test and analyst work postings ask for."
        ),
        example='''
import numpy as np
boot = [np.median(np.random.choice(b, len(b))) for _ in range(2000)]   # detected
low, high = np.percentile(boot, [2.5, 97.5])
''',
        not_detected=(
            "Draws of another size (`np.random.choice(a, 10)`), draws without replacement and shuffles "
            "(`df.sample(frac=1)`, `replace=False`), up- or down-sampling a class to another frame's size "
            "(`resample(minority, n_samples=len(majority))`: PRE-resampling), and scipy.stats.bootstrap "
            "(STAT-statistical-models)."
        ),
    )
    node_types = (ast.Call,)

    def wants_call(self, target: CallTarget) -> bool:
        return target.method in _METHODS or (target.qualified or "").rsplit(".", 1)[-1] in _METHODS

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        assert isinstance(node, ast.Call)
        target = ctx.call_target(node)
        kind = bootstrap_kind(node, target)
        if kind is None:
            return
        confidence = Confidence.HIGH if target.qualified else Confidence.MEDIUM
        ctx.emit(self.meta, node, confidence, (("api", target.qualified or kind),))
