"""Helpers shared by logic detectors: notebook cell spans, project files, model-like types.

Nothing here is a detector; the registry finds no ``meta`` in this package.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterable, Iterator

from proofolio.documents.base import CodeCell, Document

# Qualified type prefixes whose instances are (trained or trainable) models.
MODEL_TYPE_PREFIXES: tuple[str, ...] = (
    "sklearn.linear_model.", "sklearn.ensemble.", "sklearn.tree.", "sklearn.svm.", "sklearn.neighbors.",
    "sklearn.naive_bayes.", "sklearn.cluster.", "sklearn.decomposition.", "sklearn.neural_network.",
    "sklearn.pipeline.", "sklearn.model_selection.GridSearchCV", "sklearn.model_selection.RandomizedSearchCV",
    "sklearn.discriminant_analysis.", "sklearn.gaussian_process.", "sklearn.mixture.", "sklearn.calibration.",
    "sklearn.dummy.", "sklearn.multiclass.", "sklearn.multioutput.", "sklearn.compose.TransformedTargetRegressor",
    "imblearn.pipeline.", "xgboost.", "lightgbm.", "catboost.", "torch.nn.", "keras.", "tensorflow.keras.",
    "transformers.", "statsmodels.", "prophet.", "fbprophet.", "sentence_transformers.", "skorch.",
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


# A variable name that reads like a model's output: y_pred, preds, predicted, outputs, logits, y_hat, forecast ...
_PREDICTION_NAME = re.compile(r"pred|y_?hat|^outs?$|outputs?$|logits?|forecast|guess|(?:^|_)probs?(?:$|_)|proba", re.IGNORECASE)


def looks_like_prediction_name(name: str) -> bool:
    """Loose: a name compared with labels (`ypred == y`, `outputs.argmax(1) == y`) is read generously."""
    return bool(_PREDICTION_NAME.search(name))


# Whole parts of a name that hold a model's output (`y_pred`, `test_preds`, `y_hat`, `proba`), not `predictors`
_PREDICTION_PARTS = frozenset({"pred", "preds", "prediction", "predictions", "predicted", "yhat", "hat", "proba",
                               "probas", "prob", "probs", "probabilities", "logits"})


def names_predictions(name: str) -> bool:
    """Strict: a variable whose methods would otherwise count as data preparation must say so in a whole part."""
    return bool(_PREDICTION_PARTS & set(name.lower().split("_")))


def is_prediction_call(node: ast.AST) -> bool:
    """`clf.predict(X)`, `model.predict_proba(X)`: a model's output made right there."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr.startswith("predict")


# What a plot of a model's results reads: training history, search results, ROC points, elbow
# inertias, predictions, residuals, importances. Plotting these is evaluation, not exploring data.
_MODEL_RESULT = re.compile(
    r"^(history|cv_results_|inertias?|inertia_|wcss|sse|distortions|fpr|tpr|thresholds|losses|"
    r"(train|test|val|valid|validation|cv|mean_test|mean_train)_?(scores?|loss(es)?|acc|accuracy|accuracies|error|"
    r"errors|rmse|mae|mse|auc)(_mean|_std)?|loss|val_.+|acc|accuracy|accuracies|residuals?|train_sizes|"
    r"feature_importances_|importances?|coef_|loss_curve_|silhouette(_scores?|_avg|_vals)?|y_?pred\w*|preds?|"
    r"predictions?|predicted|y_?hat|forecasts?|mean_test_score|mean_train_score|precisions?|recalls?|auc|roc_auc|"
    r"explained_variance_ratio_|cumulative_variance|"
    r"\w*_loss(es)?|\w+losses|(fake|generated|gen|recon|reconstructed|reconstructions?)(_\w+)?|"
    r"cmat|cf_?matrix|conf_?(matrix|mat)|confusion(_?matrix|_mat)?|backtests?|loss_(df|history|curve|values|log)|"
    r"\w*(rmse|mae|mse|mape|smape)(_\w+)?|survival_?(function|curve)s?|(survival|km|kmf|cox|cph|\w*conditioned|pred\w*)_sf|"
    r"params|coefs?|coefficients?|conf_int|fitted(_\w+)?|resid|bics?|aics?|labels_|"
    r"y_?(kmeans|km|means|clusters?|dbscan|gmm|hc|agg)\w*|(kmeans|cluster)_?(labels?|preds?|ids?)|clusters?)$",
    re.IGNORECASE,
)
ARGUMENT_SCAN_LIMIT = 200  # nodes of a call's arguments looked at (a call on a long literal list stops early)


_MAPPING_NAME = re.compile(r"(map|mapping|dict|dictionary|encoding|codes|labels)$", re.IGNORECASE)


def _number(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float))


def category_mapping(node: ast.AST) -> bool:
    """A mapping of categories: a dict literal with two or more string keys, or a name like `quality_map`."""
    if isinstance(node, ast.Dict):
        return sum(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys) >= 2
    return isinstance(node, ast.Name) and bool(_MAPPING_NAME.search(node.id))


def category_codes(node: ast.AST) -> bool:
    """Categories mapped to numeric codes: `{"male": 0, "female": 1}`, or a name like `sex_map` / a target
    mean `mapping` (its values unknown, its name says what it is for)."""
    if isinstance(node, ast.Dict):
        return category_mapping(node) and all(v is not None and _number(v) for v in node.values)
    return category_mapping(node)


def _root_name(node: ast.AST | None) -> str | None:
    """`df` of `df["x"]`, `df.x.values`, `df.iloc[:, 0]`: the name a data expression starts from."""
    for _ in range(8):
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, (ast.Subscript, ast.Attribute)):
            node = node.value
        else:
            return None
    return None


def length_of(bound: ast.AST | None, data: ast.AST | None) -> bool:
    """`len(x)`, `len(x.index)`, `x.shape[0]` or `x.size` of the data ``data`` (or of the frame it is a column
    of: `len(df)` for `df["x"]`): a size equal to the data's own."""
    if bound is None or data is None:
        return False
    root = _root_name(data)
    if isinstance(bound, ast.Call) and isinstance(bound.func, ast.Name) and bound.func.id == "len" and len(bound.args) == 1:
        measured = bound.args[0]
    elif isinstance(bound, ast.Subscript) and isinstance(bound.slice, ast.Constant) and bound.slice.value == 0 \
            and isinstance(bound.value, ast.Attribute) and bound.value.attr == "shape":
        measured = bound.value.value
    elif isinstance(bound, ast.Attribute) and bound.attr == "size":
        measured = bound.value
    else:
        return False
    if isinstance(measured, ast.Attribute) and measured.attr in ("index", "values"):
        measured = measured.value
    name = _root_name(measured)
    return name is not None and name == root and (not isinstance(measured, ast.Subscript) or same_expression(measured, data))


MAX_COMPARED_NODES = 40  # nodes of two expressions compared by ast.dump (bounded: dump recurses)


def same_expression(a: ast.AST | None, b: ast.AST | None) -> bool:
    """Whether two small expressions are written the same (large ones are never compared)."""
    if a is None or b is None:
        return False
    for node in (a, b):
        if sum(1 for _ in bounded_walk([node], MAX_COMPARED_NODES + 1)) > MAX_COMPARED_NODES:
            return False
    return ast.dump(a) == ast.dump(b)


def bounded_walk(roots: Iterable[ast.AST], limit: int = ARGUMENT_SCAN_LIMIT) -> Iterator[ast.AST]:
    """The nodes under ``roots`` (ast.walk of each), the first ``limit`` only: hostile code cannot make a scan long."""
    seen = 0
    for root in roots:
        for node in ast.walk(root):
            seen += 1
            if seen > limit:
                return
            yield node


def keyword_value(call: ast.Call, name: str) -> ast.expr | None:
    """The value passed as keyword ``name`` (`validation_data=`, `replace=`), or None."""
    return next((k.value for k in call.keywords if k.arg == name), None)


def argument_nodes(call: ast.Call, limit: int = ARGUMENT_SCAN_LIMIT) -> Iterator[ast.AST]:
    """The nodes of a call's arguments, positional and keyword, the first ``limit`` only."""
    return bounded_walk([*call.args, *(k.value for k in call.keywords)], limit)


# Calls whose result is a model's evaluation, drawn as it is: sns.heatmap(confusion_matrix(y, p))
_RESULT_CALLS = frozenset({"confusion_matrix", "classification_report", "roc_curve", "precision_recall_curve",
                           "learning_curve", "validation_curve", "historical_forecasts", "backtest",
                           "predict_survival_function", "predict_cumulative_hazard"})


def _short_constant_list(node: ast.AST) -> bool:
    """`[0, 1]`: one axis of the chance diagonal of a ROC or precision-recall plot."""
    return (isinstance(node, (ast.List, ast.Tuple)) and len(node.elts) == 2
            and [getattr(e, "value", None) for e in node.elts] == [0, 1])


def plots_model_results(call: ast.Call) -> bool:
    """Whether a plotting call draws a model's results: one of its arguments (or the frame or
    series whose .plot() it is) reads history, cv_results_, fpr/tpr, inertias, predictions,
    residuals, importances, a confusion matrix, backtests ... by name or key, or calls a model's
    predict or an evaluation (confusion_matrix, roc_curve ...)."""
    if len(call.args) >= 2 and all(_short_constant_list(a) for a in call.args[:2]):
        return True  # plt.plot([0, 1], [0, 1], "--"): the chance diagonal of a ROC plot, a reference line
    nodes = [*call.args, *(k.value for k in call.keywords)]
    if isinstance(call.func, ast.Attribute):
        nodes.append(call.func.value)  # backtest.plot(), loss_df.plot(): what is plotted
    for node in bounded_walk(nodes, ARGUMENT_SCAN_LIMIT):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
            if called in _RESULT_CALLS:
                return True
        if isinstance(node, ast.Name):
            name = node.id
            if name == "cm" and node in call.args:  # a confusion matrix passed as data, not `cmap=cm.viridis`
                return True
        elif isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 40:
            name = node.value.strip()
        elif is_prediction_call(node):  # plt.plot(X, model.predict(X)): a fitted line
            return True
        else:
            continue
        if _MODEL_RESULT.match(name):
            return True
    return False


# A model's outputs by name, for summaries: narrower than _MODEL_RESULT, whose "loss" or "val_*" are
# also data columns (`train["loss"].describe()` on insurance claims)
_SUMMARISED_RESULT = re.compile(
    r"^(residuals?|resid|y_?pred\w*|preds?|predictions?|predicted|y_?hat|forecasts?|labels_|cv_results_|"
    r"fitted_?values|fittedvalues|y_?(kmeans|km|clusters?|dbscan|gmm))$", re.IGNORECASE)


def summarises_model_results(call: ast.Call) -> bool:
    """Whether a summary (describe, value_counts ...) is of a model's outputs: the frame or series it is
    called on, or an argument, names residuals, predictions, cluster labels or cv_results_ (names and
    attributes only, never column keys)."""
    nodes: list[ast.AST] = [*call.args]
    if isinstance(call.func, ast.Attribute):
        nodes.append(call.func.value)
    for node in bounded_walk(nodes, ARGUMENT_SCAN_LIMIT):
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if name is not None and _SUMMARISED_RESULT.match(name):
            return True
    return False


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
