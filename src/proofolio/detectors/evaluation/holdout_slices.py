"""EVAL-holdout-slices: a train/test split made by slicing at one boundary (time series, sequences)."""

from __future__ import annotations

import ast
import re
from itertools import islice

from proofolio.detectors.base import DetectorMeta, FileContext, FileDetector, dotted
from proofolio.detectors.support import length_of
from proofolio.models import Confidence

_TRAIN = re.compile(r"train", re.IGNORECASE)
_HELD_OUT = re.compile(r"test|val|valid|holdout|hold_out", re.IGNORECASE)
MAX_BOUND_NODES = 30  # nodes of a boundary expression (`int(len(x) * 0.8)` has 8)
MAX_BOUND_DUMP = 400  # characters of its dump compared


def _is_zero(bound: ast.AST | None) -> bool:
    return isinstance(bound, ast.Constant) and bound.value == 0 and not isinstance(bound.value, bool)


def _sliced(value: ast.AST) -> tuple[str, str, str] | None:
    """(what is sliced, its boundary, 'head' or 'tail') for `x[:k]`, `x[k:]`, `df.iloc[:k]`, `x[:k, 0]`."""
    if not isinstance(value, ast.Subscript):
        return None
    key = value.slice
    if isinstance(key, ast.Tuple) and key.elts:  # scaled[:n, 0]: rows first
        key = key.elts[0]
    if not isinstance(key, ast.Slice) or key.step is not None:
        return None
    base = value.value
    if isinstance(base, ast.Attribute) and base.attr in ("iloc", "loc"):
        base = base.value
    name = dotted(base)
    if name is None:
        return None
    # `X[0:size]` and `X[size:len(X)]` (the walk-forward template) are `X[:size]` and `X[size:]`
    lower = None if _is_zero(key.lower) else key.lower
    upper = None if length_of(key.upper, base) else key.upper
    if lower is None and upper is not None:
        side, bound = "head", upper
    elif upper is None and lower is not None:
        side, bound = "tail", lower
    else:
        return None
    if isinstance(bound, ast.Constant) and not isinstance(bound.value, int):
        return None
    if next(islice(ast.walk(bound), MAX_BOUND_NODES, None), None) is not None:
        return None  # a long expression is no split point (and ast.dump recurses: bounded first)
    dumped = ast.dump(bound)
    return (name, dumped, side) if len(dumped) <= MAX_BOUND_DUMP else None


_SHUFFLES = frozenset({"shuffle", "permutation"})
_SHUFFLE_WORDS = ("shuffle", "permutation", "sample(")


def _shuffled_by(call: ast.AST) -> bool:
    """`random.shuffle(x)`, `np.random.permutation(x)`, `shuffle(X, y)`, `df.sample(frac=1)` (and a chain on it:
    `df.sample(frac=1).reset_index(drop=True)`): rows put in random order."""
    while isinstance(call, ast.Call):
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if name in _SHUFFLES:
            return True
        if name == "sample" and any(k.arg == "frac" for k in call.keywords):
            return True
        call = func.value if isinstance(func, ast.Attribute) else None  # type: ignore[assignment]
    return False


class HoldoutSlices(FileDetector):
    meta = DetectorMeta(
        id="EVAL-holdout-slices",
        skill="model_evaluation",
        title="Holds out data by slicing at a boundary (chronological splits)",
        what=(
            "Two assignments that cut the same array or frame at the same boundary, one keeping the rows before it "
            "and one the rows after (`train, test = data[:n], data[n:]`, `X_train = X[:split]` ... `X_test = "
            "X[split:]`, `.iloc[:k]`/`.iloc[k:]`), bound to names saying train and test/val. The split of time "
            "series and sequence models, where a shuffled train_test_split would leak the future. Medium "
            "confidence, at the held-out side."
        ),
        why="Keeping the last stretch of a series for testing is how a forecast is evaluated honestly.",
        example='''
n = int(len(series) * 0.8)
train, test = series[:n], series[n:]             # detected
X_train, X_test = X.iloc[:1000], X.iloc[1000:]   # detected
''',
        not_detected=(
            "Slices without train/test names (`head = x[:5]`), windows cut at different points, and Keras "
            "validation_split. (Rows shuffled before the cut — random.shuffle, np.random.permutation, sklearn's "
            "shuffle, df.sample(frac=1) — make a random hold-out: detected, with the value order=shuffled.)"
        ),
    )
    node_types = (ast.Assign, ast.Expr)

    def __init__(self) -> None:
        self.heads: dict[tuple[str, str], int] = {}  # (sliced, boundary) → line of the training side
        self.tails: dict[tuple[str, str], int] = {}  # ... of the held-out side
        self.shuffled: set[str] = set()  # names whose rows were put in random order: a cut of them is a random split
        self.may_shuffle: bool | None = None  # ctx.mentions of a shuffle, asked at the first node

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if self.may_shuffle is None:  # most files name no shuffle: the shuffle checks run only where one is named
            self.may_shuffle = ctx.mentions(_SHUFFLE_WORDS)
        if node.__class__ is ast.Expr:  # random.shuffle(rows), np.random.shuffle(X)
            call = node.value  # type: ignore[attr-defined]
            if self.may_shuffle and isinstance(call, ast.Call) and call.args and _shuffled_by(call):
                name = dotted(call.args[0])
                if name is not None:
                    self.shuffled.add(name)
            return
        assert isinstance(node, ast.Assign)
        if len(node.targets) != 1:
            return
        target, value = node.targets[0], node.value
        if self.may_shuffle:
            reordered = isinstance(value, ast.Subscript) and dotted(value.slice) in self.shuffled  # X = X[perm]
            if reordered or _shuffled_by(value):  # df = df.sample(frac=1); X, y = shuffle(X, y)
                for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                    name = dotted(element)
                    if name is not None:
                        self.shuffled.add(name)
                return
        if value.__class__ is not ast.Subscript and value.__class__ is not ast.Tuple:
            return  # no slice to look at
        if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts):
            pairs = list(zip(target.elts, value.elts))
        else:
            pairs = [(target, value)]
        for name_node, sliced_node in pairs:
            name = dotted(name_node)
            cut = _sliced(sliced_node) if name is not None else None
            if cut is None or name is None:
                continue
            base, bound, side = cut
            key = (base, bound)
            if side == "head" and _TRAIN.search(name):
                self.heads.setdefault(key, node.lineno)
            elif side == "tail" and _HELD_OUT.search(name) and not _TRAIN.search(name):
                self.tails.setdefault(key, node.lineno)
            else:
                continue
            if key in self.heads and key in self.tails:
                line = self.tails[key]
                # rows shuffled first make it a random hold-out, not a time-ordered one: said, still a split
                order = (("order", "shuffled"),) if base in self.shuffled else ()
                ctx.emit(self.meta, None, Confidence.MEDIUM, (("sliced", base), *order), line=line,
                         snippet=ctx.document.snippet(line, line))
