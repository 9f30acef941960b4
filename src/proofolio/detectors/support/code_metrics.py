"""radon's complexity and maintainability of a candidate's .py module, in one cheap pass.

Shown as supporting values on PY evidence, never scored. radon's own visitors walk the tree
twice, recursively, at a cost that was a quarter of a cold run (docs/performance.md); the
single iterative pass here applies radon's rules (cyclomatic complexity per function, method
and class; Halstead operators and operands for the volume) and keeps radon's formulas for the
maintainability index and its rank. The pass dispatches on each node's type to a code and a
child reader learnt once per type, and keeps the enclosing function, class or assert in a
scope object pushed on the stack under its body, so ordinary nodes cost a pop, a dict lookup
and one C-level read of their children. tests/unit/test_code_metrics.py holds it to radon's numbers
on real modules. `radon raw`/`mi` is also super-linear on data-like files (a 267 KiB results
table took 22 s), so the maintainability index is skipped on large files and on files that
are mostly literals.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from radon.metrics import mi_compute, mi_rank

from proofolio.detectors.treewalk import LEAF_TYPES, child_fields
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
    code = comments = table_rows = 0
    for text in map(str.strip, lines):
        if not text:
            continue
        first = text[0]
        if first == "#":
            comments += 1
            continue
        code += 1
        if first in "([{'\"0123456789-" or text[-1] in ",[{(":
            table_rows += 1
    return _LineCounts(code, comments, table_rows)


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
    operators: int = 0  # Halstead N1: operator occurrences
    operands: int = 0  # Halstead N2: operand occurrences
    distinct_operators: int = 0  # Halstead h1
    distinct_operands: int = 0  # Halstead h2


# What the walk does with a node, by type: a code and a reader of the fields that may hold nodes.
_LEAF = 0  # names, constants and plain field values (None, identifiers): nothing to count or visit
_NODE = 1  # a node that counts for nothing: visit the children its reader returns
_NODE1 = 2  # the same, its reader returning the value of its only child field (pushed as it is)
_EXPR = 3  # statements from here to _BARE; an expression statement: a string alone is a docstring
_STATEMENT = 4  # a statement that counts for nothing but itself
_STATEMENT1 = 5  # the same, its reader returning the value of its only child field
_BARE = 6  # a statement that holds no node (pass, import, global)
_IF = 7  # If, IfExp: one decision
_LOOP = 8  # For, AsyncFor, While: one decision, one more for an `else`
_COMPREHENSION = 9  # one decision, one per `if`
_BINOP = 10  # Halstead: one operator, two operands
_COMPARE = 11  # Halstead: an operator and an operand per comparison, plus the left operand
_BOOLOP = 12  # decisions and Halstead
_UNARYOP = 13  # Halstead: one operator, one operand
_AUGASSIGN = 14  # Halstead: one operator, two operands
_TRY = 15  # a decision per handler, one more for an `else`
_MATCH = 16  # a decision per case, one less if a case is a bare capture
_SCOPE = 17  # functions, classes and asserts: their insides are walked in a scope of their own
_EXIT = 18  # the scope a body was entered from (a _Scope), popped when the body is done

_CODES: dict[type, int] = {
    ast.Expr: _EXPR, ast.If: _IF, ast.IfExp: _IF, ast.For: _LOOP, ast.AsyncFor: _LOOP, ast.While: _LOOP,
    ast.comprehension: _COMPREHENSION, ast.BinOp: _BINOP, ast.Compare: _COMPARE, ast.BoolOp: _BOOLOP,
    ast.UnaryOp: _UNARYOP, ast.AugAssign: _AUGASSIGN, ast.Try: _TRY, ast.Match: _MATCH, ast.Assert: _SCOPE,
    ast.FunctionDef: _SCOPE, ast.AsyncFunctionDef: _SCOPE, ast.ClassDef: _SCOPE,
}
# Node types that never hold a node (the grammar gives them identifiers and aliases only).
_CHILDLESS = frozenset({ast.alias, ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.Pass, ast.Break, ast.Continue})
# radon looks only at the body of a definition, not at its decorators, arguments, annotations or bases.
_BODY_ONLY = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})
_RULES: dict[type, tuple[int, Callable[[Any], Any]]] = {}
# Halstead operand identity: a name, an attribute or a constant by its value, anything else by itself.
_OPERAND_KEY: dict[type, Callable[[Any], object]] = {
    ast.Name: attrgetter("id"), ast.Attribute: attrgetter("attr"), ast.Constant: attrgetter("value"),
}
_PLAIN_VALUES = (str, int, float, complex, bytes, bool)  # identifier, string, int and constant fields


def _no_children(node: object) -> tuple[()]:
    return ()


def _node_fields(node: ast.AST) -> list[tuple[str, bool]]:
    """(name, holds a list) of the fields of ``node``'s type that may hold a node, in field order.

    Learnt from the first node of the type: a field holding an identifier or a number never
    holds a node; one holding None may, in another node.
    """
    fields = []
    for name in child_fields(node.__class__):
        value = getattr(node, name, None)
        if not isinstance(value, _PLAIN_VALUES):
            fields.append((name, isinstance(value, list)))
    return fields


def _reader(fields: list[tuple[str, bool]]) -> Callable[[Any], Sequence[Any]]:
    """A function returning those fields' values as one sequence, lists spliced in, unfiltered.

    With one list or no list a C attrgetter does it; otherwise the function is generated once per node
    type from field names of the ast module (never from the analysed code). The None,
    identifiers, names and constants returned are dismissed by the walk as leaves, which is
    cheaper than filtering them here.
    """
    if not fields:
        return _no_children
    if len(fields) == 1 and fields[0][1]:  # the list itself
        return attrgetter(fields[0][0])
    if len(fields) > 1 and not any(is_list for _, is_list in fields):  # a tuple of the values
        return attrgetter(*(name for name, _ in fields))
    parts = ", ".join(f"*node.{name}" if is_list else f"node.{name}" for name, is_list in fields)
    namespace: dict[str, object] = {}
    exec(f"def read(node):\n    return [{parts}]", namespace)  # noqa: S102 - ast field names only
    return namespace["read"]  # type: ignore[return-value]


def _rule(node: object) -> tuple[int, Callable[[Any], Any]]:
    """What the walk does with nodes (or field values) of ``node``'s type; learnt at the first one seen."""
    kind = node.__class__
    if kind in LEAF_TYPES or not isinstance(node, ast.AST):
        rule: tuple[int, Callable[[Any], Any]] = (_LEAF, _no_children)
    else:
        fields = [] if kind in _CHILDLESS else [("body", True)] if kind in _BODY_ONLY else _node_fields(node)
        statement = isinstance(node, ast.stmt)
        if kind in _CODES:
            rule = (_CODES[kind], _reader(fields))
        elif not fields:
            rule = (_BARE if statement else _LEAF, _no_children)
        elif len(fields) == 1 and not fields[0][1]:  # one child field: its value is pushed as it is
            rule = (_STATEMENT1 if statement else _NODE1, attrgetter(fields[0][0]))
        else:
            rule = (_STATEMENT if statement else _NODE, _reader(fields))
    _RULES[kind] = rule
    return rule


def _match_decisions(node: ast.Match) -> int:
    """radon's decisions for a match: one per case, minus one if some case is a bare capture (`case _`)."""
    wildcard = any(getattr(case.pattern, "pattern", False) is None for case in node.cases)
    return max(0, len(node.cases) - wildcard)


def _string_lines(node: ast.Expr) -> int:
    """Lines of a string statement spanning more than one line (0 for a one-line string)."""
    end = node.end_lineno or node.lineno
    return end - node.lineno + 1 if end > node.lineno else 0


@dataclass(slots=True)
class _Scope:
    """Where the walk is: the block decisions count for, what it is, and the Halstead context.

    Pushed on the walk's stack under a body it opens a new scope for: popping it returns there.
    """

    owner: _Block  # the block decisions count for (a throwaway one where radon counts them nowhere)
    role: str  # "module", "class", "function" or "ignored": what the enclosing definition is
    context: str | None  # innermost enclosing function name: Halstead operands are distinct per context
    operands: set[object]  # distinct Halstead operands seen in that context


_RULES[_Scope] = (_EXIT, _no_children)


@dataclass(slots=True)
class _Definitions:
    """What the walk collects besides counts.

    Top-level functions and classes come in reverse source order: the walk pops children mirrored.
    """

    functions: list[_Block] = field(default_factory=list)
    classes: list[_Block] = field(default_factory=list)
    operands: dict[str | None, set[object]] = field(default_factory=dict)  # per Halstead context
    ignored: _Block = field(default_factory=lambda: _Block("<not counted>"))  # owner where radon counts nothing


def _enter(node: Any, scope: _Scope, found: _Definitions) -> _Scope:
    """The scope of a definition's body (or an assert's expressions); blocks radon reports are recorded.

    radon counts closures, nested classes and whatever is inside an assert nowhere.
    """
    kind, role = node.__class__, scope.role
    if kind is ast.Assert:
        return _Scope(found.ignored, "ignored", scope.context, scope.operands)
    if kind is ast.ClassDef:
        if role != "module":
            return _Scope(found.ignored, "ignored", scope.context, scope.operands)
        block = _Block(node.name, is_class=True)
        found.classes.append(block)
        return _Scope(block, "class", scope.context, scope.operands)
    if role == "module":
        block = _Block(node.name)
        found.functions.append(block)
    elif role == "class":
        block = _Block(node.name)
        scope.owner.methods.append(block)
    else:
        block = found.ignored
    operands = found.operands.setdefault(node.name, set())
    return _Scope(block, "function", node.name, operands)


def measure(tree: ast.Module) -> Metrics:
    """Complexity blocks, total complexity and Halstead volume in one iterative walk.

    Decisions are counted in a local and added to the scope's block whenever the scope changes.
    Children are pushed in field order, so nodes pop in mirrored order and definitions are met
    in reverse source order (turned around by _metrics()).
    """
    module, found = _Block("<module>"), _Definitions()
    scope = _Scope(module, "module", None, found.operands.setdefault(None, set()))
    stack: list[Any] = [tree]
    pop, push, extend = stack.pop, stack.append, stack.extend
    rules, operand_key, name_type, constant_type = _RULES, _OPERAND_KEY, ast.Name, ast.Constant
    add, operators_seen = scope.operands.add, set()
    decisions = statements = string_lines = operators = operands = 0
    while stack:
        node = pop()
        kind = node.__class__
        if kind is name_type or kind is constant_type:
            continue
        try:
            code, read = rules[kind]
        except KeyError:
            code, read = _rule(node)
        if code == _LEAF:
            continue
        if code == _NODE:
            extend(read(node))
            continue
        if code == _NODE1:
            push(read(node))
            continue
        if code <= _BARE:  # statements
            statements += 1
            if code == _EXPR:
                value = node.value
                if value.__class__ is constant_type:
                    if isinstance(value.value, str):
                        string_lines += _string_lines(node)
                else:
                    push(value)
            elif code == _STATEMENT:
                extend(read(node))
            elif code == _STATEMENT1:
                push(read(node))
            continue
        if code == _BINOP or code == _AUGASSIGN:  # an operator and its two operands: `a + b`, `a += b`
            if code == _BINOP:
                left, right = node.left, node.right
            else:
                statements += 1
                left, right = node.target, node.value
            operators += 1
            operands += 2
            operators_seen.add(node.op.__class__)
            add(operand_key.get(left.__class__, id)(left))
            add(operand_key.get(right.__class__, id)(right))
            push(left)
            push(right)
        elif code == _IF:
            statements += kind is ast.If
            decisions += 1
            extend(read(node))
        elif code == _COMPARE:
            ops, comparators = node.ops, node.comparators
            operators += len(ops)
            operands += len(comparators) + 1
            operators_seen.update(map(type, ops))
            left = node.left
            add(operand_key.get(left.__class__, id)(left))
            for right in comparators:
                add(operand_key.get(right.__class__, id)(right))
            push(left)
            extend(comparators)
        elif code == _SCOPE:  # a function, class or assert: its body is walked in a scope of its own
            statements += 1
            decisions += kind is ast.Assert  # radon counts an assert and does not look inside it
            scope.owner.decisions += decisions
            decisions = 0
            push(scope)
            scope = _enter(node, scope, found)
            add = scope.operands.add
            extend(read(node))
        elif code == _EXIT:  # back from a definition's body to the scope popped
            scope.owner.decisions += decisions
            decisions = 0
            scope = node
            add = scope.operands.add
        elif code == _COMPREHENSION:
            decisions += 1 + len(node.ifs)
            extend(read(node))
        elif code == _BOOLOP:
            values = node.values
            decisions += len(values) - 1
            operators += 1
            operands += len(values)
            operators_seen.add(node.op.__class__)
            for value in values:
                add(operand_key.get(value.__class__, id)(value))
            extend(values)
        elif code == _UNARYOP:
            operators += 1
            operands += 1
            operators_seen.add(node.op.__class__)
            value = node.operand
            add(operand_key.get(value.__class__, id)(value))
            push(value)
        else:
            statements += 1
            if code == _LOOP:
                decisions += 1 + bool(node.orelse)
            elif code == _TRY:
                decisions += len(node.handlers) + bool(node.orelse)
            elif code == _MATCH:
                decisions += _match_decisions(node)
            extend(read(node))
    scope.owner.decisions += decisions
    halstead = (operators, operands, len(operators_seen), sum(map(len, found.operands.values())))
    return _metrics(module, found, statements, string_lines, halstead)


def _metrics(module: _Block, found: _Definitions, statements: int, string_lines: int,
             halstead: tuple[int, int, int, int]) -> Metrics:
    """radon's blocks (source order), total complexity and Halstead volume from the walk's counts."""
    functions, classes = found.functions[::-1], found.classes[::-1]
    blocks: list[_Block] = [*functions]
    for cls in classes:
        cls.methods.reverse()
        blocks += [cls, *cls.methods]
    total = 1 + module.decisions + sum(f.complexity - 1 for f in functions) + sum(c.real_complexity - 1 for c in classes)
    operators, operands, distinct_operators, distinct_operands = halstead  # contexts never share an operand
    vocabulary = distinct_operators + distinct_operands
    volume = (operators + operands) * math.log2(vocabulary) if vocabulary else 0.0
    return Metrics(blocks, total, volume, statements, string_lines, operators, operands, distinct_operators,
                   distinct_operands)


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
