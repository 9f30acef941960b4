"""Run every file detector over one Document in a single walk of its tree."""

from __future__ import annotations

import ast
from collections.abc import Sequence

from proofolio.detectors.base import FileContext, FileDetector
from proofolio.detectors.treewalk import branches
from proofolio.documents.base import Document, DocumentProblem
from proofolio.models import Evidence


class _Leave:
    """Marker pushed under an assignment's children: reached once its whole subtree is walked."""

    __slots__ = ("node",)

    def __init__(self, node: ast.AST) -> None:
        self.node = node


_ASSIGNMENTS = (ast.Assign, ast.AnnAssign)


def _walk_with_exits(tree: ast.AST, wanted: frozenset[type]):  # type: ignore[no-untyped-def]
    """Pre-order, source-order walk over the ``wanted`` node types, yielding (node, False); plus
    (assignment, True) after an assignment's subtree.

    Children are read straight from each type's child fields (what ast.iter_child_nodes does,
    without its generator overhead) and leaves (names, constants) are never visited: this
    walk is the hot loop of the whole analysis.
    """
    stack: list[object] = [tree]
    pop, push, extend = stack.pop, stack.append, stack.extend
    leave, assignments = _Leave, _ASSIGNMENTS
    while stack:
        node = pop()
        cls = node.__class__
        if cls is leave:
            yield node.node, True  # type: ignore[attr-defined]
            continue
        if cls in wanted:
            yield node, False
        if cls in assignments:
            push(leave(node))  # type: ignore[arg-type]
        children = branches(node)  # type: ignore[arg-type]
        children.reverse()
        extend(children)


def detect_file(
    document: Document,
    detectors: Sequence[FileDetector],
    repo: str,
    commit: str | None,
    authored_share: float | None = None,
) -> tuple[list[Evidence], list[DocumentProblem]]:
    """All evidence the detectors find in one document, and the detectors that failed on it."""
    ctx = FileContext(document, repo, commit, authored_share)
    problems: list[DocumentProblem] = []
    dispatch: dict[type[ast.AST], list[FileDetector]] = {}
    for detector in detectors:
        for node_type in detector.node_types:
            dispatch.setdefault(node_type, []).append(detector)
    failed: set[int] = set()

    def fail(detector: FileDetector, exc: Exception) -> None:
        failed.add(id(detector))
        for handlers in dispatch.values():  # a failed detector sees no further node of this file
            if detector in handlers:
                handlers.remove(detector)
        name = getattr(detector, "meta", None)
        label = name.id if name is not None else type(detector).__name__
        problems.append(DocumentProblem("detector-error", f"{label} failed: {type(exc).__name__}: {exc}"))

    if document.tree is not None:
        wanted = frozenset({*dispatch, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})
        functions, classes = (ast.FunctionDef, ast.AsyncFunctionDef), ast.ClassDef
        for node, leaving in _walk_with_exits(document.tree, wanted):
            if leaving:
                # the right-hand side was evaluated (and visited) before the name is bound:
                # `df = clean(df.dropna())` still sees `df` as a DataFrame inside the call
                ctx.note_assignment(node)  # type: ignore[arg-type]
                continue
            kind = node.__class__
            if kind in functions:
                ctx.note_parameters(node)  # type: ignore[arg-type]
            elif kind is classes:
                ctx.local_classes.add(node.name)  # type: ignore[attr-defined]
            handlers = dispatch.get(kind)
            if not handlers:
                continue
            ctx.current, ctx._current_target = node, None
            for detector in tuple(handlers):
                try:
                    detector.visit(node, ctx)
                except Exception as exc:  # a detector bug must not lose the file
                    fail(detector, exc)
            ctx.current = None
    for detector in detectors:
        if id(detector) in failed:
            continue
        try:
            detector.finish(ctx)
        except Exception as exc:
            fail(detector, exc)
    return ctx.evidence, problems
