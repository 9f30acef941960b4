"""radon's complexity and maintainability of a candidate's .py module, in one cheap pass.

Shown as supporting values on PY evidence, never scored. radon's own visitors walk the tree
twice, recursively, at a cost that was a quarter of a cold run (docs/performance.md); the
single iterative pass here applies radon's rules (cyclomatic complexity per function, method
and class; Halstead operators and operands for the volume) and keeps radon's formulas for the
maintainability index and its rank. tests/unit/test_code_metrics.py holds it to radon's numbers
on real modules. `radon raw`/`mi` is also super-linear on data-like files (a 267 KiB results
table took 22 s), so the maintainability index is skipped on large files and on files that
are mostly literals.
"""

from __future__ import annotations

import ast

import math
from dataclasses import dataclass, field

from radon.metrics import mi_compute, mi_rank

from proofolio.detectors.treewalk import branches
from proofolio.documents.base import Document

MI_MAX_BYTES = 100_000
MI_MAX_LITERAL_SHARE = 0.5  # share of table-row-like lines beyond which a file is data


@dataclass(slots=True)
class _LineCounts:
    code: int = 0  # non-blank lines that are not comments
    comments: int = 0  # `#` lines
    table_rows: int = 0  # code lines that look like rows of a literal table


def _count_lines(lines: list[str]) -> _LineCounts:
    """One pass over the text: code lines, comment lines and lines that look like table rows.

    Rows (`(1, 2, 'a'),`, `"key": 3,`) are what make a module data rather than code: data
    modules (embedded tables, arrays) make maintainability meaningless, and their lines end in commas.
    """
    counts = _LineCounts()
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if text[0] == "#":
            counts.comments += 1
            continue
        counts.code += 1
        if text.endswith((",", "[", "{", "(")) or text[0] in "([{'\"0123456789-":
            counts.table_rows += 1
    return counts


@dataclass(slots=True)
class _Block:
    """A function, method or class as radon reports it."""

    name: str
    decisions: int = 0
    methods: list[_Block] = field(default_factory=list)
    is_class: bool = False

    @property
    def real_complexity(self) -> int:
        return 1 + self.decisions + sum(m.complexity for m in self.methods)

    @property
    def complexity(self) -> int:
        if not self.is_class:
            return 1 + self.decisions
        if not self.methods:
            return self.real_complexity
        return int(self.real_complexity / len(self.methods)) + (len(self.methods) > 1)


@dataclass(slots=True)
class Metrics:
    blocks: list[_Block]  # top-level functions, classes and their methods (radon's `blocks`)
    total_complexity: int  # radon's ComplexityVisitor.total_complexity
    volume: float  # radon's Halstead volume of the whole module
    statements: int  # logical lines, approximated by statements
    string_lines: int  # lines of multi-line string statements (docstrings), counted as comments


_IGNORED = _Block("<not counted>")  # closures, nested classes, assert bodies: radon counts them nowhere
_OPERAND_FIELD = {ast.Name: "id", ast.Attribute: "attr", ast.Constant: "value"}
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _decisions(node: ast.AST) -> int:
    """Decision points radon's ComplexityVisitor adds for one node."""
    kind = node.__class__
    if kind is ast.If or kind is ast.IfExp:
        return 1
    if kind is ast.For or kind is ast.While or kind is ast.AsyncFor:
        return 1 + bool(node.orelse)  # type: ignore[attr-defined]
    if kind is ast.comprehension:
        return 1 + len(node.ifs)  # type: ignore[attr-defined]
    if kind is ast.BoolOp:
        return len(node.values) - 1  # type: ignore[attr-defined]
    if kind is ast.Try:
        return len(node.handlers) + bool(node.orelse)  # type: ignore[attr-defined]
    if kind is ast.Match:
        wildcard = any(getattr(case.pattern, "pattern", False) is None for case in node.cases)  # type: ignore[attr-defined]
        return max(0, len(node.cases) - wildcard)  # type: ignore[attr-defined]
    return 0


def measure(tree: ast.Module) -> Metrics:
    """Complexity blocks, total complexity and Halstead volume in one iterative walk."""
    blocks: list[_Block] = []
    functions: list[_Block] = []
    classes: list[_Block] = []
    module = _Block("<module>")
    operators = operands = 0
    operators_seen: set[str] = set()
    operands_seen: set[tuple[str | None, object]] = set()
    # (node, block its decisions count for, what that block is, Halstead context = innermost function)
    statements = string_lines = 0
    stack: list[tuple[ast.AST, _Block, str, str | None]] = [(tree, module, "module", None)]
    while stack:
        node, owner, role, context = stack.pop()
        kind = node.__class__
        if isinstance(node, ast.stmt):
            statements += 1
            if kind is ast.Expr and node.value.__class__ is ast.Constant and isinstance(node.value.value, str):  # type: ignore[attr-defined]
                end = node.end_lineno or node.lineno
                string_lines += end - node.lineno + 1 if end > node.lineno else 0
        if kind in _FUNCTIONS:
            name = node.name  # type: ignore[attr-defined]
            if role == "module":
                block = _Block(name)
                functions.append(block)
            elif role == "class":
                block = _Block(name)
                owner.methods.append(block)
            else:
                block = _IGNORED
            stack.extend((child, block, "function", name) for child in reversed(node.body))  # type: ignore[attr-defined]
            continue
        if kind is ast.ClassDef:
            if role == "module":
                block = _Block(node.name, is_class=True)  # type: ignore[attr-defined]
                classes.append(block)
                stack.extend((child, block, "class", context) for child in reversed(node.body))  # type: ignore[attr-defined]
            else:
                stack.extend((child, _IGNORED, "ignored", context) for child in reversed(node.body))  # type: ignore[attr-defined]
            continue
        if kind is ast.Assert:
            owner.decisions += 1
            owner, role = _IGNORED, "ignored"  # radon does not look inside an assert
        else:
            owner.decisions += _decisions(node)
        found: tuple[ast.AST, ...] | list[ast.AST] = ()
        if kind is ast.BinOp:
            operators, operands = operators + 1, operands + 2
            operators_seen.add(node.op.__class__.__name__)  # type: ignore[attr-defined]
            found = (node.left, node.right)  # type: ignore[attr-defined]
        elif kind is ast.Compare:
            operators, operands = operators + len(node.ops), operands + len(node.comparators) + 1  # type: ignore[attr-defined]
            operators_seen.update(op.__class__.__name__ for op in node.ops)  # type: ignore[attr-defined]
            found = [*node.comparators, node.left]  # type: ignore[attr-defined]
        elif kind is ast.BoolOp:
            operators, operands = operators + 1, operands + len(node.values)  # type: ignore[attr-defined]
            operators_seen.add(node.op.__class__.__name__)  # type: ignore[attr-defined]
            found = node.values  # type: ignore[attr-defined]
        elif kind is ast.UnaryOp:
            operators, operands = operators + 1, operands + 1
            operators_seen.add(node.op.__class__.__name__)  # type: ignore[attr-defined]
            found = (node.operand,)  # type: ignore[attr-defined]
        elif kind is ast.AugAssign:
            operators, operands = operators + 1, operands + 2
            operators_seen.add(node.op.__class__.__name__)  # type: ignore[attr-defined]
            found = (node.target, node.value)  # type: ignore[attr-defined]
        for operand in found:
            attribute = _OPERAND_FIELD.get(operand.__class__)
            operands_seen.add((context, getattr(operand, attribute) if attribute else id(operand)))
        children = branches(node)
        stack.extend((child, owner, role, context) for child in reversed(children))
    all_blocks: list[_Block] = [*functions]
    for cls in classes:
        all_blocks += [cls, *cls.methods]
    total = 1 + module.decisions + sum(f.complexity - 1 for f in functions) + sum(c.real_complexity - 1 for c in classes)
    vocabulary = len(operators_seen) + len(operands_seen)
    volume = (operators + operands) * math.log2(vocabulary) if vocabulary else 0.0
    return Metrics(all_blocks, total, volume, statements, string_lines)


def code_metrics(document: Document) -> tuple[tuple[str, str], ...]:
    """(`cc_average`, `cc_max`, `cc_max_block`, `mi`, `mi_rank`) values; () for notebooks or unparsed code.

    The maintainability index uses radon's formula with LLOC = statements and comments = `#`
    lines + multi-line string statements, instead of radon's own re-parse + tokenize pass.
    So `mi` is close to, not identical with, `radon mi`.
    """
    if document.kind != "python" or document.tree is None:
        return ()
    values: list[tuple[str, str]] = []
    try:
        metrics = measure(document.tree)
    except RecursionError:  # pragma: no cover - the walk is iterative; kept as a safety net
        return ()
    blocks = metrics.blocks
    if blocks:
        worst = max(blocks, key=lambda b: b.complexity)
        average = sum(b.complexity for b in blocks) / len(blocks)
        values += [("cc_average", f"{average:.1f}"), ("cc_max", str(worst.complexity)), ("cc_max_block", worst.name)]
    if len(document.source) > MI_MAX_BYTES:  # characters: close enough to bytes for a size cap
        return tuple(values)
    lines = _count_lines(document.lines)
    if lines.code and lines.table_rows / lines.code > MI_MAX_LITERAL_SHARE:
        return tuple(values)
    comments = (lines.comments + metrics.string_lines) / lines.code * 100 if lines.code else 0.0
    index = mi_compute(metrics.volume, metrics.total_complexity, metrics.statements, comments)
    values += [("mi", f"{index:.0f}"), ("mi_rank", mi_rank(index))]
    return tuple(values)
