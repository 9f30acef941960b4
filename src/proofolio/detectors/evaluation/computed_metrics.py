"""EVAL-computed-metrics: accuracy or errors computed by hand from predictions and labels."""

from __future__ import annotations

import ast
import re

from proofolio.detectors.base import CallTarget, DetectorMeta, FileContext, FileDetector
from proofolio.detectors.support import looks_like_prediction_name
from proofolio.models import Confidence

# Reductions that turn element-wise matches or errors into one figure.
_REDUCING_METHODS = frozenset({"sum", "mean", "count_nonzero", "average", "reduce_mean", "reduce_sum", "nanmean"})
_REDUCING_FUNCTIONS = frozenset({
    "numpy.sum", "numpy.mean", "numpy.average", "numpy.count_nonzero", "numpy.nanmean",
    "torch.sum", "torch.mean", "tensorflow.reduce_mean", "tensorflow.reduce_sum",
    "tensorflow.math.reduce_mean", "tensorflow.math.reduce_sum", "tensorflow.math.count_nonzero",
})
# Conversions around a value that leave it the same figures: `.float()`, `.cpu().numpy()`, tf.cast(x, ...).
_CONVERSIONS = frozenset({"float", "double", "int", "long", "type", "astype", "cpu", "numpy", "detach", "item",
                          "to", "squeeze", "flatten", "ravel", "view", "view_as", "reshape", "tolist", "round",
                          "argmax", "values", "data"})
_CONVERTING_FUNCTIONS = frozenset({
    "tensorflow.cast", "numpy.asarray", "numpy.array", "torch.tensor", "torch.as_tensor", "numpy.argmax",
    "torch.argmax", "tensorflow.argmax", "tensorflow.math.argmax", "numpy.round", "torch.round", "numpy.squeeze",
})
_EQUAL_FUNCTIONS = frozenset({"numpy.equal", "torch.eq", "tensorflow.equal", "tensorflow.math.equal"})
_ABS_FUNCTIONS = frozenset({"numpy.abs", "numpy.absolute", "torch.abs", "tensorflow.abs", "tensorflow.math.abs"})
_SQUARE_FUNCTIONS = frozenset({"numpy.square", "torch.square", "tensorflow.square", "tensorflow.math.square"})
_MODEL_NAME = re.compile(r"model|net|clf|classifier|regressor|estimator", re.IGNORECASE)
# A computation bound to one of these is a training objective, not a measurement.
_OBJECTIVE_NAME = re.compile(r"loss|cost|objective|grad", re.IGNORECASE)
MAX_DEPTH = 12  # wrappers followed around a value: real code has three or four


def _last_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr if node.attr not in ("data", "values") else _last_name(node.value)
    return None


class ComputedMetrics(FileDetector):
    meta = DetectorMeta(
        id="EVAL-computed-metrics",
        skill="model_evaluation",
        title="Computes accuracy or errors by hand from predictions",
        what=(
            "A reduction (sum, mean, count_nonzero; numpy, torch or TensorFlow) of predictions compared with "
            "labels (`(preds == y).sum()`, `pred.eq(target).sum().item()`, `tf.reduce_mean(tf.cast(tf.equal(...)))`) "
            "or of their differences squared or absolute (`np.mean((y_pred - y) ** 2)`, `np.mean(np.abs(y - "
            "y_hat))`). One side must be a model's predictions: a name like y_pred/preds/outputs/logits/y_hat, an "
            "argmax of one, a `.predict(...)` call or a model called on data. Medium confidence; value `metric` is "
            "accuracy, squared_error or absolute_error."
        ),
        why=(
            "Most PyTorch and from-scratch projects measure their models this way: counting correct predictions on a "
            "validation set is evaluation as much as calling accuracy_score."
        ),
        example='''
import numpy as np

correct = 0
for images, labels in test_loader:
    predicted = model(images).argmax(dim=1)
    correct += (predicted == labels).sum().item()     # detected
rmse = np.sqrt(np.mean((y_pred - y_test) ** 2))       # detected
''',
        not_detected=(
            "Comparisons without a prediction on either side (`(df.a == df.b).sum()`), counts of a constant "
            "(`(y == 1).mean()`), squared differences bound to a loss or cost (training objectives), and work "
            "inside functions named like a loss."
        ),
    )
    node_types = (ast.Call,)

    def __init__(self) -> None:
        self.found: list[tuple[ast.Call, str]] = []

    def wants_call(self, target: CallTarget) -> bool:
        """Reductions: methods by name, numpy/torch/TF functions, and unresolved calls (the builtin sum)."""
        if target.method is not None:
            return target.method in _REDUCING_METHODS
        return target.qualified is None or target.qualified in _REDUCING_FUNCTIONS

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        assert isinstance(node, ast.Call)
        func = node.func
        if func.__class__ is ast.Name and func.id != "sum":  # type: ignore[attr-defined]
            return  # an unresolved call of a name: only the builtin sum reduces
        metric = self._metric(node, ctx)
        if metric is None:
            return
        # a training objective: bound to a loss/cost, or computed inside a function named like one
        statement = ctx.assignment
        if statement is not None:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]  # type: ignore[attr-defined]
            if any(_OBJECTIVE_NAME.search(name) for t in targets for name in _bound(t)):
                return
        if any(_OBJECTIVE_NAME.search(name) for name in ctx.enclosing_definitions(node.lineno)):  # def mse_loss, class RMSELoss
            return
        self.found.append((node, metric))

    def _metric(self, call: ast.Call, ctx: FileContext) -> str | None:
        """What the reduction ``call`` computes from predictions, or None."""
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in _REDUCING_METHODS and not call.args:
            operand: ast.AST = func.value
        elif isinstance(func, ast.Name) and func.id == "sum" and len(call.args) == 1:
            operand = call.args[0]
            if isinstance(operand, ast.GeneratorExp):  # sum(p == t for p, t in zip(preds, labels))
                operand = _zipped(operand)
        elif call.args and ctx.call_target(call).qualified in _REDUCING_FUNCTIONS:
            operand = call.args[0]
        else:
            return None
        operand = self._unwrapped(operand, ctx)
        pair = self._compared(operand, ctx)
        if pair is not None:
            return "accuracy" if self._predictions(pair, ctx) else None
        error = self._error(operand, ctx)
        if error is not None:
            kind, difference = error
            pair = self._difference(difference, ctx)
            if pair is not None and self._predictions(pair, ctx):
                return kind
        return None

    def _unwrapped(self, node: ast.AST, ctx: FileContext) -> ast.AST:
        """``node`` without conversions: `x.float()`, `tf.cast(x, tf.float32)`, `np.asarray(x)`."""
        for _ in range(MAX_DEPTH):
            if isinstance(node, ast.Call):
                func = node.func
                function = ctx.qualname(func)
                if function is not None:  # np.argmax(x, axis=1), tf.cast(x, tf.float32); not np.sum(x)
                    if node.args and function in _CONVERTING_FUNCTIONS:
                        node = node.args[0]
                        continue
                    return node
                if isinstance(func, ast.Attribute) and func.attr in _CONVERSIONS:
                    node = func.value
                    continue
            elif isinstance(node, ast.Attribute) and node.attr in ("data", "values"):
                node = node.value
                continue
            elif isinstance(node, ast.Subscript):
                node = node.value  # torch.max(outputs, 1)[1], pred[data.test_mask]: the same values, or some
                continue
            return node
        return node

    def _compared(self, node: ast.AST, ctx: FileContext) -> tuple[ast.AST, ast.AST] | None:
        """The two sides of an element-wise equality: `a == b`, `a.eq(b)`, `np.equal(a, b)`."""
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            return node.left, node.comparators[0]
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "eq" and len(node.args) == 1:
                return func.value, node.args[0]
            if len(node.args) == 2 and ctx.qualname(func) in _EQUAL_FUNCTIONS:
                return node.args[0], node.args[1]
        return None

    def _error(self, node: ast.AST, ctx: FileContext) -> tuple[str, ast.AST] | None:
        """(kind, the difference inside) for `(a - b) ** 2`, `np.square(a - b)`, `abs(a - b)`, `np.abs((a - b) / a)`."""
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            if isinstance(node.right, ast.Constant) and node.right.value == 2:
                return "squared_error", node.left
            return None
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                if func.attr in ("abs", "square") and not node.args:
                    return ("absolute_error" if func.attr == "abs" else "squared_error"), func.value
                if func.attr == "pow" and len(node.args) == 1 and isinstance(node.args[0], ast.Constant) and node.args[0].value == 2:
                    return "squared_error", func.value
            if len(node.args) == 1:
                if isinstance(func, ast.Name) and func.id == "abs":
                    return "absolute_error", node.args[0]
                name = ctx.qualname(func)
                if name in _ABS_FUNCTIONS:
                    return "absolute_error", node.args[0]
                if name in _SQUARE_FUNCTIONS:
                    return "squared_error", node.args[0]
        return None

    def _difference(self, node: ast.AST, ctx: FileContext) -> tuple[ast.AST, ast.AST] | None:
        node = self._unwrapped(node, ctx)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):  # relative error: (y - p) / y
            node = self._unwrapped(node.left, ctx)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
            return node.left, node.right
        return None

    def _predictions(self, pair: tuple[ast.AST, ast.AST], ctx: FileContext) -> bool:
        """Whether one side holds predictions and the other is not a constant."""
        left, right = (self._unwrapped(side, ctx) for side in pair)
        if isinstance(left, ast.Constant) or isinstance(right, ast.Constant):
            return False
        return self._is_prediction(left, ctx) or self._is_prediction(right, ctx)

    def _is_prediction(self, node: ast.AST, ctx: FileContext) -> bool:
        if isinstance(node, ast.Compare):  # thresholded probabilities: (proba > 0.5)
            node = self._unwrapped(node.left, ctx)
        name = _last_name(node)
        if name is not None:
            return looks_like_prediction_name(name)
        if isinstance(node, ast.Call):  # clf.predict(X), model(images), self.net(x)
            called = _last_name(node.func)
            if called is None:
                return False
            return called.startswith("predict") or (
                bool(_MODEL_NAME.search(called)) and not called.startswith(("get", "load", "build", "create", "make"))
            )
        return False

    def finish(self, ctx: FileContext) -> None:
        for call, metric in self.found:
            ctx.emit(self.meta, call, Confidence.MEDIUM, (("metric", metric),))


def _bound(target: ast.AST) -> list[str]:
    """The names an assignment target binds (tuples unpacked, attributes by their last part)."""
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _bound(element)]
    name = _last_name(target) if not isinstance(target, ast.Subscript) else _last_name(target.value)
    return [name] if name else []


def _zipped(generator: ast.GeneratorExp) -> ast.AST:
    """The generator's element with the names it unpacks from `zip(a, b)` replaced by a and b."""
    element = generator.elt
    first = generator.generators[0]
    if not (isinstance(element, ast.Compare) and isinstance(first.target, ast.Tuple) and isinstance(first.iter, ast.Call)
            and isinstance(first.iter.func, ast.Name) and first.iter.func.id == "zip"
            and len(first.iter.args) == len(first.target.elts)):
        return element
    sources = {t.id: a for t, a in zip(first.target.elts, first.iter.args) if isinstance(t, ast.Name)}
    left = sources.get(element.left.id, element.left) if isinstance(element.left, ast.Name) else element.left
    right = element.comparators[0]
    right = sources.get(right.id, right) if isinstance(right, ast.Name) else right
    return ast.Compare(left=left, ops=element.ops[:1], comparators=[right])
