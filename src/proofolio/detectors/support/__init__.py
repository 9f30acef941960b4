"""Helpers shared by logic detectors: notebook cell spans, project files, model-like types.

Nothing here is a detector; the registry finds no ``meta`` in this package.
"""

from __future__ import annotations

import posixpath

from proofolio.documents.base import CodeCell, Document

# Qualified type prefixes whose instances are (trained or trainable) models.
MODEL_TYPE_PREFIXES: tuple[str, ...] = (
    "sklearn.linear_model.", "sklearn.ensemble.", "sklearn.tree.", "sklearn.svm.", "sklearn.neighbors.",
    "sklearn.naive_bayes.", "sklearn.cluster.", "sklearn.decomposition.", "sklearn.neural_network.",
    "sklearn.pipeline.", "sklearn.model_selection.GridSearchCV", "sklearn.model_selection.RandomizedSearchCV",
    "sklearn.discriminant_analysis.", "sklearn.gaussian_process.", "sklearn.mixture.", "sklearn.calibration.",
    "sklearn.dummy.", "sklearn.multiclass.", "sklearn.multioutput.", "sklearn.compose.TransformedTargetRegressor",
    "imblearn.pipeline.", "xgboost.", "lightgbm.", "catboost.", "torch.nn.", "keras.", "tensorflow.keras.",
    "transformers.", "statsmodels.", "prophet.", "fbprophet.", "sentence_transformers.",
)

# A variable name that reads like a model: `model`, `best_clf`, `rf`, `pipeline`, `net` ...
MODEL_NAME_WORDS = (
    "model", "clf", "classifier", "regressor", "estimator", "pipe", "pipeline", "net", "network", "booster",
    "forest", "rf", "xgb", "lgbm", "lgb", "svm", "svc", "knn", "gbm", "tree", "predictor", "learner", "ensemble",
)


def is_model_type(type_name: str | None) -> bool:
    return bool(type_name) and type_name.startswith(MODEL_TYPE_PREFIXES)  # type: ignore[union-attr]


def looks_like_model_name(name: str) -> bool:
    """`best_model`, `clf`, `rf_model`, `self.model` — split on `_` and `.`, match whole words."""
    parts = name.lower().replace(".", "_").split("_")
    return any(part in MODEL_NAME_WORDS for part in parts)


def cell_span(document: Document, cell: CodeCell) -> tuple[int, int]:
    """First and last line (joined source) of a code cell, trailing blank lines dropped."""
    first = cell.first_line
    last = first + max(cell.line_count, 1) - 1
    lines = document.lines
    while last > first and (last > len(lines) or not lines[last - 1].strip()):
        last -= 1
    return first, last


def first_code_line(document: Document, first: int, last: int) -> tuple[int, str]:
    """(line, text) of the first line in first..last that is code: not blank, not a comment, not a
    neutralised IPython line (`%%time` reads as `pass`). Falls back to the first line.

    Evidence about a whole cell cites from this line, so its snippet is the line it points at.
    """
    lines = document.lines
    numbers = range(first, min(last, len(lines)) + 1)
    for number in numbers:
        text = lines[number - 1].strip()
        if text and not text.startswith("#") and text != "pass":
            return number, text
    for number in numbers:  # a cell of comments only
        text = lines[number - 1].strip()
        if text and text != "pass":
            return number, text
    return first, ""


def basename(path: str) -> str:
    return posixpath.basename(path)


def first_content_line(text: str, comment: str = "#") -> tuple[int, str] | None:
    """(1-based line, stripped text) of the first line that is neither blank nor a comment."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not (comment and stripped.startswith(comment)):
            return number, stripped
    return None
