"""Where training and test data flow in one file: the analysis behind the EVAL negative signals.

A reviewer reads an evaluation by following the data: what was split into train and test
(``X_train, X_test, y_train, y_test = train_test_split(X, y)``), what each later name was
derived from, what was fitted on which part, and what was scored on which part. The
engine feeds this module's tracker during its one walk of the file (source order, notebook
cells in order) and it records those facts; the leakage detectors only ask questions of the
result, shared through ``FileContext.shared``.

Roles: ``train``/``test`` come from a split's tuple targets (every second name is the held
out part); ``val`` is a held-out part named ``*val*``/``*dev*`` or split from training data;
``full`` is data derived from both train and test (``pd.concat([X_train, X_test])``).
Roles flow through assignments (``X_test_s = scaler.transform(X_test)`` is test data);
the receiver of a model method (``model.predict``) is not data, so a fitted model never
carries its training data's role.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import lru_cache

from proofolio.detectors.base import FileContext, dotted
from proofolio.detectors.treewalk import inner_nodes, operands
from proofolio.detectors.support import is_model_type, keyword_value, looks_like_model_name

SPLIT_APIS = frozenset({"sklearn.model_selection.train_test_split", "sklearn.cross_validation.train_test_split"})
FIT_METHODS = frozenset({"fit", "fit_transform", "fit_resample", "partial_fit"})
# Methods whose receiver is a model or transformer, never data: it carries no role.
MODEL_METHODS = FIT_METHODS | {
    "predict", "predict_proba", "predict_log_proba", "decision_function", "transform", "score", "evaluate",
    "inverse_transform", "fit_predict",
}
PREDICT_METHODS = frozenset({"predict", "predict_proba", "predict_log_proba", "decision_function", "fit_predict"})
SCORE_METHODS = frozenset({"score", "evaluate"})  # a model scoring itself on data: a metric
USE_METHODS = PREDICT_METHODS | SCORE_METHODS  # a model used on data after training
COLLECTING_METHODS = frozenset({"append", "extend", "add", "update"})  # `scores.append(test_score)`
METRIC_PATTERNS = (
    "sklearn.metrics.*_score", "sklearn.metrics.*_error", "sklearn.metrics.*_loss",
    "sklearn.metrics.classification_report", "sklearn.metrics.confusion_matrix", "sklearn.metrics.roc_curve",
    "sklearn.metrics.precision_recall_curve", "sklearn.metrics.matthews_corrcoef",
    "sklearn.metrics.precision_recall_fscore_support",
)
# Metrics that are computed on the training data by design (clustering quality).
UNSUPERVISED_METRICS = (
    "sklearn.metrics.silhouette_score", "sklearn.metrics.calinski_harabasz_score", "sklearn.metrics.davies_bouldin_score",
)
CROSS_VALIDATION_APIS = (
    "sklearn.model_selection.cross_val*", "sklearn.model_selection.*SearchCV", "sklearn.model_selection.cross_validate",
    "sklearn.model_selection.learning_curve", "sklearn.model_selection.validation_curve", "xgboost.cv", "lightgbm.cv",
)
# Transformers that learn statistics of the data they are fitted on (LabelEncoder on the
# target only learns the class names: not leakage worth a reviewer's note).
PREPROCESSOR_PATTERNS = (
    "sklearn.preprocessing.*Scaler", "sklearn.preprocessing.Normalizer", "sklearn.preprocessing.QuantileTransformer",
    "sklearn.preprocessing.PowerTransformer", "sklearn.preprocessing.OneHotEncoder",
    "sklearn.preprocessing.OrdinalEncoder", "sklearn.preprocessing.TargetEncoder", "sklearn.preprocessing.KBinsDiscretizer",
    "sklearn.preprocessing.PolynomialFeatures", "sklearn.impute.*", "sklearn.feature_selection.*",
    "sklearn.decomposition.PCA", "sklearn.feature_extraction.text.*", "category_encoders.*",
)
# Types whose .fit never means "a model was trained on this data" for our purposes.
UNSUPERVISED_PREFIXES = ("sklearn.cluster.", "sklearn.decomposition.", "sklearn.manifold.", "statsmodels.",
                         "sklearn.ensemble.IsolationForest", "sklearn.svm.OneClassSVM", "sklearn.neighbors.LocalOutlierFactor",
                         "sklearn.covariance.", "sklearn.mixture.", "pyod.")
SELECTORS = frozenset({"max", "min", "argmax", "argmin", "idxmax", "idxmin", "sorted", "nlargest", "nsmallest", "sort_values"})
HELD_OUT_WORDS = ("val", "valid", "dev")
# Calls that turn text or images into features: what they return is not a table's columns,
# even when the text came from one (`TfidfVectorizer().fit_transform(df["review"])`).
NON_TABULAR_PREFIXES = (
    "sklearn.feature_extraction.text.", "sklearn.feature_extraction.image.", "keras.preprocessing.",
    "tensorflow.keras.preprocessing.", "keras.layers.TextVectorization", "tensorflow.keras.layers.TextVectorization",
    "transformers.", "tokenizers.", "sentence_transformers.", "gensim.", "nltk.", "spacy.", "PIL.", "cv2.",
    "torchvision.", "skimage.", "imageio.",
)
TABLE_READERS = frozenset(
    {"pandas.read_csv", "pandas.read_excel", "pandas.read_parquet", "pandas.read_sql", "pandas.read_sql_query",
     "pandas.read_table", "pandas.read_feather", "pandas.read_json", "polars.read_csv", "polars.read_parquet"}
)


@lru_cache(maxsize=4096)
def matches(name: str | None, patterns: tuple[str, ...]) -> bool:
    """Cached: the same few qualified names are asked about for every call of a file."""
    return name is not None and any(fnmatchcase(name, p) for p in patterns)


def is_preprocessor(type_name: str | None) -> bool:
    return matches(type_name, PREPROCESSOR_PATTERNS)


@lru_cache(maxsize=4096)
def _is_metric_api(name: str) -> bool:
    """A supervised metric (what metric() records); one cached lookup per call, not two over pattern tuples."""
    return matches(name, METRIC_PATTERNS) and not matches(name, UNSUPERVISED_METRICS)


@lru_cache(maxsize=4096)
def _is_cross_validation(name: str) -> bool:
    return matches(name, CROSS_VALIDATION_APIS)


@dataclass(frozen=True, slots=True)
class Split:
    line: int
    inputs: frozenset[str]  # names the split reads, and everything they were derived from
    train: tuple[str, ...]
    test: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Fit:
    node: ast.Call
    receiver: str | None
    receiver_type: str | None
    role: str | None  # role of the data fitted on
    roots: frozenset[str]  # names the fitted data reads
    from_table: bool = False  # the data derives from a table read in this file (pandas.read_csv ...)
    validation_role: str | None = None  # role of a Keras fit's validation_data (test: the test set watched)


@dataclass(frozen=True, slots=True)
class Metric:
    node: ast.Call
    api: str
    role: str | None  # train, test, val, full or None
    on_fit_data: bool  # predictions/score on exactly the data the model was fitted on


@dataclass(frozen=True, slots=True)
class Use:
    """A model used on data after training: predict/score/evaluate."""

    line: int
    receiver: str
    role: str | None


# Gradient boosting's own training functions: `lgb.train(params, lgb.Dataset(X, label=y))`.
NATIVE_TRAINERS = frozenset({"lightgbm.train", "lightgbm.cv", "xgboost.train", "xgboost.cv", "catboost.train", "catboost.cv"})
# Tuners that call a function and keep the parameters it scores best: (qualified name or method, keywords naming it).
OBJECTIVE_TUNERS = {"hyperopt.fmin": ("fn",), "skopt.gp_minimize": ("func",), "skopt.forest_minimize": ("func",),
                    "bayes_opt.BayesianOptimization": ("f",), "optuna.study.Study.optimize": ("func",)}


@dataclass(slots=True)
class EvaluationFlow:
    splits: list[Split] = field(default_factory=list)
    fits: list[Fit] = field(default_factory=list)
    native_fits: list[Fit] = field(default_factory=list)  # NATIVE_TRAINERS calls (not model.fit: kept apart)
    metrics: list[Metric] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)
    selections: list[tuple[ast.AST, int]] = field(default_factory=list)  # (node, line of the test metric)
    # `return <a test-set score>` inside a function: (function name, the return, line of the test metric)
    test_returns: list[tuple[str, ast.Return, int]] = field(default_factory=list)
    objectives: list[tuple[str, ast.Call]] = field(default_factory=list)  # functions handed to a tuner to maximise
    cross_validation: bool = False

    def held_out_metric(self) -> bool:
        return self.cross_validation or any(m.role in ("test", "val") for m in self.metrics)


def _combine(roles: set[str]) -> str | None:
    if "full" in roles or {"train", "test"} <= roles:
        return "full"
    for role in ("test", "val", "train"):
        if role in roles:
            return role
    return None


class FlowTracker:
    """Follows the data through one file, fed node by node by the engine's single walk.

    It sees calls and conditions in source order and each assignment once its right-hand
    side was walked, while the context's variable types are those bound so far: a name
    rebound later in the file does not change what an earlier call meant.
    """

    node_types = (ast.Call, ast.If, ast.IfExp, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Return)

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.flow = EvaluationFlow()
        self.roles: dict[str, str] = {}
        self.deps: dict[str, set[str]] = {}  # name → names its value was computed from
        self.types: dict[str, str] = {}
        self.fitted_on: dict[str, frozenset[str]] = {}  # model name → roots of its training data
        self.predicted: dict[str, tuple[str, frozenset[str]]] = {}  # y_pred → (model, roots of the data)
        self.test_scores: dict[str, int] = {}  # names holding test-set scores → line of the metric
        self.tables: set[str] = set()
        self._names: dict[int, frozenset[str]] = {}  # expression node id → names it reads (the tree outlives the walk)
        self._qualified: dict[int, str | None] = {}  # call node id → resolved name (nodes live as long as the walk)
        self._metric_of: dict[int, Metric | None] = {}  # call node id → its metric, once the walk reached it
        # What the calls of the assignment being walked showed (assignment statements never nest):
        self._reads_table = False  # a table reader was called
        self._makes_features = False  # a text/image feature extractor was called (NON_TABULAR_PREFIXES)
        self._test_metric_line: int | None = None  # line of the first call scoring on test data

    # --- expressions ---------------------------------------------------------------
    def qualified(self, call: ast.Call) -> str | None:
        key = id(call)
        if key not in self._qualified:
            self._qualified[key] = self.ctx.call_target(call).qualified
        return self._qualified[key]

    def type_of(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Call):
            name = self.qualified(node)
            if name and name.rsplit(".", 1)[-1][:1].isupper():
                return name
            if isinstance(node.func, ast.Attribute) and node.func.attr in ("fit", "set_params"):
                return self.type_of(node.func.value)
            return None
        name = dotted(node)
        if name is None:
            return None
        return self.types.get(name) or self.ctx.variable_types.get(name)

    def names(self, node: ast.AST | None) -> frozenset[str]:
        """Names an expression reads as data (receivers of model methods excluded); remembered per node."""
        if node is None:
            return frozenset()
        key = id(node)
        known = self._names.get(key)
        if known is None:
            known = self._names[key] = frozenset(self._read_names(node))
        return known

    def _read_names(self, node: ast.AST) -> set[str]:
        """Every Name and dotted Attribute chain (and its head) in an expression, outside function
        bodies and the receivers of model methods; run once per assignment, hence written out."""
        found: set[str] = set()
        stack: list[ast.AST] = [node]
        pop, extend, append, add = stack.pop, stack.extend, stack.append, found.add
        name_type, call_type, attribute_type = ast.Name, ast.Call, ast.Attribute
        while stack:
            item = pop()
            kind = item.__class__
            if kind is name_type:
                add(item.id)  # type: ignore[attr-defined]
                continue
            if kind is call_type:
                extend(item.args)  # type: ignore[attr-defined]
                extend([k.value for k in item.keywords])  # type: ignore[attr-defined]
                func = item.func  # type: ignore[attr-defined]
                if func.__class__ is attribute_type and func.attr not in MODEL_METHODS:
                    append(func.value)
                continue
            if kind is attribute_type:
                name = dotted(item)
                if name is not None:
                    add(name)
                    add(name.split(".", 1)[0])
            elif kind is ast.Lambda or kind is ast.FunctionDef:
                continue
            extend(operands(item))
        return found

    def role(self, node: ast.AST | None) -> str | None:
        if not self.roles:  # nothing was split yet: no data has a role (most assignments of a file)
            return None
        return _combine({self.roles[n] for n in self.names(node) if n in self.roles})

    def ancestors(self, names: set[str]) -> frozenset[str]:
        seen = set(names)
        stack = list(names)
        while stack:
            for parent in self.deps.get(stack.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return frozenset(seen)

    # --- events from the engine's walk ---------------------------------------------
    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        """A call, an `if` or a conditional expression, in source order (before its children)."""
        kind = node.__class__
        if kind is ast.Call:
            self.call(node)  # type: ignore[arg-type]
        elif kind is ast.If or kind is ast.IfExp:
            self.condition(node.test)  # type: ignore[attr-defined]
        elif kind is ast.Return:
            self.returned(node)  # type: ignore[arg-type]
        else:  # an assignment starts: its calls come next, then leave()
            self._reads_table, self._makes_features, self._test_metric_line = False, False, None

    def leave(self, node: ast.AST) -> None:
        """An assignment whose right-hand side was walked: bind its targets (before the context does)."""
        if node.value is not None:  # type: ignore[attr-defined]
            self.assign(node)  # type: ignore[arg-type]

    def condition(self, test: ast.expr) -> None:
        """`if score > best:` where score is a test-set metric: a choice made on the test set."""
        for item in inner_nodes(test):
            if isinstance(item, ast.Compare):
                line = self._test_score_in(item)
                if line is not None:
                    self.flow.selections.append((item, line))
                    return

    def returned(self, node: ast.Return) -> None:
        """`return roc_auc_score(y_test, ...)` in a function: a tuner maximising it chooses on the test set."""
        if node.value is None or not self.roles:
            return
        line = self._test_score_in(node.value)
        if line is not None:
            functions = self.ctx.enclosing_definitions(node.lineno)
            if functions:
                self.flow.test_returns.append((functions[-1], node, line))

    def objective(self, node: ast.Call, qualified: str | None, method: str | None) -> None:
        """`study.optimize(objective)`, `fmin(fn=objective)`: the function whose score a tuner maximises."""
        keywords = OBJECTIVE_TUNERS.get(qualified or "")
        if keywords is None:
            if method != "optimize" or not self.ctx.document.imports.imports("optuna"):
                return
            keywords = ("func",)
        candidates = [*node.args[:1], *(k.value for k in node.keywords if k.arg in keywords)]
        for candidate in candidates:
            if isinstance(candidate, ast.Lambda):  # optimize(lambda t: objective(t, X, y))
                candidate = candidate.body
                candidate = candidate.func if isinstance(candidate, ast.Call) else candidate
            name = dotted(candidate)
            if name is not None:
                self.flow.objectives.append((name.rsplit(".", 1)[-1], node))

    def _test_score_in(self, node: ast.AST) -> int | None:
        if self.test_scores:
            for name in self.names(node):
                if name in self.test_scores:
                    return self.test_scores[name]
        known = self._metric_of
        for item in inner_nodes(node):
            if item.__class__ is ast.Call:
                key = id(item)
                metric = known[key] if key in known else self.metric(item, record=False)  # type: ignore[arg-type]
                if metric is not None and metric.role == "test":
                    return item.lineno  # type: ignore[attr-defined]
        return None

    def _test_score_held_by(self, value: ast.AST) -> int | None:
        """_test_score_in for an assignment's value, from what the walk saw of its calls."""
        if self.test_scores:
            for name in self.names(value):
                if name in self.test_scores:
                    return self.test_scores[name]
        return self._test_metric_line

    def call(self, node: ast.Call) -> None:
        func = node.func
        # the engine just resolved this call (ctx.call_target remembers it): kept for later questions
        qualified = self._qualified[id(node)] = self.ctx.call_target(node).qualified
        if qualified is not None:
            if _is_cross_validation(qualified):
                self.flow.cross_validation = True
            if qualified in TABLE_READERS:
                self._reads_table = True
            elif qualified.startswith(NON_TABULAR_PREFIXES):
                self._makes_features = True
            elif qualified in NATIVE_TRAINERS:
                self.native_fit(node, qualified)
        attribute = func.__class__ is ast.Attribute
        method = func.attr if attribute else None  # type: ignore[attr-defined]
        if method in FIT_METHODS:
            self.fit(node, func)  # type: ignore[arg-type]
            if any(k.arg in ("validation_data", "validation_split", "eval_set") for k in node.keywords):
                self.flow.cross_validation = True  # Keras/XGBoost report held-out metrics while fitting
        if (qualified is not None and _is_metric_api(qualified)) or (method in SCORE_METHODS and node.args):
            metric = self._metric_of[id(node)] = self.metric(node)
            if metric is not None and metric.role == "test" and self._test_metric_line is None:
                self._test_metric_line = node.lineno
        # else metric() is None, now and whenever _test_score_in asks again: most calls stop here
        if method == "optimize" or qualified in OBJECTIVE_TUNERS:
            self.objective(node, qualified, method)
        if method in USE_METHODS:
            receiver = dotted(func.value)  # type: ignore[attr-defined]
            if receiver is not None:
                self.flow.uses.append(Use(node.lineno, receiver, self.role(_data_arg(node))))
        last = method if attribute else (func.id if func.__class__ is ast.Name else None)  # type: ignore[attr-defined]
        if last in SELECTORS and (qualified is None or not qualified.startswith("sklearn.")):
            inside = [*node.args, *(k.value for k in node.keywords)]
            if attribute:
                inside.append(func.value)  # type: ignore[attr-defined]
            for arg in inside:
                line = self._test_score_in(arg)
                if line is not None:
                    self.flow.selections.append((node, line))
                    break
        if method in COLLECTING_METHODS and node.args:
            line = self._test_score_in(node.args[0])
            target = dotted(func.value)  # type: ignore[attr-defined]
            if line is not None and target is not None:
                self.test_scores[target] = line

    def fit(self, node: ast.Call, func: ast.Attribute) -> None:
        receiver = dotted(func.value)
        receiver_type = self.type_of(func.value)
        if not (
            is_model_type(receiver_type)
            or is_preprocessor(receiver_type)
            or (receiver_type or "").startswith(("sklearn.", "imblearn.", "category_encoders."))
            or (receiver is not None and looks_like_model_name(receiver))
        ):
            return
        data = _data_arg(node)
        if data is None:
            return
        roots = frozenset(self.names(data))
        validation = keyword_value(node, "validation_data")
        fit = Fit(node, receiver, receiver_type, self.role(data), roots, self._from_table(roots, data),
                  self.role(validation) if validation is not None else None)
        self.flow.fits.append(fit)
        if receiver is not None:
            self.fitted_on[receiver] = roots

    def native_fit(self, node: ast.Call, trainer: str) -> None:
        """`xgb.train(params, dtrain)`: the data is the second argument (or dtrain=/train_set=/pool=)."""
        data = node.args[1] if len(node.args) > 1 else next(
            (k.value for k in node.keywords if k.arg in ("dtrain", "train_set", "pool")), None)
        if data is None:
            return
        roots = frozenset(self.names(data))
        # xgb.DMatrix(X, label=df.y): the features are X, whatever the label comes from (a TF-IDF matrix is no table)
        features = data.args[0] if isinstance(data, ast.Call) and data.args else data
        feature_roots = frozenset(self.names(features))
        self.flow.native_fits.append(Fit(node, None, trainer, self.role(data), roots, self._from_table(feature_roots, features)))

    def metric(self, node: ast.Call, record: bool = True) -> Metric | None:
        qualified = self.qualified(node)
        func = node.func
        if qualified is not None and _is_metric_api(qualified):
            args = [*node.args, *(k.value for k in node.keywords)]
            api = qualified or ""
        elif isinstance(func, ast.Attribute) and func.attr in SCORE_METHODS and node.args:
            receiver = dotted(func.value)
            receiver_type = self.type_of(func.value)
            if (receiver_type or "").startswith(UNSUPERVISED_PREFIXES):
                return None
            if not (is_model_type(receiver_type) or (receiver is not None and looks_like_model_name(receiver))):
                return None
            args = list(node.args)
            api = f"{receiver}.{func.attr}"
            if receiver is not None and receiver in self.fitted_on and self.names(node.args[0]) == set(self.fitted_on[receiver]):
                return self._record(Metric(node, api, self.role(node.args[0]) or "train", True), record)
        else:
            return None
        role = _combine({r for a in args if (r := self.role(a)) is not None})
        on_fit = any(self._predicts_on_fit_data(a) for a in args)
        if role is None and on_fit:
            role = "train"
        return self._record(Metric(node, api, role, on_fit), record)

    def _from_table(self, roots: frozenset[str], data: ast.AST) -> bool:
        """Fitted data derived from a table read in this file, unless text/image features are made inline:
        `model.fit(tfidf.transform(df["text"]), y)` fits on text features, not on the table."""
        if not roots & self.tables:
            return False
        for item in inner_nodes(data):
            if item.__class__ is ast.Call and (self.qualified(item) or "").startswith(NON_TABULAR_PREFIXES):  # type: ignore[arg-type]
                return False
        return True

    def _record(self, metric: Metric, record: bool) -> Metric:
        if record:
            self.flow.metrics.append(metric)
        return metric

    def _predicts_on_fit_data(self, node: ast.AST) -> bool:
        """`model.predict(X)` (inline or through `y_pred = ...`) where `model.fit(X, y)` came before."""
        if not self.fitted_on:  # both ways need a model fitted earlier: no walk of the arguments
            return False
        for item in ast.walk(node):
            if isinstance(item, ast.Call) and isinstance(item.func, ast.Attribute) and item.func.attr in PREDICT_METHODS:
                receiver = dotted(item.func.value)
                data = _data_arg(item)
                if receiver in self.fitted_on and data is not None and frozenset(self.names(data)) == self.fitted_on[receiver]:
                    return True
            name = dotted(item) if isinstance(item, ast.Name) else None
            if name is not None and name in self.predicted:
                model, roots = self.predicted[name]
                if self.fitted_on.get(model) == roots:
                    return True
        return False

    # --- assignments ---------------------------------------------------------------
    def assign(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        value = node.value
        assert value is not None
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if (isinstance(node, ast.Assign) and len(targets) == 1 and isinstance(targets[0], ast.Tuple)
                and isinstance(value, ast.Tuple) and len(targets[0].elts) == len(value.elts)
                and not any(isinstance(e, ast.Starred) for e in (*targets[0].elts, *value.elts))):
            # `x_train, x_test = x_train / 255, x_test / 255`: each name takes its own value's role
            for target, part in zip(targets[0].elts, value.elts):
                self.assign(ast.copy_location(ast.Assign(targets=[target], value=part), node))
            return
        if isinstance(value, ast.Call) and self.qualified(value) in SPLIT_APIS:
            for target in targets:
                if isinstance(target, (ast.Tuple, ast.List)):
                    self.split(value, target)
            return
        if (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "load_data"
                and self._provided_parts(value, targets)):
            return
        read = self.names(value)
        role = self.role(value)
        from_table = (bool(read & self.tables) or self._reads_table) and not self._makes_features
        is_fit = isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in ("fit",)
        value_type = self.type_of(value)
        test_line = self._test_score_held_by(value)
        prediction = _prediction(value)
        for target in targets:
            for element in _flatten(target):
                name = dotted(element.value if isinstance(element, (ast.Subscript, ast.Starred)) else element)
                if name is None:
                    continue
                if isinstance(element, (ast.Subscript,)) or isinstance(node, ast.AugAssign):
                    self.deps.setdefault(name, set()).update(read - {name})
                else:
                    self.deps[name] = set(read - {name})
                if role is not None and not is_fit:
                    self.roles[name] = role if not isinstance(element, ast.Subscript) else _combine({role, self.roles.get(name, role)}) or role
                elif not isinstance(element, ast.Subscript) and not isinstance(node, ast.AugAssign):
                    self.roles.pop(name, None)
                if from_table:
                    self.tables.add(name)
                if element is target and not isinstance(element, ast.Subscript):
                    if value_type is not None:
                        self.types[name] = value_type
                    elif not isinstance(node, ast.AugAssign):
                        self.types.pop(name, None)  # rebound to something else
                if test_line is not None:
                    self.test_scores[name] = test_line
                if is_fit and element is target and isinstance(value, ast.Call):
                    data = _data_arg(value)
                    if data is not None:
                        self.fitted_on[name] = frozenset(self.names(data))
                if prediction is not None and element is target:
                    model, data = prediction
                    self.predicted[name] = (model, frozenset(self.names(data)))

    def _provided_parts(self, call: ast.Call, targets: Sequence[ast.expr]) -> bool:
        """`(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()`: the parts a Keras
        dataset comes in take the train and test roles."""
        if not (self.qualified(call) or "").startswith(("keras.", "tensorflow.")):
            return False
        for target in targets:
            if not (isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) == 2
                    and all(isinstance(part, (ast.Tuple, ast.List)) for part in target.elts)):
                return False
            for part, role in zip(target.elts, ("train", "test")):
                for element in part.elts:  # type: ignore[attr-defined]
                    name = dotted(element)
                    if name is not None:
                        self.roles[name] = role
                        self.deps[name] = set()
        return True

    def split(self, call: ast.Call, target: ast.Tuple | ast.List) -> None:
        names = [dotted(e) for e in target.elts]
        inputs = set()
        for arg in call.args:
            inputs |= self.names(arg)
        input_role = _combine({self.roles[n] for n in inputs if n in self.roles})
        train = tuple(n for n in names[0::2] if n)
        held = tuple(n for n in names[1::2] if n)
        for name in train:
            self.roles[name] = "train"
        test: list[str] = []
        for name in held:
            validation = input_role == "train" or any(w in name.lower() for w in HELD_OUT_WORDS)
            self.roles[name] = "val" if validation else "test"
            if not validation:
                test.append(name)
        for name in (*train, *held):
            self.deps[name] = set(inputs)
        # `X_train, X_test, y_train, y_test = train_test_split(X, y)`: each pair comes from one argument
        for position, arg in enumerate(call.args):
            if self.names(arg) & self.tables:
                self.tables.update(n for n in names[2 * position : 2 * position + 2] if n)
        self.flow.splits.append(Split(call.lineno, self.ancestors(inputs), train, tuple(test)))


def _flatten(target: ast.AST) -> list[ast.AST]:
    if isinstance(target, (ast.Tuple, ast.List)):
        return [x for e in target.elts for x in _flatten(e)]
    return [target]


def _data_arg(call: ast.Call) -> ast.AST | None:
    if call.args:
        return call.args[0]
    for keyword in call.keywords:
        if keyword.arg in ("X", "x", "data", "train_dataset"):
            return keyword.value
    return None


def _prediction(value: ast.AST) -> tuple[str, ast.AST] | None:
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in PREDICT_METHODS:
        receiver = dotted(value.func.value)
        data = _data_arg(value)
        if receiver is not None and data is not None:
            return receiver, data
    return None


FLOW_KEY = "evaluation_flow"


class FlowFailed:
    """The tracker raised on this file: every consumer fails visibly, as if it had raised itself."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def evaluation_flow(ctx: FileContext) -> EvaluationFlow:
    """The file's flow, followed during the engine's walk and shared by every detector that asks.

    A context that did not come from the engine's walk (a test building one by hand) gets
    the same walk here, once.
    """
    flow = ctx.shared.get(FLOW_KEY)
    if flow is None:
        from proofolio.detectors.engine import follow_flow  # the engine imports this module

        follow_flow(ctx)
        flow = ctx.shared[FLOW_KEY]
    if isinstance(flow, FlowFailed):
        raise RuntimeError(f"evaluation flow failed: {type(flow.error).__name__}: {flow.error}") from flow.error
    return flow  # type: ignore[return-value]
