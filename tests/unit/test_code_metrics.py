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
    assert ours.volume == pytest.approx(h_visit_ast(tree).total.volume, rel=1e-9)


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
