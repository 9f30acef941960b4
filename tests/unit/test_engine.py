"""The single walk: a detector that fails loses only itself, on that file, with a visible problem."""

from __future__ import annotations

import ast
import json
from typing import ClassVar

import pytest
from support import ROOT

from proofolio.detectors import engine
from proofolio.detectors.base import (
    CallTarget,
    DetectorMeta,
    FileContext,
    FileDetector,
    qualified_name,
)
from proofolio.detectors.engine import detect_file
from proofolio.detectors.registry import default_registry
from proofolio.detectors.support.evaluation_flow import FlowTracker
from proofolio.detectors.treewalk import UNWALKED_TYPES
from proofolio.documents import read_document
from proofolio.documents.base import DocumentProblem
from proofolio.models import Evidence

META = DetectorMeta("TEST-boom", "python", "boom", "", "", "", "")


class Boom(FileDetector):
    meta = META
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)

    def __init__(self) -> None:
        self.visits = 0

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        self.visits += 1
        raise ValueError("bad detector")


def test_a_failing_detector_is_dropped_for_the_file_and_the_others_still_see_everything() -> None:
    source = b"import pandas as pd\ndf = pd.read_csv('a.csv')\ndf = df.dropna()\nprint(df.describe())\n"
    boom = Boom()
    others = default_registry().file_detectors()
    found, problems = detect_file(read_document("a.py", source), [boom, *others], "r", None)
    assert boom.visits == 1  # not called again after it failed
    assert [(p.kind, p.reason) for p in problems] == [("detector-error", "TEST-boom failed: ValueError: bad detector")]
    assert {(e.detector, e.location.line) for e in found} >= {("PRE-data-loading", 2), ("PRE-missing-values", 3)}


# --- calls handed only to the detectors that want their target ------------------------------



def _found(source: str, path: str = "a.py") -> set[tuple[str, int | None]]:
    evidence, problems = detect_file(read_document(path, source.encode()), default_registry().file_detectors(), "r", None)
    assert not problems
    return {(e.detector, e.location.line) for e in evidence}


def test_an_aliased_import_still_reaches_the_catalog_and_a_local_look_alike_does_not() -> None:
    aliased = "from sklearn.preprocessing import StandardScaler as SS\nscaler = SS()\n"
    assert ("PRE-feature-scaling", 2) in _found(aliased)
    local = "class SS:\n    pass\nscaler = SS()\n"  # near miss: same name, the candidate's own class
    assert not any(d == "PRE-feature-scaling" for d, _ in _found(local))


def test_nested_calls_and_typed_receivers_are_each_handed_to_their_detectors() -> None:
    source = (
        "import pandas as pd\n"
        "import joblib\n"
        "df = pd.DataFrame(pd.read_csv('a.csv').dropna())\n"
        "df = df.fillna(0)\n"
        "joblib.dump(model, 'm.joblib')\n"
    )
    found = _found(source)
    assert {("PRE-data-loading", 3), ("PRE-missing-values", 3), ("PRE-missing-values", 4), ("OPS-model-persistence", 5)} <= found


def test_calls_in_notebook_cells_are_handed_over_with_their_cell() -> None:
    notebook = {
        "nbformat": 4, "nbformat_minor": 5, "metadata": {"language_info": {"name": "python"}},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# Churn"},
            {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [], "source": "import pandas as pd"},
            {"cell_type": "code", "metadata": {}, "execution_count": 2, "outputs": [],
             "source": "x = 1\ndf = pd.read_csv('churn.csv')"},
        ],
    }
    evidence, _ = detect_file(read_document("n.ipynb", json.dumps(notebook).encode()), default_registry().file_detectors(), "r", None)
    loading = [e for e in evidence if e.detector == "PRE-data-loading"]
    assert [(e.location.cell, e.location.line) for e in loading] == [(2, 2)]


def test_calls_in_parameter_defaults_and_annotations_are_still_walked() -> None:
    source = (
        "import pandas as pd\n"
        "from typing import Annotated\n"
        "def load(path=pd.read_csv('a.csv'), *,\n"
        "         other: Annotated[int, pd.read_json('b.json')] = 0, plain: int = 1):\n"
        "    return path\n"
        "f = lambda frame=pd.read_parquet('c.parquet'): frame\n"
    )
    loads = sorted(line or 0 for d, line in _found(source) if d == "PRE-data-loading")
    assert loads == [3, 4, 6]
    evidence, _ = detect_file(read_document("a.py", source.encode()), default_registry().file_detectors(), "r", None)
    apis = sorted(e.value("api") or "" for e in evidence if e.detector == "PRE-data-loading")
    assert apis == ["pandas.read_csv", "pandas.read_json", "pandas.read_parquet"]


class Picky(FileDetector):
    """Wants calls of `pandas.read_csv` only; counts what it is handed."""

    meta = DetectorMeta("TEST-picky", "python", "picky", "", "", "", "")
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)

    def __init__(self) -> None:
        self.seen: list[int] = []

    def wants_call(self, target: CallTarget) -> bool:
        return target.qualified == "pandas.read_csv"

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        self.seen.append(node.lineno)  # type: ignore[attr-defined]


class Undecided(Boom):
    """Its filter raises: it is still handed the call, and fails visibly in visit()."""

    meta = DetectorMeta("TEST-undecided", "python", "undecided", "", "", "", "")

    def wants_call(self, target: CallTarget) -> bool:
        raise KeyError("filter bug")


def test_a_detector_is_handed_only_the_calls_it_wants() -> None:
    source = b"import pandas as pd\nfrom pandas import read_csv as rc\nprint(1)\ndf = pd.read_csv('a')\nrc('b')\npd.read_json('c')\n"
    picky = Picky()
    detect_file(read_document("a.py", source), [picky], "r", None)
    assert picky.seen == [4, 5]


def test_a_filter_that_raises_hands_the_call_over_and_only_its_detector_fails() -> None:
    source = b"import pandas as pd\ndf = pd.read_csv('a.csv')\ndf = df.dropna()\n"
    undecided = Undecided()
    found, problems = detect_file(read_document("a.py", source), [undecided, *default_registry().file_detectors()], "r", None)
    assert undecided.visits == 1
    assert [p.reason for p in problems] == ["TEST-undecided failed: ValueError: bad detector"]
    assert {(e.detector, e.location.line) for e in found} >= {("PRE-data-loading", 2), ("PRE-missing-values", 3)}


def test_a_call_target_that_cannot_be_resolved_fails_each_call_detector_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: FileContext, call: ast.Call) -> CallTarget:
        raise RuntimeError("resolver bug")

    monkeypatch.setattr(FileContext, "call_target", broken)
    picky = Picky()
    _, problems = detect_file(read_document("a.py", b"import os\nos.getcwd()\ndef f():\n    '''Doc.'''\n"), [Boom(), picky], "r", None)
    assert picky.seen == [2]  # handed the call as without a filter: it never asked for the target
    assert [p.reason for p in problems] == ["TEST-boom failed: ValueError: bad detector"]


def test_filters_change_nothing_the_detectors_find(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every detector's wants_call is a necessary condition: the fixtures and examples find the same with all calls."""
    paths = sorted(p for folder in ("fixtures", "examples") for p in (ROOT / folder).rglob("*") if p.suffix in (".py", ".ipynb"))
    assert len(paths) > 50
    registry = default_registry()

    def run() -> list[tuple[list[Evidence], list[DocumentProblem]]]:
        results = []
        for path in paths:
            document = read_document(path.name, path.read_bytes())
            results.append(detect_file(document, registry.file_detectors(), "r", None))
        return results

    filtered = run()
    monkeypatch.setattr(engine, "_interested", lambda detectors, target: tuple(range(len(detectors))))
    engine._CALL_INTEREST.clear()
    try:
        assert run() == filtered
    finally:
        engine._CALL_INTEREST.clear()


def test_no_file_detector_subscribes_to_a_node_type_the_walk_skips() -> None:
    for detector in default_registry().file_detectors():
        assert not set(detector.node_types) & UNWALKED_TYPES, type(detector).__name__


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("pd", "pandas"),
        ("pd.read_csv", "pandas.read_csv"),
        ("sk.a.b.C", "sklearn.a.b.C"),
        ("SS", "sklearn.preprocessing.StandardScaler"),
        ("SS.fit", "sklearn.preprocessing.StandardScaler.fit"),
        ("df.head", None),
        ("df.a.b", None),
        ("f().x", None),
        ("pd.read_csv().head", None),
        ("pd[0].x", None),
    ],
)
def test_qualified_names_resolve_through_the_imports(source: str, expected: str | None) -> None:
    imports = read_document("a.py", b"import pandas as pd\nimport sklearn as sk\nfrom sklearn.preprocessing import StandardScaler as SS\n").imports
    node = ast.parse(source, mode="eval").body
    assert qualified_name(imports, node) == expected


def test_names_read_by_an_expression() -> None:
    tracker = FlowTracker.__new__(FlowTracker)
    expression = ast.parse(
        "f(a, k=b.c.d, *e) + model.predict(g)[h] + scaler.apply(i) + (lambda j: j + z)(1) + [m for m in n] + {**o, 'p': 3}",
        mode="eval",
    ).body
    found = tracker._read_names(expression)
    # receivers of model methods (model.predict) and lambda bodies are not data; called bare names (f) neither
    assert found == {"a", "b", "b.c", "b.c.d", "e", "g", "h", "scaler", "i", "m", "n", "o"}
