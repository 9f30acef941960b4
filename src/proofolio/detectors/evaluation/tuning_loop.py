"""EVAL-tuning-loop: a model built once per value of a loop (the elbow method, k of k-NN, ARIMA orders)."""

from __future__ import annotations

import ast

from proofolio.detectors.base import DetectorMeta, FileContext, FileDetector
from proofolio.detectors.support import bounded_walk
from proofolio.models import Confidence

# Model families whose constructor arguments are hyperparameters (layers of networks are not: a loop
# building a stack of nn.Linear is architecture, not tuning)
_TUNABLE = ("sklearn.", "xgboost.", "lightgbm.", "catboost.", "statsmodels.tsa.", "pmdarima.", "prophet.",
            "imblearn.ensemble.", "sklearn_extra.cluster.", "hdbscan.", "gensim.models.")
_NOT_MODELS = ("sklearn.model_selection.", "sklearn.preprocessing.", "sklearn.metrics.", "sklearn.pipeline.",
               "sklearn.compose.", "sklearn.impute.", "sklearn.feature_extraction.", "sklearn.feature_selection.",
               "sklearn.datasets.", "sklearn.utils.", "sklearn.inspection.", "sklearn.manifold.", "xgboost.DMatrix", "lightgbm.Dataset",
               "catboost.Pool", "gensim.models.CoherenceModel", "gensim.models.TfidfModel", "gensim.models.Phrases")
_PACKAGE_WORDS = tuple(sorted({prefix.split(".")[0] for prefix in _TUNABLE}))  # the file gate: a library named
# Arguments varied for repeatability, speed or bookkeeping, the data itself, or a model wrapped: not tuned
_NOT_HYPERPARAMETERS = frozenset({
    "random_state", "n_jobs", "verbose", "verbosity", "thread_count", "nthread", "num_threads", "train_dir",
    "endog", "exog", "sentences", "corpus", "corpus_file", "documents", "texts", "data", "X", "y", "id2word",
    "dictionary", "estimator", "base_estimator", "estimators", "steps", "callbacks", "eval_set", "name",
})
# Wrappers whose first positional argument is a model (OneVsRestClassifier(model)), not a hyperparameter
_WRAPPER_PREFIXES = ("sklearn.multiclass.", "sklearn.multioutput.", "sklearn.calibration.", "sklearn.feature_selection.",
                     "sklearn.ensemble.Bagging", "sklearn.ensemble.AdaBoost", "sklearn.ensemble.Voting",
                     "sklearn.ensemble.Stacking")
# Families whose first positional argument is the data (ARIMA(series, ...), Word2Vec(sentences, ...))
_DATA_FIRST_PREFIXES = ("statsmodels.", "gensim.", "pmdarima.", "prophet.")
MAX_BODY_NODES = 600  # nodes of a loop body looked at (a cell-long loop is a few hundred)


def _loop_names(target: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def _over_folds(iterable: ast.AST) -> bool:
    """`kf.split(X)`, `enumerate(skf.split(X, y))`, `df.groupby(...)`: a loop over folds or groups of the data."""
    while isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id in ("enumerate", "zip", "list"):
        if not iterable.args:
            return False
        iterable = iterable.args[0]
    return (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute)
            and iterable.func.attr in ("split", "groupby", "iterrows", "items"))


def _is_data(node: ast.AST) -> bool:
    """`y[:t]`, `X.iloc[idx]`, `corpora[g]`: data sliced by the loop value, not a parameter."""
    return isinstance(node, ast.Subscript)


def _reads(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in bounded_walk([node], 40))


class TuningLoop(FileDetector):
    meta = DetectorMeta(
        id="EVAL-tuning-loop",
        skill="model_evaluation",
        title="Tunes hyperparameters in a loop (elbow method, k of k-NN, tree depth, ARIMA orders)",
        what=(
            "A for loop or comprehension that builds a scikit-learn, XGBoost, LightGBM, CatBoost or statsmodels "
            "time-series model with the loop's value as one of its arguments: `for k in range(1, 11): "
            "KMeans(n_clusters=k)`, `[KNeighborsClassifier(n_neighbors=k) ... for k in ks]`, "
            "`ARIMA(train, order=(p, d, q))` over p and q. One evidence per constructor, value `parameter` "
            "(the keyword, or `positional`)."
        ),
        why=(
            "Comparing a model across values of a parameter (an elbow or silhouette curve, a validation curve "
            "by hand) is model selection: the candidate chose k, depth or order from evidence, not by default."
        ),
        example='''
from sklearn.cluster import KMeans
inertia = []
for k in range(1, 11):
    inertia.append(KMeans(n_clusters=k, n_init=10).fit(X).inertia_)   # detected
''',
        not_detected=(
            "Loops that vary only seeds, threads or verbosity, loops over folds or groups (`kf.split(X)`), the "
            "data passed per step (walk-forward `ARIMA(y[:t])`, `endog=`/`exog=`, a corpus), a list of ready-made "
            "models (`for name, model in models.items()`, `OneVsRestClassifier(model)`), layers of a network built "
            "in a loop, and search objects (GridSearchCV, Optuna: EVAL-hyperparameter-search)."
        ),
    )
    node_types = (ast.For, ast.ListComp, ast.GeneratorExp, ast.DictComp, ast.SetComp)

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not ctx.mentions(_PACKAGE_WORDS):
            return  # loops of files that use none of these libraries build none of their models
        if isinstance(node, ast.For):
            names, body = _loop_names(node.target), list[ast.AST](node.body)
        else:
            generators = node.generators  # type: ignore[attr-defined]
            names = set().union(*(_loop_names(g.target) for g in generators))
            body = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]  # type: ignore[attr-defined]
        if not names or (isinstance(node, ast.For) and _over_folds(node.iter)):
            return  # `for tr, va in kf.split(X)`: one model per fold, the same parameters
        for inner in bounded_walk(body, MAX_BODY_NODES):
            if not isinstance(inner, ast.Call) or not (inner.args or inner.keywords):
                continue
            qualified = ctx.call_target(inner).qualified
            if qualified is None or not qualified.startswith(_TUNABLE) or qualified.startswith(_NOT_MODELS):
                continue
            if not qualified.rsplit(".", 1)[-1][:1].isupper():
                continue  # a function or a method (fit, predict): not a model built
            parameter = next((k.arg for k in inner.keywords if k.arg is not None and k.arg not in _NOT_HYPERPARAMETERS
                              and "seed" not in k.arg and _reads(k.value, names)), None)
            if parameter is None and not qualified.startswith(_WRAPPER_PREFIXES):
                positional = inner.args[1:] if qualified.startswith(_DATA_FIRST_PREFIXES) else inner.args
                if any(_reads(a, names) and not _is_data(a) for a in positional):
                    parameter = "positional"  # KMeans(k), ARIMA(series, (p, d, q))
            if parameter is not None:
                ctx.emit(self.meta, inner, Confidence.HIGH, (("parameter", parameter),))
