"""PRE-manual-scaling: features scaled by hand (pixels / 255, (x - mean) / std, min-max)."""

from __future__ import annotations

import ast
import re

from proofolio.detectors.base import DetectorMeta, FileContext, FileDetector
from proofolio.models import Confidence

PIXEL_MAXIMA = (255, 255.0, 65535, 65535.0)  # 8- and 16-bit images
MAX_DEPTH = 16  # wrappers followed around an operand
_MEAN = re.compile(r"mean|^mu$|avg|average|center|centre", re.IGNORECASE)
_SPREAD = re.compile(r"std|stdev|sigma|^sd$|scale|var", re.IGNORECASE)
_MINIMUM = re.compile(r"min|^lows?$|lower", re.IGNORECASE)
_RANGE = re.compile(r"max|range|ptp|span", re.IGNORECASE)
# A colour, not a feature: (r / 255, g / 255, b / 255), np.array(color) / 255.
_COLOUR = re.compile(r"^(r|g|b|a|red|green|blue|alpha|rgba?|colou?rs?|hex|.*_colou?rs?)$", re.IGNORECASE)


def _name(node: ast.AST) -> str | None:
    """The name an operand stands for: `x`, `df.col` → col, `x.std()` / `np.std(x)` → std, `stats["mean"]` → mean,
    `np.sqrt(var + eps)` → var, `np.array(color)` → color. A loop with a depth bound: operands nest."""
    for _ in range(MAX_DEPTH):
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            return node.attr
        if isinstance(node, ast.Call):
            called = _name(node.func) if isinstance(node.func, ast.Name | ast.Attribute) else None
            if called in ("sqrt", "array", "asarray", "tensor", "as_tensor") and node.args:
                node = node.args[0]  # what they hold
            elif called in ("astype", "float", "double", "to") and isinstance(node.func, ast.Attribute):
                node = node.func.value
            else:
                return called
        elif isinstance(node, ast.BinOp):  # std + eps
            node = node.left
        elif isinstance(node, ast.Subscript):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                return key.value
            node = node.value
        else:
            return None
    return None


def _pixel_maximum(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and not isinstance(node.value, bool) and node.value in PIXEL_MAXIMA


class ManualScaling(FileDetector):
    meta = DetectorMeta(
        id="PRE-manual-scaling",
        skill="data_preprocessing",
        title="Scales features by hand (pixels / 255, standardisation, min-max)",
        what=(
            "Arithmetic that rescales data: a division by 255 (or 65535) of an array or tensor (`x_train / 255.0`, "
            "`images /= 255`), standardisation `(x - mean) / std` and min-max scaling `(x - x.min()) / (x.max() - "
            "x.min())`, with the mean/std/min/max read from names or calls. Medium confidence; value `kind` is "
            "pixel_scaling, standardization or min_max."
        ),
        why=(
            "Normalising inputs is a preprocessing step every image model and most from-scratch models need; "
            "doing it by hand is as much evidence as calling a scaler."
        ),
        example='''
x_train = x_train.astype("float32") / 255.0          # detected
X = (X - X.mean(axis=0)) / X.std(axis=0)             # detected
''',
        not_detected=(
            "Colours (`(r / 255, g / 255, b / 255)`, `np.array(color) / 255`), constants divided by 255, other "
            "divisors (x / 100), and scaling hidden in helper functions."
        ),
    )
    node_types = (ast.BinOp, ast.AugAssign)

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if node.op.__class__ is not ast.Div:  # type: ignore[attr-defined]
            return
        left: ast.expr
        right: ast.expr
        if isinstance(node, ast.AugAssign):
            left, right = node.target, node.value
        else:
            assert isinstance(node, ast.BinOp)
            left, right = node.left, node.right
        kind = _kind(left, right)
        if kind is not None:
            ctx.emit(self.meta, node, Confidence.MEDIUM, (("kind", kind),))


def _kind(left: ast.AST, right: ast.AST) -> str | None:
    """What `left / right` scales by, or None."""
    if _pixel_maximum(right):
        name = _name(left)
        if isinstance(left, ast.Constant) or (name is not None and _COLOUR.match(name)):
            return None
        if isinstance(left, ast.Call) and isinstance(left.func, ast.Name) and left.func.id in ("len", "int", "float", "sum", "max", "min"):
            return None  # a count or bound, not an array
        return "pixel_scaling"
    if not (isinstance(left, ast.BinOp) and isinstance(left.op, ast.Sub)) or isinstance(left.left, ast.Constant):
        return None
    subtracted = _name(left.right) or ""
    if isinstance(right, ast.BinOp) and isinstance(right.op, ast.Sub):
        top, bottom = _name(right.left) or "", _name(right.right) or ""
        if _MINIMUM.search(subtracted) and _RANGE.search(top) and _MINIMUM.search(bottom):
            return "min_max"
        return None
    divisor = _name(right) or ""
    if _MEAN.search(subtracted) and _SPREAD.search(divisor):
        return "standardization"
    if _MINIMUM.search(subtracted) and _RANGE.search(divisor):
        return "min_max"
    return None
