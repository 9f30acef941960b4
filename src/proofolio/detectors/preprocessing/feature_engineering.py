"""PRE-feature-engineering: new columns derived from existing ones (ratios, bins, log transforms, dates, text)."""

from __future__ import annotations

import ast
import re

from proofolio.detectors.base import DetectorMeta, FileContext, FileDetector, dotted
from proofolio.detectors.support import bounded_walk, category_codes, category_mapping
from proofolio.models import Confidence

_BINNING = frozenset({"pandas.cut", "pandas.qcut"})
_TRANSFORMS = frozenset({"numpy.log", "numpy.log1p", "numpy.log2", "numpy.log10", "numpy.sqrt", "numpy.exp", "numpy.expm1",
                         "numpy.square", "numpy.power", "numpy.where", "numpy.select"})
# `.str` methods that tidy a text rather than take a part of it: cleaning, not a new feature
_TEXT_TIDYING = frozenset({"capitalize", "upper", "lower", "title", "casefold", "swapcase", "strip", "lstrip", "rstrip",
                           "replace", "normalize", "pad", "zfill", "center", "ljust", "rjust"})
_ACCESSOR_PARTS = {  # `df.date.dt.year`, `df.name.str.extract(...)`: parts of a value made a feature
    "dt": "date_part", "str": "text_part",
}
# Frame attributes and methods that are no column (`df.shape[0]`, `df.mean()`)
_FRAME_MEMBERS = frozenset({
    "shape", "columns", "index", "values", "size", "dtypes", "T", "mean", "sum", "std", "max", "min", "median",
    "count", "apply", "map", "groupby", "copy", "sort_values", "loc", "iloc", "at", "iat", "dt", "str", "ndim",
})
# Calls after a derivation that keep its values: np.log(df.x).copy(), (df.a > 0).astype(int)
_KEEPING = frozenset({"copy", "astype", "round", "to_numpy", "clip"})
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Pow, ast.Mod)


def _column_of(node: ast.AST) -> tuple[str, str] | None:
    """(frame, column) of `df["col"]` / `df.loc[:, "col"]`, else None."""
    if not isinstance(node, ast.Subscript):
        return None
    key = node.slice
    base = node.value
    if isinstance(base, ast.Attribute) and base.attr in ("loc", "iloc") and isinstance(key, ast.Tuple) and len(key.elts) == 2:
        base, key = base.value, key.elts[1]
    frame = dotted(base)
    if frame is None or not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return None
    return frame, key.value


_TARGET_WORDS = re.compile(r"target|label|(^|_)y($|_)", re.IGNORECASE)


def _names_target(node: ast.AST) -> bool:
    """`df["target"]`, `df[config.TARGET]`, `df.label`, `y`: the column a model predicts."""
    if isinstance(node, ast.Subscript):
        key = node.slice
        text = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else dotted(key)
    else:
        text = dotted(node)
        text = text.rsplit(".", 1)[-1] if text else None
    return bool(text) and bool(_TARGET_WORDS.search(text))  # type: ignore[arg-type]


MAX_CHAIN = 12  # links of a method chain looked down (real ones have a handful)


def _takes_text_part(node: ast.AST) -> bool:
    """Whether a chain below a tidying call already takes a part of the text: `.str.split(",").str[1]`,
    `.str.extract(...)`, `.str[0]` (so `... .str.strip()` at its end is still a feature)."""
    for _ in range(MAX_CHAIN):
        if isinstance(node, ast.Subscript):
            if isinstance(node.value, ast.Attribute) and node.value.attr == "str":
                return True  # .str[1]: a part by position
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Attribute) and node.value.attr == "str" and node.attr not in _TEXT_TIDYING:
                return True  # .str.split(...), .str.extract(...)
            node = node.value
        else:
            return False
    return False


class FeatureEngineering(FileDetector):
    meta = DetectorMeta(
        id="PRE-feature-engineering",
        skill="data_preprocessing",
        title="Engineers features (derived columns, bins, log transforms, date and text parts)",
        what=(
            "An assignment of a new or rewritten column of a data frame, in a file that imports pandas, whose value "
            "is derived from columns of data frames: arithmetic between two or more of them (`df['family'] = "
            "df['SibSp'] + df['Parch'] + 1`, ratios), binning with pd.cut/pd.qcut, a numpy transform of a column "
            "(np.log1p, np.sqrt, np.where), a date or text part (`.dt.year`, `.str.extract(...)`), a flag compared from "
            "columns (`df['alone'] = df['SibSp'] + df['Parch'] == 0`) or another column mapped through a lambda "
            "(`df['Title'] = df.Name.apply(lambda n: ...)`), or categories merged by a mapping (`.replace({'Mlle': "
            "'Miss', 'Mme': 'Mrs'})`; mappings to numeric codes are PRE-categorical-encoding). Medium confidence; value `kind` is arithmetic, binning, "
            "transform, date_part, text_part, flag, mapped or value_mapping."
        ),
        why="Creating informative features from raw columns is where domain understanding turns into model performance.",
        example='''
import numpy as np
import pandas as pd
df = pd.read_csv("train.csv")
df["FamilySize"] = df["SibSp"] + df["Parch"] + 1          # detected
df["AgeBand"] = pd.cut(df["Age"], 5)                      # detected
df["LogFare"] = np.log1p(df["Fare"])                      # detected
df["Title"] = df["Name"].str.extract(r" ([A-Za-z]+)\\.")   # detected
''',
        not_detected=(
            "Copies, constants and single-column arithmetic with a number (`df['x'] = df['x'] * 100`), type "
            "conversions and imputation (PRE-type-conversion, PRE-missing-values), a column mapped onto itself or "
            "through a named function (`df['x'] = df['x'].apply(clean)`), and features made outside pandas."
        ),
    )
    node_types = (ast.Assign,)

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        assert isinstance(node, ast.Assign)
        if len(node.targets) != 1:
            return
        target = _column_of(node.targets[0])
        if target is None or not ctx.document.imports.imports("pandas"):
            return
        kind = self._kind(node.value, target[0], ctx, target[1])
        if kind is not None:
            ctx.emit(self.meta, node, Confidence.MEDIUM, (("kind", kind), ("feature", target[1])))

    def _kind(self, value: ast.AST, frame: str, ctx: FileContext, column: str = "") -> str | None:
        while (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in _KEEPING
               and isinstance(value.func.value, ast.Call | ast.BinOp | ast.Compare)):
            value = value.func.value  # np.log(df["x"]).copy(), (df.a > 0).astype(int)
        if isinstance(value, ast.Compare):  # df["is_adult"] = df["Age"] >= 18: a flag
            return "flag" if self._columns(value, frame) else None
        if isinstance(value, ast.Call):
            func = value.func
            if isinstance(func, ast.Attribute) and func.attr in ("map", "replace") and value.args:
                if category_codes(value.args[0]):
                    return None  # df["Sex"].map({"male": 0, "female": 1}): encoded by hand (PRE-categorical-encoding)
                if category_mapping(value.args[0]) and self._columns(func.value, frame):
                    return "value_mapping"  # df["Title"].replace({"Mlle": "Miss", "Mme": "Mrs"}): categories merged
            if (isinstance(func, ast.Attribute) and func.attr in ("apply", "map") and value.args
                    and isinstance(value.args[0], ast.Lambda)):
                read = {c for _, c in self._columns(func.value, frame)}
                return "mapped" if read and column not in read else None  # df["Title"] = df.Name.apply(lambda ...)
            name = ctx.qualname(value.func)
            if name in _BINNING:
                # pd.cut(df[TARGET], 10): bins of the label, to stratify folds, are no feature
                return None if value.args and _names_target(value.args[0]) else "binning"
            if name in _TRANSFORMS and self._columns(value, frame):
                return "transform"
            part = self._accessor_part(value.func)
            if part is not None and self._columns(value, frame):
                return part
            return None
        if isinstance(value, ast.Attribute):  # df["date"].dt.year
            part = self._accessor_part(value)
            return part if part is not None and self._columns(value, frame) else None
        if isinstance(value, ast.BinOp) and isinstance(value.op, _ARITHMETIC):
            return "arithmetic" if len(self._columns(value, frame)) >= 2 else None
        return None

    @staticmethod
    def _accessor_part(node: ast.AST) -> str | None:
        """`.dt.<x>` / `.str.<x>` at the end of a chain: which kind of part it takes (None for `.str.lower()`
        and other tidying of the text itself)."""
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
            if node.value.attr == "str" and node.attr in _TEXT_TIDYING:
                return "text_part" if _takes_text_part(node.value.value) else None
            return _ACCESSOR_PARTS.get(node.value.attr)
        return None

    @staticmethod
    def _columns(value: ast.AST, frame: str) -> set[tuple[str, str]]:
        """The columns the value reads: `<any frame>["col"]`, and `frame.col` of the frame assigned to."""
        found: set[tuple[str, str]] = set()
        for node in bounded_walk([value]):
            column = _column_of(node)
            if column is not None:
                found.add(column)
            elif isinstance(node, ast.Attribute) and node.attr not in _FRAME_MEMBERS and dotted(node.value) == frame:
                found.add((frame, node.attr))  # df.Age
        return found
