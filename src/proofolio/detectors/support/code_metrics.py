"""radon complexity and maintainability of a candidate's .py module, bounded so it stays cheap.

Shown as supporting values on PY evidence, never scored. `radon raw`/`mi` is super-linear on
data-like files (a 267 KiB results table took 22 s, docs/performance notes), so the
maintainability index is skipped on large files and on files that are mostly literals.
"""

from __future__ import annotations

import ast

from radon.complexity import cc_visit_ast
from radon.metrics import mi_rank, mi_visit

from proofolio.documents.base import Document

MI_MAX_BYTES = 100_000
MI_MAX_LITERAL_SHARE = 0.5  # share of lines inside list/dict/tuple/set literals beyond which a file is data


def _literal_share(tree: ast.Module, lines: int) -> float:
    covered: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.List, ast.Dict, ast.Tuple, ast.Set)) and node.end_lineno and node.end_lineno > node.lineno:
            covered.update(range(node.lineno, node.end_lineno + 1))
    return len(covered) / lines if lines else 0.0


def code_metrics(document: Document) -> tuple[tuple[str, str], ...]:
    """(`cc_average`, `cc_max`, `cc_max_block`, `mi`, `mi_rank`) values; () for notebooks or unparsed code."""
    if document.kind != "python" or document.tree is None:
        return ()
    values: list[tuple[str, str]] = []
    try:
        blocks = cc_visit_ast(document.tree)
    except Exception:  # noqa: BLE001 - radon on odd-but-valid syntax: the metrics are optional
        blocks = []
    if blocks:
        worst = max(blocks, key=lambda b: b.complexity)
        average = sum(b.complexity for b in blocks) / len(blocks)
        values += [("cc_average", f"{average:.1f}"), ("cc_max", str(worst.complexity)), ("cc_max_block", worst.name)]
    size = len(document.source.encode("utf-8"))
    if size <= MI_MAX_BYTES and _literal_share(document.tree, len(document.lines)) <= MI_MAX_LITERAL_SHARE:
        try:
            index = mi_visit(document.source, True)
        except Exception:  # noqa: BLE001 - optional supporting data
            return tuple(values)
        values += [("mi", f"{index:.0f}"), ("mi_rank", mi_rank(index))]
    return tuple(values)
