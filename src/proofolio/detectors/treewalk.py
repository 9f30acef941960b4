"""Fast iterative walks over a parsed tree, for the analysis' hot loops.

``ast.walk`` and ``ast.iter_child_nodes`` are generators over every field of every node,
contexts and operators included. Detectors look for calls, statements and comparisons: the
walks here read only the fields that can hold such nodes and never descend into leaves
(names, constants, contexts, operators), which are half of a typical tree.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

# Nodes that can hold no statement, call or comparison.
LEAF_TYPES: frozenset[type] = frozenset(
    {ast.Name, ast.Constant, *ast.expr_context.__subclasses__(), *ast.operator.__subclasses__(),
     *ast.unaryop.__subclasses__(), *ast.cmpop.__subclasses__(), *ast.boolop.__subclasses__()}
)
_SKIPPED_FIELDS = frozenset({"ctx", "op", "ops", "type_comment"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def child_fields(node_type: type) -> tuple[str, ...]:
    """The fields of a node type that may hold child nodes, in source order."""
    fields = _CHILD_FIELDS.get(node_type)
    if fields is None:
        fields = tuple(f for f in node_type._fields if f not in _SKIPPED_FIELDS)  # type: ignore[attr-defined]
        _CHILD_FIELDS[node_type] = fields
    return fields


# What a child field may hold that is not a node to walk into: leaves, and the plain values
# of fields like Constant.value, MatchSingleton.value, ImportFrom.level or keyword.arg.
_SKIP: frozenset[type] = LEAF_TYPES | {str, int, bool, float, complex, bytes, type(None), type(...)}
_BRANCHES: dict[type, Callable[[ast.AST], list[ast.AST]]] = {}


def _unrolled(node: ast.AST, header: str, skip: frozenset[type], reverse: bool,
              list_field: str, single_field: str, tail: str) -> Callable:
    """Compile ``header`` + one statement per child field of ``node``'s type + ``tail``.

    Generated once per node type (field names are identifiers from the ast module, never from
    the analysed code): a loop over field names with getattr was the single hottest function
    of a cold run. ``list_field``/``single_field`` are statement templates over ``{f}``; list
    templates test the list first: most are empty (keywords, decorators, orelse), and a
    comprehension over one still costs a call.
    """
    fields = child_fields(node.__class__)
    lines = header.split("\n")
    for name in reversed(fields) if reverse else fields:
        template = list_field if isinstance(getattr(node, name, None), list) else single_field
        lines += template.format(f=name).split("\n")
    lines.append(tail)
    namespace: dict[str, object] = {"SKIP": skip, "ARG": ast.arg}
    exec("\n".join(lines), namespace)  # noqa: S102 - code built from ast field names only
    return namespace["generated"]  # type: ignore[return-value]


def _compile_branches(node: ast.AST) -> Callable[[ast.AST], list[ast.AST]]:
    """A function returning the non-leaf children of nodes of ``node``'s type, in field order."""
    if node.__class__ in LEAF_TYPES or not isinstance(node, ast.AST):
        return _no_branches
    return _children_reader(node, _SKIP)


def _children_reader(node: ast.AST, skip: frozenset[type]) -> Callable[[ast.AST], list[ast.AST]]:
    """A generated function returning the children of nodes of ``node``'s type whose type is not in ``skip``."""
    return _unrolled(
        node, "def generated(node):\n    out = []", skip, False,
        "    v = node.{f}\n    if v:\n        out += [x for x in v if x.__class__ not in SKIP]",
        "    v = node.{f}\n    if v.__class__ not in SKIP:\n        out.append(v)",
        "    return out",
    )


def _no_branches(node: ast.AST) -> list[ast.AST]:
    return []


def branches(node: ast.AST) -> list[ast.AST]:
    """The children of ``node`` that are not leaves, in field order (what ast.iter_child_nodes yields)."""
    compiled = _BRANCHES.get(node.__class__)
    if compiled is None:
        compiled = _BRANCHES[node.__class__] = _compile_branches(node)
    return compiled(node)


# What an expression's operands may be that holds no name: plain values and constants.
_OPERAND_SKIP: frozenset[type] = frozenset({str, int, bool, float, complex, bytes, type(None), type(...), ast.Constant})
_OPERANDS: dict[type, Callable[[ast.AST], list[ast.AST]]] = {}


def _compile_operands(node: ast.AST) -> Callable[[ast.AST], list[ast.AST]]:
    """A function returning the children of nodes of ``node``'s type that may name something."""
    if node.__class__ is ast.Constant or not isinstance(node, ast.AST):
        return _no_branches
    return _children_reader(node, _OPERAND_SKIP)


def operands(node: ast.AST) -> list[ast.AST]:
    """The children of ``node`` but constants, contexts and operators: what a walk for the names an expression reads needs."""
    compiled = _OPERANDS.get(node.__class__)
    if compiled is None:
        compiled = _OPERANDS[node.__class__] = _compile_operands(node)
    return compiled(node)


# Import aliases hold names only: a walk for calls and statements never needs to enter them.
_STACK_SKIP: frozenset[type] = _SKIP | {ast.alias}
# compiled pushers by node type; the engine's hot loop reads it directly
PUSHERS: dict[type, Callable[[ast.AST, Callable, Callable], None]] = {}


def _compile_pusher(node: ast.AST) -> Callable[[ast.AST, Callable, Callable], None]:
    """A function pushing the non-leaf children of nodes of ``node``'s type on a stack, last first,
    so that they pop in source order."""
    if node.__class__ in _STACK_SKIP or not isinstance(node, ast.AST):
        return _push_nothing
    if node.__class__ is ast.arguments:
        # A parameter holds a call only in its annotation (`x: Annotated[int, Field()]`): one without
        # an annotation, or annotated with a bare name, is a leaf too. A sixth of the walk's nodes.
        keep = "x.__class__ not in SKIP and (x.__class__ is not ARG or x.annotation.__class__ not in SKIP)"
        single = "    v = node.{f}\n    if v is not None and (v.__class__ is not ARG or v.annotation.__class__ not in SKIP):\n        append(v)"
    else:
        keep = "x.__class__ not in SKIP"
        single = "    v = node.{f}\n    if v.__class__ not in SKIP:\n        append(v)"
    return _unrolled(
        node, "def generated(node, extend, append):", _STACK_SKIP, True,
        "    v = node.{f}\n    if v:\n        extend([x for x in v[::-1] if " + keep + "])",
        single,
        "    return None",
    )


# Types the engine's walk never hands to a detector: leaves, import aliases, and parameters whose
# annotation is a leaf (a meta test keeps file detectors from subscribing to them).
UNWALKED_TYPES: frozenset[type] = _STACK_SKIP | {ast.arg}


def _push_nothing(node: ast.AST, extend: Callable, append: Callable) -> None:
    return None


def push_children(node: ast.AST, extend: Callable, append: Callable) -> None:
    """Push ``node``'s children that may hold calls or statements on a stack (``extend``/``append``
    of a list used with ``pop``) so that they come off it in source order."""
    pusher = PUSHERS.get(node.__class__)
    if pusher is None:
        pusher = PUSHERS[node.__class__] = _compile_pusher(node)
    pusher(node, extend, append)


def inner_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """``node`` and every descendant that is not a leaf (like ast.walk, without names and constants)."""
    stack = [node]
    pop, extend = stack.pop, stack.extend
    while stack:
        item = pop()
        yield item
        extend(branches(item))
