"""Run every file detector over one Document in a single walk of its tree."""

from __future__ import annotations

import ast
import sys
from collections.abc import Sequence

from proofolio.detectors.base import CallTarget, FileContext, FileDetector
from proofolio.detectors.catalog import CatalogRunner
from proofolio.detectors.support.evaluation_flow import FLOW_KEY, EvaluationFlow, FlowFailed, FlowTracker
from proofolio.detectors.treewalk import PUSHERS, push_children
from proofolio.documents.base import Document, DocumentProblem
from proofolio.models import Evidence


class _Leave:
    """Marker pushed under an assignment's children: reached once its whole subtree is walked."""

    __slots__ = ("node",)

    def __init__(self, node: ast.AST) -> None:
        self.node = node


_ASSIGNMENTS = frozenset({ast.Assign, ast.AnnAssign, ast.AugAssign})
# Which call detectors want a call target, by the detectors' call_keys: asked once per distinct
# target per run, not once per call per detector. Bounded: hostile code cannot grow it forever.
_CALL_INTEREST: dict[tuple[object, ...], dict[CallTarget, tuple[int, ...]]] = {}
CALL_INTEREST_SIZE = 50_000


def follow_flow(ctx: FileContext) -> None:
    """Walk the file for its evaluation flow alone (a context built outside detect_file)."""
    _walk(ctx, [], FlowTracker(ctx), [])


def detect_file(
    document: Document,
    detectors: Sequence[FileDetector],
    repo: str,
    commit: str | None,
    authored_share: float | None = None,
) -> tuple[list[Evidence], list[DocumentProblem]]:
    """All evidence the detectors find in one document, and the detectors that failed on it."""
    # shared strings in every Location (models.compact): a task's are already, a caller's may not be
    ctx = FileContext(document, sys.intern(repo), sys.intern(commit) if commit else commit, authored_share)
    if document.imports.star_modules:
        ctx.knows = next((d.knows for d in detectors if isinstance(d, CatalogRunner)), None)
    problems: list[DocumentProblem] = []
    tracker = None
    consumers = [d for d in detectors if d.flow_gate]
    if consumers:
        if document.tree is not None and any(d.sees_flow(ctx) for d in consumers):
            tracker = FlowTracker(ctx)
        else:  # no consumer looks at a file without its gate words: nothing to follow
            ctx.shared[FLOW_KEY] = EvaluationFlow()
    failed = _walk(ctx, detectors, tracker, problems)
    for detector in detectors:
        if id(detector) in failed:
            continue
        try:
            detector.finish(ctx)
        except Exception as exc:
            _record_failure(detector, exc, problems)
    return ctx.evidence, problems


def _record_failure(detector: FileDetector, exc: Exception, problems: list[DocumentProblem]) -> None:
    name = getattr(detector, "meta", None)
    label = name.id if name is not None else type(detector).__name__
    problems.append(DocumentProblem("detector-error", f"{label} failed: {type(exc).__name__}: {exc}"))


def _interested(detectors: Sequence[FileDetector], target: CallTarget) -> tuple[int, ...]:
    """Positions of the detectors that want a call to ``target`` (one that cannot say: it gets it)."""
    chosen = []
    for position, detector in enumerate(detectors):
        try:
            wanted = detector.wants_call(target)
        except Exception:  # noqa: BLE001 - visit() then meets the same bug and fails visibly, alone
            wanted = True
        if wanted:
            chosen.append(position)
    return tuple(chosen)


def _walk(
    ctx: FileContext, detectors: Sequence[FileDetector], tracker: FlowTracker | None, problems: list[DocumentProblem]
) -> set[int]:
    """The one walk: hand each node to its subscribers; returns the ids of detectors that failed.

    With a flow tracker, it follows the evaluation flow in the same walk and shares it as
    ``ctx.shared[FLOW_KEY]`` (a FlowFailed if it raised: its consumers then fail visibly).
    """
    document = ctx.document
    dispatch: dict[type[ast.AST], list[FileDetector]] = {}
    handlers_of: list[FileDetector] = [tracker, *detectors] if tracker is not None else list(detectors)  # type: ignore[list-item]
    for detector in handlers_of:
        for node_type in detector.node_types:
            dispatch.setdefault(node_type, []).append(detector)
    failed: set[int] = set()
    # Calls go to the tracker, then to the call detectors that want their target (in subscription order).
    call_detectors: list[FileDetector | None] = [d for d in detectors if ast.Call in d.node_types]
    interest = _CALL_INTEREST.setdefault(tuple(d.call_key() for d in call_detectors), {})  # type: ignore[union-attr]

    def call_handlers(node: ast.Call) -> list[FileDetector]:
        """The handlers of one call: the tracker (it follows every call) and the detectors that want it."""
        try:
            target = ctx.call_target(node)
        except Exception:  # noqa: BLE001 - each handler asks again and fails alone, as without the filter
            return list(dispatch.get(ast.Call, ()))
        chosen = interest.get(target)
        if chosen is None:
            if len(interest) >= CALL_INTEREST_SIZE:
                interest.clear()
            chosen = interest[target] = _interested(call_detectors, target)  # type: ignore[arg-type]
        handlers: list[FileDetector] = [tracker] if tracker is not None else []  # type: ignore[list-item]
        for position in chosen:
            detector = call_detectors[position]
            if detector is not None:
                handlers.append(detector)
        return handlers

    def fail(detector: FileDetector, exc: Exception) -> None:
        nonlocal tracker
        failed.add(id(detector))
        for handlers in dispatch.values():  # a failed detector sees no further node of this file
            if detector in handlers:
                handlers.remove(detector)
        for position, candidate in enumerate(call_detectors):
            if candidate is detector:
                call_detectors[position] = None
        if detector is tracker:
            ctx.shared[FLOW_KEY] = FlowFailed(exc)
            tracker = None
        else:
            _record_failure(detector, exc, problems)

    if document.tree is not None:
        # Pre-order, source-order walk of every node that may hold a call or a statement (names,
        # constants, contexts and operators are never pushed); an assignment is handed back once
        # more, as a _Leave, after its subtree. Written out in full: this loop is the hot path
        # of the whole analysis.
        functions, classes, augmented, call = (ast.FunctionDef, ast.AsyncFunctionDef), ast.ClassDef, ast.AugAssign, ast.Call
        assignments, leave_marker, pushers = _ASSIGNMENTS, _Leave, PUSHERS
        stack: list[object] = [document.tree]
        pop, extend, append = stack.pop, stack.extend, stack.append
        while stack:
            node = pop()
            kind = node.__class__
            if kind is leave_marker:
                node = node.node  # type: ignore[attr-defined]
                # the right-hand side was evaluated (and visited) before the name is bound:
                # `df = clean(df.dropna())` still sees `df` as a DataFrame inside the call
                if tracker is not None:
                    try:
                        tracker.leave(node)  # type: ignore[arg-type]
                    except Exception as exc:
                        fail(tracker, exc)  # type: ignore[arg-type]
                ctx.assignment = None
                if node.__class__ is not augmented:
                    ctx.note_assignment(node)  # type: ignore[arg-type]
                continue
            if kind in assignments:
                append(leave_marker(node))  # type: ignore[arg-type]
                ctx.assignment = node  # type: ignore[assignment]  # statements never nest in an assignment
            pusher = pushers.get(kind)
            if pusher is None:
                push_children(node, extend, append)  # type: ignore[arg-type]  # compiles this type's pusher
            else:
                pusher(node, extend, append)
            if kind in functions:
                ctx.note_parameters(node)  # type: ignore[arg-type]
            elif kind is classes:
                ctx.note_class(node)  # type: ignore[arg-type]
            handlers = dispatch.get(kind)
            if not handlers:
                continue
            ctx.current, ctx._current_target = node, None  # type: ignore[assignment]
            for detector in call_handlers(node) if kind is call else tuple(handlers):  # type: ignore[arg-type]
                try:
                    detector.visit(node, ctx)  # type: ignore[arg-type]
                except Exception as exc:  # a detector bug must not lose the file
                    fail(detector, exc)
            ctx.current = None
    if tracker is not None:
        ctx.shared[FLOW_KEY] = tracker.flow
    return failed
