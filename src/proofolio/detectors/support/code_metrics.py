"""radon complexity and maintainability of a candidate's .py module, bounded so it stays cheap.

Shown as supporting values on PY evidence, never scored. `radon raw`/`mi` is super-linear on
data-like files (a 267 KiB results table took 22 s, docs/performance notes), so the
maintainability index is skipped on large files and on files that are mostly literals.
"""

from __future__ import annotations

import ast

from radon.metrics import h_visit_ast, mi_compute, mi_rank
from radon.visitors import ComplexityVisitor

from proofolio.documents.base import Document
from proofolio.documents.imports import iter_statements

MI_MAX_BYTES = 100_000
MI_MAX_LITERAL_SHARE = 0.5  # share of table-row-like lines beyond which a file is data


def _data_like_share(lines: list[str]) -> float:
    """Share of non-blank lines that look like rows of a literal table (`(1, 2, 'a'),`, `"key": 3,`).

    A text check, not a tree walk: data modules (embedded tables, arrays) are what make
    maintainability meaningless and radon slow, and their lines end in commas.
    """
    rows = 0
    total = 0
    for line in lines:
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        total += 1
        if text.endswith((",", "[", "{", "(")) or text[0] in "([{'\"0123456789-":
            rows += 1
    return rows / total if total else 0.0


def _statements(tree: ast.Module) -> tuple[int, int]:
    """(logical lines ≈ statements, lines of multi-line string statements ≈ docstrings), statements only."""
    count = 0
    strings = 0
    for node in iter_statements(tree):
        if not isinstance(node, ast.stmt):
            continue
        count += 1
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            end = node.end_lineno or node.lineno
            strings += end - node.lineno + 1 if end > node.lineno else 0
    return count, strings


def code_metrics(document: Document) -> tuple[tuple[str, str], ...]:
    """(`cc_average`, `cc_max`, `cc_max_block`, `mi`, `mi_rank`) values; () for notebooks or unparsed code.

    Everything is computed from the tree the file was parsed into once: radon's complexity and
    Halstead visitors run on it, and the maintainability index uses radon's formula with
    LLOC = statements and comments = `#` lines + multi-line string statements, instead of
    radon's own re-parse + tokenize pass (which was 40% of a cold run, docs/performance.md).
    So `mi` is close to, not identical with, `radon mi`.
    """
    if document.kind != "python" or document.tree is None:
        return ()
    values: list[tuple[str, str]] = []
    try:
        visitor = ComplexityVisitor.from_ast(document.tree)
    except Exception:  # noqa: BLE001 - radon on odd-but-valid syntax: the metrics are optional
        return ()
    blocks = visitor.blocks
    if blocks:
        worst = max(blocks, key=lambda b: b.complexity)
        average = sum(b.complexity for b in blocks) / len(blocks)
        values += [("cc_average", f"{average:.1f}"), ("cc_max", str(worst.complexity)), ("cc_max_block", worst.name)]
    size = len(document.source.encode("utf-8"))
    if size > MI_MAX_BYTES:
        return tuple(values)
    lines = document.lines
    if _data_like_share(lines) > MI_MAX_LITERAL_SHARE:
        return tuple(values)
    code_lines = sum(1 for line in lines if line.strip() and not line.lstrip().startswith("#"))
    statements, docstring_lines = _statements(document.tree)
    comment_lines = sum(1 for line in lines if line.lstrip().startswith("#")) + docstring_lines
    try:
        volume = h_visit_ast(document.tree).total.volume
    except Exception:  # noqa: BLE001 - optional supporting data
        return tuple(values)
    comments = comment_lines / code_lines * 100 if code_lines else 0.0
    index = mi_compute(volume, visitor.total_complexity, statements, comments)
    values += [("mi", f"{index:.0f}"), ("mi_rank", mi_rank(index))]
    return tuple(values)
