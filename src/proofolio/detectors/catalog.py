"""Simple "calls API X" detectors, as rows of data in catalog.toml.

Each row names qualified-name patterns (``sklearn.impute.*``), optional method names that
count on an untyped receiver when the file imports one of ``method_packages``
(``df["age"].fillna(...)`` in a pandas file), and base classes that count when subclassed.
One runner handles every row in the single walk of a file.
"""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from importlib import resources

from proofolio.detectors.base import (
    CallTarget,
    DetectorMeta,
    FileContext,
    FileDetector,
    dotted,
)
from proofolio.detectors.support import (
    category_codes,
    is_prediction_call,
    names_predictions,
    plots_model_results,
    summarises_model_results,
)
from proofolio.models import Confidence

CATALOG_RESOURCE = "catalog.toml"
_REQUIRED = ("id", "skill", "title", "what", "why", "example", "not_detected")


class CatalogError(ValueError):
    """The catalogue file is malformed (a packaging bug, caught by the meta tests)."""


@dataclass(frozen=True, slots=True)
class CatalogRow:
    meta: DetectorMeta
    calls: tuple[str, ...]
    methods: frozenset[str]
    method_packages: tuple[str, ...]
    bases: tuple[str, ...]
    confidence: Confidence
    extra_values: tuple[tuple[str, str], ...]
    exclude: tuple[str, ...] = ()  # globs of names a wider pattern of the row would take wrongly
    not_model_results: bool = False  # a call drawing a model's results (support.plots_model_results) is not this row's
    not_model_summaries: bool = False  # nor a summary of a model's outputs (support.summarises_model_results)
    not_in_data_changes: bool = False  # nor a call that computes a change to the data (see _changes_data)
    not_after: frozenset[str] = frozenset()  # nor a method called on the result of one of these (`s.diff().dropna()`)
    not_on_training_data: bool = False  # nor a call whose data arguments are all training data (`clf.score(X_train, y_train)`)
    not_discarded: bool = False  # nor a pandas call whose result is thrown away (`df.drop_duplicates()` alone on its line)
    not_unused_holdout: bool = False  # nor a split whose held-out part is never read again (no evaluation follows)
    # names (globs, qualified or method) that count only with categories mapped to codes as first argument
    needs_category_codes: tuple[str, ...] = ()
    # names (globs) that do not count in a file importing one of the packages: Conv2d is no vision in an audio file
    unless_imported: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # (packages, names)

    @property
    def rules(self) -> bool:
        """Whether any rule above is set (most rows: none to check)."""
        return bool(self.not_model_results or self.not_model_summaries or self.not_in_data_changes or self.not_after
                    or self.not_on_training_data or self.not_discarded or self.not_unused_holdout
                    or self.needs_category_codes or self.unless_imported[0])


MATCH_MEMO_SIZE = 20_000  # distinct qualified names remembered (hostile code cannot grow it without bound)


class PatternIndex:
    """Match a qualified name against many patterns: exact, ``prefix.*`` and other globs.

    Globs are bucketed by their first dotted component when it is literal
    (``pandas.*.fillna`` is only tried on ``pandas.…`` names), so the cost of a call does
    not grow with the number of glob rows for other packages.
    """

    def __init__(self) -> None:
        self.exact: dict[str, list[CatalogRow]] = {}
        self.prefix: dict[str, list[CatalogRow]] = {}
        self.globs: dict[str, list[tuple[str, CatalogRow]]] = {}  # first component ("" = any) → globs
        self._matched: dict[str, tuple[CatalogRow, ...]] = {}  # a file calls the same few names again and again

    def add(self, pattern: str, row: CatalogRow) -> None:
        if not any(ch in pattern for ch in "*?["):
            self.exact.setdefault(pattern, []).append(row)
        elif pattern.endswith(".*") and not any(ch in pattern[:-2] for ch in "*?["):
            self.prefix.setdefault(pattern[:-2], []).append(row)
        else:
            head = pattern.split(".", 1)[0]
            bucket = "" if any(ch in head for ch in "*?[") or "." not in pattern else head
            self.globs.setdefault(bucket, []).append((pattern, row))

    def specificity(self, name: str) -> int:
        """2: an exact pattern or a module prefix (two components or more) names it; 1: another match; 0: none."""
        if name in self.exact:
            return 2
        parts = name.split(".")
        if any(".".join(parts[:i]) in self.prefix for i in range(2, len(parts))):
            return 2
        return 1 if self.match(name) else 0

    def match(self, name: str) -> tuple[CatalogRow, ...]:
        found = self._matched.get(name)
        if found is None:
            if len(self._matched) > MATCH_MEMO_SIZE:
                self._matched.clear()
            found = self._matched[name] = tuple(self._match(name))
        return found

    def _match(self, name: str) -> list[CatalogRow]:
        found = list(self.exact.get(name, ()))
        parts = name.split(".")
        for i in range(1, len(parts)):
            found.extend(self.prefix.get(".".join(parts[:i]), ()))
        for bucket in (parts[0], ""):
            found.extend(row for pattern, row in self.globs.get(bucket, ()) if fnmatchcase(name, pattern))
        return [row for row in found if not any(fnmatchcase(name, pattern) for pattern in row.exclude)]


def _row(raw: dict[str, object], where: str) -> CatalogRow:
    missing = [k for k in _REQUIRED if not raw.get(k)]
    if missing:
        raise CatalogError(f"{where}: missing {', '.join(missing)}")
    calls = tuple(str(x) for x in raw.get("calls", []))  # type: ignore[union-attr]
    exclude = _strings(raw, "exclude")
    bases = tuple(str(x) for x in raw.get("bases", []))  # type: ignore[union-attr]
    methods = frozenset(str(x) for x in raw.get("methods", []))  # type: ignore[union-attr]
    if not (calls or bases or methods):
        raise CatalogError(f"{where}: a row needs calls, bases or methods")
    extra = tuple((str(k), str(v)) for k, v in dict(raw.get("values", {})).items())  # type: ignore[arg-type]
    meta = DetectorMeta(
        id=str(raw["id"]),
        skill=str(raw["skill"]),
        title=str(raw["title"]),
        what=str(raw["what"]).strip(),
        why=str(raw["why"]).strip(),
        example=str(raw["example"]).strip("\n"),
        not_detected=str(raw["not_detected"]).strip(),
        scope="file",
        kind="catalog",
        patterns=calls + tuple(f"class(...{b})" for b in bases) + tuple(f"<pandas-like>.{m}()" for m in sorted(methods))
        + tuple(f"not {x}" for x in exclude),
    )
    return CatalogRow(
        meta=meta,
        calls=calls,
        methods=methods,
        method_packages=tuple(str(x) for x in raw.get("method_packages", [])),  # type: ignore[union-attr]
        bases=bases,
        confidence=Confidence(str(raw.get("confidence", "high"))),
        extra_values=extra,
        exclude=exclude,
        not_model_results=bool(raw.get("not_model_results", False)),
        not_model_summaries=bool(raw.get("not_model_summaries", False)),
        not_in_data_changes=bool(raw.get("not_in_data_changes", False)),
        not_after=frozenset(_strings(raw, "not_after")),
        not_on_training_data=bool(raw.get("not_on_training_data", False)),
        not_discarded=bool(raw.get("not_discarded", False)),
        not_unused_holdout=bool(raw.get("not_unused_holdout", False)),
        needs_category_codes=_strings(raw, "needs_category_codes"),
        unless_imported=_unless_imported(raw.get("unless_imported")),
    )


def _strings(raw: dict[str, object], key: str) -> tuple[str, ...]:
    """A row's list of strings under ``key`` (none when absent)."""
    value = raw.get(key, [])
    if not isinstance(value, list):
        raise CatalogError(f"{key} must be a list of strings")
    return tuple(str(x) for x in value)


def _unless_imported(raw: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not raw:
        return ((), ())
    packages = raw.get("packages") if isinstance(raw, dict) else None
    names = raw.get("names") if isinstance(raw, dict) else None
    if not isinstance(packages, list) or not isinstance(names, list) or not packages or not names:
        raise CatalogError("unless_imported needs packages and names")
    return tuple(map(str, packages)), tuple(map(str, names))


def load_catalog(text: str | None = None) -> tuple[CatalogRow, ...]:
    if text is None:
        text = resources.files("proofolio.detectors").joinpath(CATALOG_RESOURCE).read_text("utf-8")
    data = tomllib.loads(text)
    rows = tuple(_row(raw, f"catalog row {i + 1}") for i, raw in enumerate(data.get("detector", [])))
    ids = [r.meta.id for r in rows]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise CatalogError(f"duplicate catalog ids: {sorted(duplicates)}")
    return rows


class CatalogRunner(FileDetector):
    """Runs every catalogue row in one pass over calls and class definitions."""

    # expression statements: their value is a call whose result is thrown away (rows' not_discarded)
    node_types = (ast.Call, ast.ClassDef, ast.Expr)

    def __init__(self, rows: tuple[CatalogRow, ...]) -> None:
        self._statement_value: ast.AST | None = None  # the value of the last expression statement walked
        self.calls = PatternIndex()
        self.bases = PatternIndex()
        self.methods: dict[str, list[CatalogRow]] = {}
        for row in rows:
            for pattern in row.calls:
                self.calls.add(pattern, row)
            for pattern in row.bases:
                self.bases.add(pattern, row)
            for method in row.methods:
                self.methods.setdefault(method, []).append(row)

    def wants_call(self, target: CallTarget) -> bool:
        """A call matters when a row matches its qualified name or its method (what _visit_call emits on)."""
        if target.qualified is not None and self.calls.match(target.qualified):
            return True
        return target.method is not None and target.method in self.methods

    def knows(self, qualified: str) -> int:
        """How surely this is a catalogued API (FileContext.knows, for star imports): 2 when a row
        names it or its module (`keras.models.Sequential`, `keras.layers.*`), 1 through a wider
        glob (`sklearn.*[A-Z]*` takes any class name), 0 not at all."""
        return self.calls.specificity(qualified)

    def call_key(self) -> object:
        """The rows decide, and the registry builds one runner per set of rows."""
        return self

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if node.__class__ is ast.Expr:
            # the walk is pre-order: the statement's value, when a call, is the very next node visited
            self._statement_value = node.value  # type: ignore[attr-defined]
        elif isinstance(node, ast.Call):
            self._visit_call(node, ctx)
        elif isinstance(node, ast.ClassDef):
            for base in node.bases:
                name = ctx.qualname(base)
                if name is None:
                    continue
                for row in self.bases.match(name):
                    snippet = ctx.document.snippet(node.lineno, node.lineno)
                    ctx.emit(row.meta, None, row.confidence, (("base", name), *row.extra_values), line=node.lineno, snippet=snippet)

    def finish(self, ctx: FileContext) -> None:
        self._statement_value = None  # shared across files (registry): keep no node of this one

    def _visit_call(self, node: ast.Call, ctx: FileContext) -> None:
        target = ctx.call_target(node)
        if target.qualified is not None:
            rows = self.calls.match(target.qualified)
            confidence = target.confidence
            statement = node is self._statement_value
            for row in rows:
                if row.rules and _ruled_out(row, node, ctx, statement):
                    continue
                level = row.confidence if confidence is Confidence.HIGH else _weaker(row.confidence, confidence)
                ctx.emit(row.meta, node, level, (("api", target.qualified), *row.extra_values))
            if rows or confidence is Confidence.HIGH:
                return
        if target.method is None or target.method not in self.methods:
            return
        if _on_predictions(node.func):
            return  # `clf.predict(X).astype(int)`, `(proba > 0.5).astype(int)`: a model's output, not data prepared
        if target.method == "astype" and isinstance(node.func, ast.Attribute) and _condition(node.func.value):
            return  # `(df.tenure == 1).astype(int)`: a flag made from a condition, no column type cleaned
        imports = ctx.document.imports
        statement = node is self._statement_value
        for row in self.methods[target.method]:
            if row.rules and _ruled_out(row, node, ctx, statement):
                continue
            if any(imports.imports(p) for p in row.method_packages):
                ctx.emit(row.meta, node, _weaker(row.confidence, Confidence.MEDIUM), (("method", target.method), *row.extra_values))


_ORDER = [Confidence.LOW, Confidence.MEDIUM, Confidence.HIGH]


def _weaker(a: Confidence, b: Confidence) -> Confidence:
    return _ORDER[min(_ORDER.index(a), _ORDER.index(b))]


def _condition(node: ast.expr) -> bool:
    """`a == 1`, `~mask`, `(a > 65) & (b == "No")`: a boolean mask."""
    if isinstance(node, (ast.Compare, ast.BoolOp)) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Invert, ast.Not))):
        return True
    return isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr, ast.BitXor)) and (
        isinstance(node.left, ast.Compare) or isinstance(node.right, ast.Compare))


def _on_predictions(func: ast.expr) -> bool:
    """Whether a method is called on a model's predictions (made there, named so, or thresholded)."""
    if not isinstance(func, ast.Attribute):
        return False
    receiver = func.value
    if isinstance(receiver, ast.Compare):
        receiver = receiver.left
    if is_prediction_call(receiver):
        return True
    name = dotted(receiver)
    return name is not None and names_predictions(name.rsplit(".", 1)[-1])


_TRAINING = re.compile(r"train", re.IGNORECASE)

# Functions whose work is changing data, not looking at it: a transformer's fit/transform, imputers, cleaners.
# A function that changes the data, by its first word (a verb: `fit`, `_impute_age`, `encodeCategories`,
# `clean_data`) or its last (what it does: `mean_target_encoding`, `MyImputer`); not `get_fitness`,
# `check_fill_rate` or `summarise_transformers`.
_CHANGING_FIRST_WORDS = frozenset({
    "fit", "fitted", "fitting", "transform", "transformed", "inverse", "encode", "encoded", "impute", "imputed", "fill",
    "fillna", "filled", "clean", "cleaned", "preprocess", "preprocessed", "prepare", "prepared", "prep",
})
_CHANGING_LAST_WORDS = frozenset({
    "encoding", "encodings", "encoder", "imputation", "imputer", "cleaning", "cleaner", "preprocessing", "preprocessor",
    "transform", "transformer", "transformation",
})
_WORD = re.compile(r"[a-z0-9]+|[A-Z][a-z0-9]*")


@lru_cache(maxsize=4096)
def _changes_data_by_name(name: str) -> bool:
    words = [w.lower() for w in _WORD.findall(name)]
    return bool(words) and (words[0] in _CHANGING_FIRST_WORDS or words[-1] in _CHANGING_LAST_WORDS)


def _changes_data(node: ast.Call, ctx: FileContext) -> bool:
    """Whether a call computes a change to the data rather than a look at it: the value of an
    assignment to a column or frame (`df.loc[df.age.isnull(), "age"] = ...`, `df["n"] = df.groupby(...)...`),
    or a call inside a function that fits, transforms, encodes, imputes or cleans."""
    statement = ctx.assignment
    if statement is not None:
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]  # type: ignore[attr-defined]
        if any(isinstance(t, (ast.Subscript, ast.Attribute)) for t in targets):
            return True
    return any(_changes_data_by_name(name) for name in ctx.enclosing_definitions(node.lineno))


def _ruled_out(row: CatalogRow, node: ast.Call, ctx: FileContext, statement: bool = False) -> bool:
    """Whether a row's own rules leave out a call its patterns match."""
    if row.not_model_results and plots_model_results(node):
        return True
    if row.not_model_summaries and summarises_model_results(node):
        return True
    if row.not_in_data_changes and _changes_data(node, ctx):
        return True
    if row.not_on_training_data and _on_training_data(node):
        return True
    if row.not_discarded and _discarded(node, ctx, statement):
        return True
    if row.not_unused_holdout and _unused_holdout(node, ctx):
        return True
    if row.needs_category_codes and not (node.args and category_codes(node.args[0])):
        target = ctx.call_target(node)
        called = target.qualified or target.method or ""
        if any(fnmatchcase(called, pattern) for pattern in row.needs_category_codes):
            return True  # df["Title"].map(str.strip), df.replace("?", np.nan): no categories coded
    packages, names = row.unless_imported
    if packages:
        name = ctx.call_target(node).qualified
        if name is not None and any(fnmatchcase(name, n) for n in names) and any(ctx.document.imports.imports(p) for p in packages):
            return True
    return bool(row.not_after) and _called_after(node, row.not_after)


def _discarded(node: ast.Call, ctx: FileContext, statement: bool) -> bool:
    """Whether a pandas call's result is thrown away: the call is a whole statement of its own
    (``statement``: `users.drop_duplicates(subset=["id"])`, `pd.to_numeric(df.x)`) and changes nothing
    in place. `df.dropna().shape`, `x = df.dropna()` and `print(df.dropna())` keep their result."""
    if not statement or any(k.arg is None or (k.arg == "inplace" and not (isinstance(k.value, ast.Constant)
                                                                         and k.value.value is False))
                            for k in node.keywords):
        return False  # inplace=True (or a value we cannot read, or **kwargs): it may change the data
    qualified = ctx.call_target(node).qualified
    return qualified is None or qualified.startswith("pandas.")  # `imputer.fit(X)` keeps what it learnt


def _unused_holdout(node: ast.Call, ctx: FileContext) -> bool:
    """Whether a split's held-out part is never read again: `X_train, X_test, y_train, y_test =
    train_test_split(...)` and then only the training part is used (a model fitted and saved, never tested).
    Asked of notebooks and of splits inside functions: names a module defines at its top level may be
    read by the modules importing it."""
    statement = ctx.assignment
    if not isinstance(statement, ast.Assign) or statement.value is not node or len(statement.targets) != 1:
        return False
    if ctx.document.kind == "python" and not ctx.enclosing_definitions(node.lineno):
        return False  # a module-level split may be imported by another module (`from data import X_test`)
    target = statement.targets[0]
    if not isinstance(target, (ast.Tuple, ast.List)) or len(target.elts) < 2:
        return False
    parts = target.elts
    target_of_call = ctx.call_target(node)
    pairs = "train_test_split" in (target_of_call.qualified or target_of_call.method or "")
    held_out = [parts[1], parts[3]] if pairs and len(parts) == 4 else parts[1:]  # X_test, y_test; or val, test ...
    if not all(isinstance(p, ast.Name) for p in held_out):
        return False
    read = ctx.shared.get(_READ_NAMES)
    if not isinstance(read, frozenset):
        tree = ctx.document.tree
        read = frozenset(n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)) if tree else frozenset()
        ctx.shared[_READ_NAMES] = read
    return not any(p.id in read for p in held_out if isinstance(p, ast.Name))


_READ_NAMES = "catalog.read_names"  # FileContext.shared key: every name the file reads, for _unused_holdout


def _on_training_data(node: ast.Call) -> bool:
    """Whether the (first two) data arguments all name training data: `score(X_train, y_train)`,
    `accuracy_score(y_train, clf.predict(X_train))`."""
    arguments = node.args[:2]
    if not arguments:
        return False
    return all(
        any(_TRAINING.search(n.id if isinstance(n, ast.Name) else n.attr)
            for n in ast.walk(argument) if isinstance(n, ast.Name | ast.Attribute))
        for argument in arguments
    )


def _called_after(node: ast.Call, methods: frozenset[str]) -> bool:
    """Whether the receiver of a method call is the result of one of ``methods``: `s.diff().dropna()`, `s.rolling(3).mean().dropna()`."""
    receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
    for _ in range(8):  # a chain of a few calls
        if not (isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute)):
            return False
        if receiver.func.attr in methods:
            return True
        receiver = receiver.func.value
    return False
