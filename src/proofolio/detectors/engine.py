"""Run every file detector over one Document in a single walk of its tree."""

from __future__ import annotations

import ast
from collections.abc import Sequence

from proofolio.detectors.base import FileContext, FileDetector
from proofolio.documents.base import Document, DocumentProblem
from proofolio.models import Evidence


def walk_in_order(tree: ast.AST):  # type: ignore[no-untyped-def]
    """Pre-order, source-order walk without recursion (deep candidate code cannot overflow it)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        children = list(ast.iter_child_nodes(node))
        children.reverse()
        stack.extend(children)


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
        name = getattr(detector, "meta", None)
        label = name.id if name is not None else type(detector).__name__
        problems.append(DocumentProblem("detector-error", f"{label} failed: {type(exc).__name__}: {exc}"))

    if document.tree is not None:
        for node in walk_in_order(document.tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                ctx.note_assignment(node)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                ctx.note_parameters(node)
            for detector in dispatch.get(type(node), ()):
                if id(detector) in failed:
                    continue
                try:
                    detector.visit(node, ctx)
                except Exception as exc:  # a detector bug must not lose the file
                    fail(detector, exc)
    for detector in detectors:
        if id(detector) in failed:
            continue
        try:
            detector.finish(ctx)
        except Exception as exc:
            fail(detector, exc)
    return ctx.evidence, problems
