"""What a detector is, and the context it observes code through.

Detectors observe and never score. A file detector subscribes to AST node types and is
handed each such node during the one walk of a file; a repository detector looks at the
files a project has. Both emit Evidence through their context, which resolves names
through the file's imports and maps lines back to notebook cells.
"""

from __future__ import annotations

import ast
import builtins
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple

from proofolio.digest import lines_sha256
from proofolio.documents.base import Document
from proofolio.documents.imports import ImportMap
from proofolio.models import Confidence, Evidence, Location, Severity, shared_values
from proofolio.sources.base import Source


@dataclass(frozen=True, slots=True)
class DetectorMeta:
    """A detector's identity and documentation (ruff-style: what / why / example / not detected)."""

    id: str
    skill: str
    title: str  # one line, shown in `proofolio detectors`
    what: str
    why: str
    example: str
    not_detected: str
    scope: str = "file"  # "file", "notebook" or "repo"
    kind: str = "logic"  # "catalog" (a TOML row) or "logic" (a class)
    patterns: tuple[str, ...] = ()  # catalog rows: the qualified names they match
    # Negative signals (leakage, scoring on training data): how much they weigh and the fix.
    severity: Severity | None = None
    remediation: str | None = None

    def __post_init__(self) -> None:
        """Its id, skill and fix shared (sys.intern): every evidence item it emits carries them."""
        for name in ("id", "skill", "remediation"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, sys.intern(value))


# Call targets whose result has a known type, so `df = pd.read_csv(...)`; `df.fillna()`
# resolves to pandas.DataFrame.fillna. Classes need no entry: an instance of
# sklearn.svm.SVC has the type sklearn.svm.SVC.
RETURN_TYPES: dict[str, str] = {
    "pandas.read_csv": "pandas.DataFrame",
    "pandas.read_excel": "pandas.DataFrame",
    "pandas.read_json": "pandas.DataFrame",
    "pandas.read_parquet": "pandas.DataFrame",
    "pandas.read_sql": "pandas.DataFrame",
    "pandas.read_table": "pandas.DataFrame",
    "pandas.read_feather": "pandas.DataFrame",
    "pandas.read_pickle": "pandas.DataFrame",
    "pandas.concat": "pandas.DataFrame",
    "pandas.merge": "pandas.DataFrame",
    "pandas.get_dummies": "pandas.DataFrame",
    "numpy.array": "numpy.ndarray",
    "numpy.asarray": "numpy.ndarray",
    "numpy.zeros": "numpy.ndarray",
    "numpy.ones": "numpy.ndarray",
    "numpy.loadtxt": "numpy.ndarray",
    "numpy.load": "numpy.ndarray",
    "matplotlib.pyplot.figure": "matplotlib.figure.Figure",
    "matplotlib.pyplot.gca": "matplotlib.axes.Axes",
    "matplotlib.pyplot.subplot": "matplotlib.axes.Axes",
    "matplotlib.pyplot.axes": "matplotlib.axes.Axes",
    "matplotlib.figure.Figure.add_subplot": "matplotlib.axes.Axes",
    "matplotlib.figure.Figure.subplots": "matplotlib.axes.Axes",  # or an array of them: ax[0] stays Axes
    "matplotlib.figure.Figure.gca": "matplotlib.axes.Axes",
    "matplotlib.figure.Figure.add_axes": "matplotlib.axes.Axes",
    "seaborn.heatmap": "matplotlib.axes.Axes",
    "seaborn.countplot": "matplotlib.axes.Axes",
    "seaborn.histplot": "matplotlib.axes.Axes",
    "seaborn.boxplot": "matplotlib.axes.Axes",
    "seaborn.scatterplot": "matplotlib.axes.Axes",
    "seaborn.barplot": "matplotlib.axes.Axes",
    "seaborn.lineplot": "matplotlib.axes.Axes",
}

# Type of an instance of a class defined in the analysed file itself (`t = Table()`).
LOCAL_TYPE_PREFIX = "<local>."

# Calls returning a tuple of known types: `fig, ax = plt.subplots()`.
TUPLE_RETURN_TYPES: dict[str, tuple[str, ...]] = {
    "matplotlib.pyplot.subplots": ("matplotlib.figure.Figure", "matplotlib.axes.Axes"),
}

# Methods that return their receiver (or an object of the same type).
SELF_RETURNING_METHODS = frozenset({"fit", "set_params", "to", "cuda", "cpu", "train", "eval", "double", "float"})
# pandas accessors: `df.plot.bar()` is pandas.DataFrame.plot.bar, `s.str.lower()` pandas.Series.str.lower.
PANDAS_ACCESSORS = frozenset({"plot", "str", "dt", "cat", "sparse"})
_BUILTIN_NAMES = frozenset(dir(builtins))
DATAFRAME_METHODS = frozenset(
    {"dropna", "fillna", "drop", "drop_duplicates", "rename", "copy", "merge", "join", "assign", "astype",
     "replace", "sort_values", "reset_index", "set_index", "query", "head", "tail", "sample", "pivot_table",
     "interpolate", "ffill", "bfill", "clip", "apply", "select_dtypes", "loc", "iloc", "filter", "explode"}
)


STAR_CANDIDATES = 16  # star imports weighed for a bare name (the newest); real files have a handful
STAR_MEMO_SIZE = 10_000
MAX_TYPE_DEPTH = 32  # nested calls/subscripts followed when inferring a type


def dotted(node: ast.AST) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    kind = node.__class__
    if kind is ast.Name:  # the common cases first: asked for every call of every file
        return node.id  # type: ignore[attr-defined]
    if kind is ast.Attribute and node.value.__class__ is ast.Name:  # type: ignore[attr-defined]
        return f"{node.value.id}.{node.attr}"  # type: ignore[attr-defined]
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def qualified_name(imports: ImportMap, node: ast.AST) -> str | None:
    """`pd.read_csv` → `pandas.read_csv` through a file's imports; None for names it did not import.

    Asked for every call of every file: the chain's base is looked up first, and a dotted
    string is only built for a name the file imported.
    """
    kind = node.__class__
    if kind is ast.Name:
        entry = imports.aliases.get(node.id)  # type: ignore[attr-defined]
        return None if entry is None else entry.qualified
    if kind is not ast.Attribute:
        return None
    base = node.value  # type: ignore[attr-defined]
    if base.__class__ is ast.Name:  # `pd.read_csv`: the common chain
        entry = imports.aliases.get(base.id)  # type: ignore[attr-defined]
        return None if entry is None else f"{entry.qualified}.{node.attr}"  # type: ignore[attr-defined]
    parts = [node.attr]  # type: ignore[attr-defined]
    while base.__class__ is ast.Attribute:
        parts.append(base.attr)  # type: ignore[attr-defined]
        base = base.value  # type: ignore[attr-defined]
    if base.__class__ is not ast.Name:
        return None
    entry = imports.aliases.get(base.id)  # type: ignore[attr-defined]
    if entry is None:
        return None
    parts.append(entry.qualified)
    return ".".join(reversed(parts))


_ALIASING = frozenset({ast.Constant, ast.Name, ast.Attribute})


def _chain_base(node: ast.AST) -> str | None:
    """`image` of `image.reshape` / `image`: the name a Name/Attribute chain starts from."""
    while node.__class__ is ast.Attribute:
        node = node.value  # type: ignore[attr-defined]
    return node.id if node.__class__ is ast.Name else None  # type: ignore[attr-defined]


def _bound_names(tree: ast.AST | None) -> frozenset[str]:
    """Every name the file binds itself: defs, classes, assignments, parameters, loop targets."""
    if tree is None:
        return frozenset()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return frozenset(names)


class CallTarget(NamedTuple):
    """What a call resolves to. ``qualified`` is None when only the method name is known.

    A named tuple, not a frozen dataclass: one is made for every call of every file, and a
    frozen dataclass's __init__ costs several times more.
    """

    qualified: str | None
    method: str | None  # the attribute called, for `<receiver>.method(...)`
    confidence: Confidence


# One CallTarget is made per call of every file: built as the tuple it is, without the named
# tuple's Python-level __new__ (the same object CallTarget(...) returns).
_new_target = tuple.__new__
_HIGH, _MEDIUM = Confidence.HIGH, Confidence.MEDIUM
_NO_TARGET = CallTarget(None, None, Confidence.LOW)  # a call of something unknown: `foo()`, `obj[0]()`


@dataclass(slots=True)
class FileContext:
    """Everything a file detector may ask about the file it is looking at."""

    document: Document
    repo: str
    commit: str | None
    authored_share: float | None = None
    variable_types: dict[str, str] = field(default_factory=dict)  # "model" / "self.clf" → type
    evidence: list[Evidence] = field(default_factory=list)
    _seen: set[tuple[str, int | None, int | None]] = field(default_factory=set)
    _type_depth: int = 0
    local_classes: set[str] = field(default_factory=set)  # classes defined in this file, seen so far
    _local_names: frozenset[str] | None = None  # names the file binds itself (only needed with star imports)
    shared: dict[str, object] = field(default_factory=dict)  # per-file analyses several detectors reuse
    # The node the walk is handing to detectors (set by the engine), and its call target once one of them asked:
    # half a dozen detectors look at every call, and the answer cannot change while they do.
    current: ast.AST | None = None
    _current_target: CallTarget | None = None
    # How surely a qualified name is a known API (CatalogRunner.knows: 2, 1 or 0): which of several
    # star imports a bare name comes from (`from keras.models import *; from keras.layers import *`).
    knows: Callable[[str], int] | None = None
    _star_choice: dict[str, str] | None = None  # name → the star module it was taken from (this file)
    # Imported names the file rebinds (`from keras.preprocessing import image; image = image.load_img(p)`):
    # from there on they are the file's values, not the module.
    _shadowed: set[str] | None = None
    # Where the walk stands (set by the engine): the assignment whose value is being walked, and
    # the functions and classes open at the current line as (first line, last line, name) — enough to
    # tell `df.loc[m, "x"] = ...` or a transformer's fit() from top-level analysis without parent links.
    assignment: ast.stmt | None = None
    _open_definitions: list[tuple[int, int, str]] = field(default_factory=list)

    # --- name resolution -------------------------------------------------------------
    def qualname(self, node: ast.AST) -> str | None:
        """Resolve a Name/Attribute chain through the imports; None for local names.

        Imports are read for the whole file before the walk; an imported name the file has rebound
        by then (an assignment seen earlier in the walk) no longer resolves.
        """
        resolved = qualified_name(self.document.imports, node)
        if resolved is not None and self._shadowed is not None and _chain_base(node) in self._shadowed:
            return None
        return resolved

    def expression_type(self, node: ast.AST) -> str | None:
        """The type of an expression where it is known: a tracked variable or a resolved call.

        Long method chains (`df.a().b().c()...`) recurse; past MAX_TYPE_DEPTH the type is
        simply unknown, so hostile code cannot exhaust the stack.
        """
        if self._type_depth >= MAX_TYPE_DEPTH:
            return None
        if node.__class__ is ast.Name:  # `df.head()`'s receiver, the usual case: no recursion
            return self.variable_types.get(node.id)  # type: ignore[attr-defined]
        self._type_depth += 1
        try:
            return self._expression_type(node)
        finally:
            self._type_depth -= 1

    def _expression_type(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Call):
            return self._call_result_type(node)
        if isinstance(node, ast.Subscript):
            container = self.expression_type(node.value)
            if container == "pandas.DataFrame":
                is_column = isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)
                return "pandas.Series" if is_column else "pandas.DataFrame"
            return container if container in ("matplotlib.axes.Axes", "pandas.Series") else None
        if isinstance(node, ast.Attribute) and node.attr in ("loc", "iloc", "T"):
            return self.expression_type(node.value)
        if isinstance(node, ast.Attribute) and node.attr in PANDAS_ACCESSORS and self.qualname(node) is None:
            receiver = self.expression_type(node.value)
            if receiver in ("pandas.DataFrame", "pandas.Series"):
                return f"{receiver}.{node.attr}"
        name = dotted(node)
        if name is not None and name in self.variable_types:
            return self.variable_types[name]
        return None

    def _call_result_type(self, call: ast.Call) -> str | None:
        target = self.call_target(call)
        qualified = target.qualified
        if qualified is None:
            if isinstance(call.func, ast.Name) and call.func.id in self.local_classes:
                # an instance of the candidate's own class: its methods are theirs, never pandas'/sklearn's
                return f"{LOCAL_TYPE_PREFIX}{call.func.id}"
            return None
        if qualified in RETURN_TYPES:
            return RETURN_TYPES[qualified]
        if isinstance(call.func, ast.Attribute) and self.qualname(call.func) is None:
            # a method on a typed receiver: only a few methods keep the type
            receiver = qualified.rsplit(".", 1)[0]
            if target.method in SELF_RETURNING_METHODS:
                return receiver
            if receiver in ("pandas.DataFrame", "pandas.Series") and target.method in DATAFRAME_METHODS:
                return receiver
            return None
        last = qualified.rsplit(".", 1)[-1]
        return qualified if last[:1].isupper() else None  # CapWords: a class, so an instance

    def call_target(self, call: ast.Call) -> CallTarget:
        """What ``call`` calls, as far as the imports and the types tracked so far tell."""
        if call is self.current:
            if self._current_target is None:
                self._current_target = self._call_target(call)
            return self._current_target
        return self._call_target(call)

    def _call_target(self, call: ast.Call) -> CallTarget:
        func = call.func
        resolved = qualified_name(self.document.imports, func)
        if resolved is not None and self._shadowed is not None and _chain_base(func) in self._shadowed:
            resolved = None
        if func.__class__ is ast.Attribute:
            method = func.attr  # type: ignore[attr-defined]
            if resolved is not None:
                return _new_target(CallTarget, (resolved, method, _HIGH))
            receiver_type = self.expression_type(func.value)  # type: ignore[attr-defined]
            if receiver_type is not None:
                return _new_target(CallTarget, (f"{receiver_type}.{method}", method, _HIGH))
            if self.document.imports.star_modules:  # `ImageDataLoaders.from_folder(...)` of a star import
                chain = dotted(func)
                head = chain.split(".", 1)[0] if chain else ""
                if head[:1].isupper() and self._may_be_star_import(head):
                    return CallTarget(self._star_qualified(chain), method, Confidence.MEDIUM)  # type: ignore[arg-type]
            return _new_target(CallTarget, (None, method, _MEDIUM))
        if resolved is not None:
            return _new_target(CallTarget, (resolved, None, _HIGH))
        if func.__class__ is ast.Name and self.document.imports.star_modules and self._may_be_star_import(func.id):  # type: ignore[attr-defined]
            # `from sklearn.metrics import *` then `accuracy_score(...)`: a guess, said so
            return CallTarget(self._star_qualified(func.id), None, Confidence.MEDIUM)  # type: ignore[attr-defined]
        return _NO_TARGET

    def _star_qualified(self, name: str) -> str:
        """``name`` (a bare name or a chain from one) in the star-imported module it most likely comes
        from: with several, the one where it is most surely a known API (the newest on a tie).

        Only the newest STAR_CANDIDATES star imports are weighed, once per name and file: a file of
        thousands of star imports costs no more than one of a few.
        """
        modules = self.document.imports.star_modules
        module = modules[-1]
        if len(modules) > 1 and self.knows is not None:
            if self._star_choice is None:
                self._star_choice = {}
            chosen = self._star_choice.get(name)
            if chosen is None:
                knows = self.knows
                chosen = max(reversed(modules[-STAR_CANDIDATES:]), key=lambda m: knows(f"{m}.{name}"))
                if len(self._star_choice) < STAR_MEMO_SIZE:
                    self._star_choice[name] = chosen
            module = chosen
        return f"{module}.{name}"

    def _may_be_star_import(self, name: str) -> bool:
        """A bare name can come from a star import only if it is no builtin and not bound in the file."""
        if name in _BUILTIN_NAMES:
            return False
        if self._local_names is None:
            self._local_names = _bound_names(self.document.tree)
        return name not in self._local_names

    def note_parameters(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """Track annotated parameters: `def clean(df: pd.DataFrame)` types `df`; remember the function's span."""
        self._open_definition(node)
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            if arg.annotation is not None:
                annotated = self.qualname(arg.annotation)
                if annotated is not None:
                    self.variable_types[arg.arg] = annotated

    def note_class(self, node: ast.ClassDef) -> None:
        """Remember a class's span (its methods' code is inside it) and its name."""
        self._open_definition(node)
        self.local_classes.add(node.name)

    def mentions(self, words: tuple[str, ...], ignore_case: bool = False) -> bool:
        """Whether the file's text holds any of ``words``: substring tests, answered once per file and
        word list (detectors gate their costlier checks on it)."""
        key = ("mentions", words, ignore_case)
        known = self.shared.get(key)  # type: ignore[call-overload]
        if known is None:
            source = self.document.source.lower() if ignore_case else self.document.source
            known = self.shared[key] = any(word in source for word in words)  # type: ignore[index]
        return known  # type: ignore[return-value]

    def enclosing_definitions(self, line: int) -> list[str]:
        """Names of the functions and classes whose body holds ``line``, outermost first.

        Asked at the node the walk stands on: the walk goes in source order, so functions that
        ended before ``line`` are closed for good (a stack, not a scan of every definition).
        """
        self._close_definitions(line)
        return [name for start, _end, name in self._open_definitions if start <= line]

    def _open_definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self._close_definitions(node.lineno)
        self._open_definitions.append((node.lineno, node.end_lineno or node.lineno, node.name))

    def _close_definitions(self, line: int) -> None:
        open_definitions = self._open_definitions
        while open_definitions and open_definitions[-1][1] < line:
            open_definitions.pop()

    def note_assignment(self, node: ast.Assign | ast.AnnAssign) -> None:
        """Track `x = Constructor(...)` so later `x.method()` resolves."""
        value = node.value
        if value is None:
            return
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if len(targets) == 1 and targets[0].__class__ is ast.Name:  # `x = ...`, most assignments
            value_type = self.expression_type(value)  # before the name may stop meaning the module
            # a value made from it rebinds the name at module level; `xgb = None` after a failed import,
            # `tf = tf.compat.v1`, and a local of the same name inside a function keep the module
            if (value.__class__ not in _ALIASING and targets[0].id in self.document.imports.aliases  # type: ignore[attr-defined]
                    and not self.enclosing_definitions(node.lineno)):
                if self._shadowed is None:
                    self._shadowed = set()
                self._shadowed.add(targets[0].id)  # type: ignore[attr-defined]
            if value_type is None:
                self.variable_types.pop(targets[0].id, None)
            else:
                self.variable_types[targets[0].id] = value_type
            return
        if any(isinstance(t, (ast.Tuple, ast.List)) for t in targets):
            types = TUPLE_RETURN_TYPES.get(self.call_target(value).qualified or "") if isinstance(value, ast.Call) else None
            for target in targets:
                if not isinstance(target, (ast.Tuple, ast.List)):
                    continue
                known = types if types and len(types) == len(target.elts) else (None,) * len(target.elts)
                for element, element_type in zip(target.elts, known):
                    name = dotted(element.value if isinstance(element, ast.Starred) else element)
                    if name is None:
                        continue
                    if element_type is None:
                        self.variable_types.pop(name, None)  # rebound to something unknown
                    else:
                        self.variable_types[name] = element_type
            return
        value_type = self.expression_type(value)
        for target in targets:
            name = dotted(target)
            if name is None:
                continue
            if value_type is None:
                self.variable_types.pop(name, None)
            else:
                self.variable_types[name] = value_type

    # --- locations and evidence ------------------------------------------------------
    def location(self, line: int | None, end_line: int | None = None, cell: int | None = None) -> Location:
        """Where ``line`` of the joined source stands; with ``cell``, lines are already inside that cell
        (e.g. a markdown cell, which is not part of the joined code)."""
        doc = self.document
        path = sys.intern(doc.path)
        if cell is not None:
            return Location(self.repo, self.commit, path, line, end_line if end_line != line else None, cell)
        if line is None:
            return Location(self.repo, self.commit, path, None)
        cell, cell_line = doc.cell_position(line)
        end = None
        if end_line is not None and end_line != line:
            end_cell, end_cell_line = doc.cell_position(end_line)
            end = end_cell_line if end_cell == cell else None
        return Location(self.repo, self.commit, path, cell_line, end, cell)

    def position_values(self, name: str, line: int) -> tuple[tuple[str, str], ...]:
        """Values naming another line of the file: ``<name>_line``, and in a notebook ``<name>_cell``
        (0-based, as Location.cell) with the line counted inside that cell, as locations are."""
        cell, cell_line = self.document.cell_position(line)
        if cell is None:
            return ((f"{name}_line", str(cell_line)),)
        return ((f"{name}_line", str(cell_line)), (f"{name}_cell", str(cell)))

    def emit(
        self,
        meta: DetectorMeta,
        node: ast.AST | None,
        confidence: Confidence = Confidence.HIGH,
        values: Iterable[tuple[str, str]] = (),
        *,
        line: int | None = None,
        end_line: int | None = None,
        snippet: str | None = None,
        skill: str | None = None,
        cell: int | None = None,
    ) -> None:
        """Record one piece of evidence; one per detector and line, the first wins.

        ``cell`` (notebooks) points at a cell directly, with ``line`` inside that cell: for
        evidence in markdown cells, which have no lines in the joined code source.
        """
        if node is not None:
            line = getattr(node, "lineno", line)
            end_line = getattr(node, "end_lineno", end_line)
        key = (meta.id, line, cell)
        if key in self._seen:
            return
        self._seen.add(key)
        if snippet is None:
            snippet = self.document.snippet(line, end_line) if line and cell is None else ""
        if line and cell is None:
            cited = lines_sha256(self.document.lines[line - 1 : end_line or line])
        else:
            cited = lines_sha256(snippet.splitlines())
        # strings shared as models.compact shares them: found here, an item is never rebuilt for it
        self.evidence.append(
            Evidence(
                detector=meta.id,
                skill=sys.intern(skill) if skill else meta.skill,
                location=self.location(line, end_line, cell),
                snippet=snippet,
                confidence=confidence,
                values=shared_values(tuple(values)),
                authored_share=self.authored_share,
                severity=meta.severity,
                remediation=meta.remediation,
                cited_sha256=cited,
            )
        )


class FileDetector:
    """A logic detector: subscribes to node types; one instance per file, so state is safe."""

    meta: ClassVar[DetectorMeta]
    node_types: ClassVar[tuple[type[ast.AST], ...]] = ()
    # Asks for support.evaluation_flow in finish(), in files holding one of these words (and
    # returns early in others, see sees_flow): the engine follows the flow during its walk of
    # exactly the files some selected detector will look at. Empty: the flow is not used.
    flow_gate: ClassVar[tuple[str, ...]] = ()

    def sees_flow(self, ctx: FileContext) -> bool:
        """Whether this file holds one of flow_gate's words (the engine followed the flow for it)."""
        return ctx.mentions(self.flow_gate)

    def visit(self, node: ast.AST, ctx: FileContext) -> None:  # pragma: no cover - interface
        """Called for every node of a subscribed type, in source order."""

    def wants_call(self, target: CallTarget) -> bool:
        """Whether a call resolving to ``target`` can matter to ``visit`` (True: hand it every call).

        Half a dozen detectors subscribe to calls and most calls (``print``, ``df.head``) matter to
        none: the engine hands a call only to the detectors that want its target. The answer must
        depend on ``target`` and on what ``call_key`` names alone (the engine remembers it across
        files); ``visit`` keeps its own checks, this is only a necessary condition.
        """
        return True

    def call_key(self) -> object:
        """What ``wants_call``'s answers depend on besides the target: the class, unless configured."""
        return type(self)

    def finish(self, ctx: FileContext) -> None:
        """Called once after the walk, e.g. to look at notebook outputs or what was seen."""


READ_TEXT_LIMIT = 512_000  # bytes of a file RepoContext.read_text returns by default


@dataclass(frozen=True, slots=True)
class TextProbe:
    """A yes/no question a repository detector asks of a code file's text (``read_text``'s).

    The file pass answers it for every file it reads (with these suffixes), in the worker that
    already holds the bytes, so the detector does not read every module of a project again.
    ``check`` must be a pure function of the text: its answer is cached with the file's result.
    ``where``, when given, narrows the files asked to the paths the detector reads at all (the
    question is then never paid for on every other module).
    """

    check: Callable[[str], bool]
    suffixes: tuple[str, ...]
    where: Callable[[str], bool] | None = None

    def asks(self, path: str) -> bool:
        """Whether the file pass answers this probe for ``path``."""
        return path.endswith(self.suffixes) and (self.where is None or self.where(path))

    @property
    def key(self) -> str:
        return f"{self.check.__module__}.{self.check.__qualname__}"


@dataclass(slots=True)
class RepoContext:
    """A project's files, for detectors that look at what exists rather than at code."""

    source: Source
    file_evidence: tuple[Evidence, ...]  # what the file detectors found, for context
    evidence: list[Evidence] = field(default_factory=list)
    _paths: tuple[str, ...] | None = None
    # path → keys of the TextProbes true for that file, for the files the file pass answered them
    probed: Mapping[str, frozenset[str]] = field(default_factory=dict)
    _found_by: frozenset[str] | None = None  # ids of the detectors in file_evidence

    @property
    def paths(self) -> tuple[str, ...]:
        """Every collected file, relative to the root, forward slashes, sorted."""
        if self._paths is None:
            self._paths = tuple(sorted(f.path for f in self.source.files))
        return self._paths

    def read_text(self, path: str, limit: int = READ_TEXT_LIMIT) -> str:
        """Read a small project file; a file we cannot read reads as empty."""
        try:
            with open(self.source.root / path, "rb") as handle:
                return handle.read(limit).decode("utf-8", errors="replace")
        except OSError:
            return ""

    def _answered(self, path: str, probe: TextProbe) -> bool | None:
        """The file pass's answer to ``probe`` for ``path``; None when it was not asked there."""
        known = self.probed.get(path)
        if known is None or not probe.asks(path):
            return None
        return probe.key in known

    def probe(self, path: str, probe: TextProbe) -> bool:
        """``probe.check(self.read_text(path))``, answered by the file pass when it read the file."""
        answer = self._answered(path, probe)
        return probe.check(self.read_text(path)) if answer is None else answer

    def probe_any(self, paths: Iterable[str], probe: TextProbe) -> bool:
        """Whether ``probe`` says yes for any of ``paths``: the file pass's answers first, then files read in order."""
        unanswered = []
        for path in paths:
            answer = self._answered(path, probe)
            if answer:
                return True
            if answer is None:
                unanswered.append(path)
        return any(probe.check(self.read_text(path)) for path in unanswered)

    def has_evidence(self, *prefixes: str) -> bool:
        if self._found_by is None:  # a big project holds tens of thousands of items: scanned once
            self._found_by = frozenset(e.detector for e in self.file_evidence)
        return any(detector.startswith(prefixes) for detector in self._found_by)

    def emit(
        self,
        meta: DetectorMeta,
        path: str,
        line: int | None,
        snippet: str,
        confidence: Confidence = Confidence.HIGH,
        values: Iterable[tuple[str, str]] = (),
        *,
        skill: str | None = None,
        end_line: int | None = None,
    ) -> None:
        found = self.source.file(path) if path else None
        authorship = found.authorship if found else None
        if path and line:
            cited = lines_sha256(self.read_text(path).splitlines()[line - 1 : end_line or line])
        else:
            cited = lines_sha256(snippet.splitlines())
        self.evidence.append(
            Evidence(
                detector=meta.id,
                skill=skill or meta.skill,
                location=Location(self.source.info.name, self.source.commit_for(path), path, line, end_line),
                snippet=snippet,
                confidence=confidence,
                values=tuple(values),
                authored_share=authorship.share if authorship else None,
                severity=meta.severity,
                remediation=meta.remediation,
                cited_sha256=cited,
            )
        )


class RepoDetector:
    meta: ClassVar[DetectorMeta]
    # Questions about every code file's text that check() asks through RepoContext.probe.
    text_probes: ClassVar[tuple[TextProbe, ...]] = ()

    def check(self, repo: RepoContext) -> None:  # pragma: no cover - interface
        """Look at the project and emit evidence through ``repo.emit``."""
