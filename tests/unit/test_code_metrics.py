"""Our one-pass complexity and Halstead numbers are radon's, on real modules."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from radon.metrics import h_visit_ast
from radon.visitors import ComplexityVisitor

from proofolio.detectors.support.code_metrics import measure

ROOT = Path(__file__).resolve().parents[2]
# Real code of many styles: the example portfolio, and well-known libraries of the venv and stdlib.
SAMPLES = sorted(ROOT.glob("examples/portfolio/**/*.py")) + [
    Path(module.__file__) for module in map(__import__, ("click", "jinja2", "pathspec", "platformdirs", "json", "argparse"))
    if module.__file__
]
STDLIB = Path(ast.__file__).parent
SAMPLES += [STDLIB / name for name in ("ast.py", "difflib.py", "tarfile.py", "typing.py", "dataclasses.py", "statistics.py")]
for package in ("click", "jinja2"):
    SAMPLES += sorted(Path(sys.modules[package].__file__).parent.glob("*.py"))[:12]  # type: ignore[arg-type]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_complexity_blocks_and_volume_match_radon(path: Path) -> None:
    tree = ast.parse(path.read_bytes())
    ours = measure(tree)
    radon = ComplexityVisitor.from_ast(tree)
    assert sorted((b.name, b.complexity) for b in ours.blocks) == sorted((b.name, b.complexity) for b in radon.blocks)
    assert ours.total_complexity == radon.total_complexity
    halstead = h_visit_ast(tree).total
    assert ours.volume == pytest.approx(halstead.volume, rel=1e-9)
    assert (ours.operators, ours.operands, ours.distinct_operators, ours.distinct_operands) == (
        halstead.N1, halstead.N2, halstead.h1, halstead.h2)
    assert ours.statements == sum(isinstance(node, ast.stmt) for node in ast.walk(tree))


def test_closures_nested_classes_and_asserts_count_as_radon_counts_them() -> None:
    source = """
def outer(x):
    def inner(y):
        if y:
            return 1
    class Local:
        def m(self):
            for _ in range(3):
                pass
    assert x and x > 1
    return [i for i in x if i]

class Table:
    n = 1 if True else 2
    def a(self):
        while True:
            break
        else:
            pass
    def b(self):
        try:
            pass
        except ValueError:
            pass
        except KeyError:
            pass
        else:
            pass
    class Inner:
        def c(self):
            if self:
                pass
"""
    tree = ast.parse(source)
    ours = measure(tree)
    radon = ComplexityVisitor.from_ast(tree)
    assert [(b.name, b.complexity) for b in ours.blocks] == [("outer", 4), ("Table", 5), ("a", 3), ("b", 4)]
    assert sorted((b.name, b.complexity) for b in ours.blocks) == sorted((b.name, b.complexity) for b in radon.blocks)
    assert ours.total_complexity == radon.total_complexity


ODD_SYNTAX = '''
import os, sys as system
from ..pkg import (a as b, c)
lam = lambda p, /, q=1 + 2, *r, s=-3, t, **u: p or q and not r
d = {**os.environ, "k": 1 if q else 2, None: ...}
def deco(f=[i for i in range(3) if i if i > 1]) -> int | None:
    """Doc
    string."""
    global lam
    x = y = z = 0
    x += 1; y -= x * 2; z **= ~y
    def inner(*, k=None):
        nonlocal x
        class K:
            def m(self): return [j async for j in k] if k else None
        return K
    try:
        pass
    except* ValueError as e:
        raise RuntimeError from e
    else:
        pass
    finally:
        del x
    while (n := len(system.argv)) > 2 and n < 5 or n == 0:
        break
    else:
        pass
    async def co():
        async with a() as b, c:
            await b
        async for i in b:
            continue
        else:
            yield i
    match system.argv:
        case [1, 2, *rest] if rest:
            pass
        case {"a": 1, **kw}:
            pass
        case Point(x=0, y=0) | Point(1, 2):
            pass
        case True | None | -1 | 1.5 | "s" | b"b":
            pass
        case str() as s:
            pass
        case _:
            pass
    assert x > 1 and (lambda: 3)(), f"{x!r:>{y}}"
    return x if x is not None else y[1:2, ::3]

@deco(1)
class C(Base, metaclass=M):
    """Class doc."""
    attr = [1, 2] * 3 if True else {1, 2}
    def a(self, v: int = 2 ** 8) -> None:
        for i, j in zip(v, v):
            if i in j and not i is j:
                print(i < j <= v != 3, *[1], **{}, sep="")
            elif i:
                pass
        else:
            return
    async def b(self):
        with open(x) as f, open(y):
            return {k: v for k, v in f if k for _ in v}
    class Nested:
        def c(self):
            match self:
                case 1:
                    pass
                case other:
                    pass
x[1] += 2; x.y //= 3; x @= y; x |= 1
'''


def test_odd_syntax_matches_radon() -> None:
    """match, except*, async, walrus, lambdas with defaults, nonlocal, **-dicts: radon's numbers too."""
    tree = ast.parse(ODD_SYNTAX)
    ours = measure(tree)
    radon = ComplexityVisitor.from_ast(tree)
    assert [(b.name, b.complexity) for b in ours.blocks] == [(b.name, b.complexity) for b in radon.blocks]
    assert ours.total_complexity == radon.total_complexity
    halstead = h_visit_ast(tree).total
    assert (ours.operators, ours.operands, ours.distinct_operators, ours.distinct_operands) == (
        halstead.N1, halstead.N2, halstead.h1, halstead.h2)
    assert ours.volume == pytest.approx(halstead.volume, rel=1e-9)
    assert (ours.statements, ours.string_lines) == (sum(isinstance(n, ast.stmt) for n in ast.walk(tree)), 2)


def test_results_do_not_depend_on_the_first_node_of_a_type_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Child readers are learnt from the first node of each type: an empty `return`, a `**kw`
    keyword or an unnamed handler first must not hide the children of later ones."""
    from proofolio.detectors.support import code_metrics

    bare = ast.parse("def f(x):\n    try:\n        g(**x)\n    except:\n        return\n")
    full = ast.parse("def f(x):\n    try:\n        g(k=x and 1)\n    except E as e:\n        return x or e\n")

    def results(*trees: ast.Module) -> list[tuple[object, ...]]:
        monkeypatch.setattr(code_metrics, "_RULES", {code_metrics._Scope: code_metrics._RULES[code_metrics._Scope]})
        return [(m.total_complexity, m.volume, m.statements) for m in map(measure, trees)]

    radon = [(ComplexityVisitor.from_ast(t).total_complexity, h_visit_ast(t).total.volume, 4) for t in (bare, full)]
    assert results(bare, full) == results(full, bare)[::-1] == radon
    assert radon[1][:2] == (4, pytest.approx(13.931568569324174))  # the later nodes' children were seen


def test_line_counts_for_the_maintainability_index() -> None:
    from proofolio.detectors.support.code_metrics import _count_lines

    lines = ["", "  # comment", "x = 1", "rows = [", "    (1, 2),", "    -3", "]", "\t", "'s'", "f(a)  # (", "y = {"]
    counts = _count_lines(lines)
    assert (counts.code, counts.comments, counts.table_rows) == (8, 1, 6)


def test_fast_walks_visit_what_ast_walk_visits_minus_leaves() -> None:
    """The generated child readers see every call and statement ast.walk sees, on odd syntax too."""
    from proofolio.detectors.treewalk import LEAF_TYPES, branches, inner_nodes

    source = (
        "if True:\n    f(1)\nmatch x:\n    case True:\n        g()\n    case [1, *rest]:\n        h(rest)\n"
        "x = f'{a!r:>{w}}' + b'\\x00'.decode() if None else ...\nasync def co():\n    async with a as b:\n"
        "        await c(d)\n    return [i async for i in e() if i]\nfrom .. import z\nglobal q\nlambda *a, k=1j: k(a)\n"
    )
    tree = ast.parse(source)
    expected = [n for n in ast.walk(tree) if n.__class__ not in LEAF_TYPES]
    found = list(inner_nodes(tree))
    assert sorted(map(id, found)) == sorted(map(id, expected))
    assert all(branches(leaf) == [] for leaf in ast.walk(tree) if leaf.__class__ in LEAF_TYPES)
    constant = ast.parse("True").body[0].value  # type: ignore[attr-defined]
    assert list(inner_nodes(constant)) == [constant]  # a walk may start at a leaf (`if True:`)
