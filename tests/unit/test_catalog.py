"""The catalogue of "calls API X" rows, and the metadata every detector must carry."""

from __future__ import annotations

import re
import textwrap

import pytest

from proofolio.detectors.base import DetectorMeta
from proofolio.detectors.catalog import CatalogError, CatalogRunner, PatternIndex, load_catalog
from proofolio.detectors.engine import detect_file
from proofolio.detectors.registry import default_registry
from proofolio.documents import read_document
from proofolio.models import Confidence

PREFIX_SKILLS = {
    "PY": "python",
    "PRE": "data_preprocessing",
    "EDA": "exploratory_analysis",
    "STAT": "statistics",
    "MOD": "model_building",
    "EVAL": "model_evaluation",
    "OPS": "deployment_mlops",
    "SE": "software_engineering",
    "COM": "communication",
    "DOM": "domains",
    "COL": "collaboration",
}
DOMAIN_TAGS = {
    "nlp", "computer_vision", "time_series", "recommender", "tabular", "reinforcement_learning",
    "anomaly_detection", "audio", "generative", "geospatial", "graph",
}
ID_FORMAT = re.compile(r"^(PY|PRE|EDA|STAT|MOD|EVAL|OPS|SE|COM|DOM|COL)-[a-z0-9]+(-[a-z0-9]+)*$")
REGISTRY = default_registry()
METAS = REGISTRY.metas()
ROWS = load_catalog()

MINIMAL_ROW = """
[[detector]]
id = "PRE-test"
skill = "data_preprocessing"
title = "t"
what = "w"
why = "y"
example = "e"
not_detected = "n"
"""


# --------------------------------------------------------------------------- metadata of every detector
@pytest.mark.parametrize("meta", METAS, ids=lambda m: m.id)
def test_detector_metadata_is_complete(meta: DetectorMeta) -> None:
    assert ID_FORMAT.match(meta.id), meta.id
    assert meta.skill == PREFIX_SKILLS[meta.id.split("-", 1)[0]]
    for field in ("title", "what", "why", "example", "not_detected"):
        assert getattr(meta, field).strip(), f"{meta.id}: empty {field}"
    assert "\n" not in meta.title and len(meta.title) <= 90, meta.title
    assert meta.kind in ("catalog", "logic")
    assert meta.scope in ("file", "notebook", "repo")


def test_one_logic_detector_per_file() -> None:
    classes = [*REGISTRY.file_classes, *REGISTRY.repo_classes]
    modules = [cls.__module__ for cls in classes]
    assert len(modules) == len(set(modules)), "one logic detector class per file"
    assert all(m.count(".") == 3 for m in modules), "logic detectors live in a skill folder: detectors/<skill>/<name>.py"


def test_every_skill_has_a_detector() -> None:
    assert {m.skill for m in METAS} == set(PREFIX_SKILLS.values())


def test_ids_are_unique_across_catalog_and_classes() -> None:
    ids = [m.id for m in METAS]
    assert len(ids) == len(set(ids))


def test_every_domain_tag_has_a_row() -> None:
    tags = {dict(row.extra_values).get("domain") for row in ROWS if row.meta.skill == "domains"}
    assert tags == DOMAIN_TAGS


# --------------------------------------------------------------------------- the real catalogue
@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.meta.id)
def test_catalog_row_is_well_formed(row) -> None:  # type: ignore[no-untyped-def]
    assert row.meta.kind == "catalog" and row.meta.scope == "file"
    assert row.calls or row.bases or row.methods
    assert not row.methods or row.method_packages, "methods on untyped receivers need method_packages"
    for pattern in row.calls + row.bases:
        assert re.match(r"^[A-Za-z_*\[]", pattern) and " " not in pattern, pattern
        assert not pattern.endswith("."), pattern
    if row.meta.skill == "domains":
        assert dict(row.extra_values).get("domain") in DOMAIN_TAGS


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.meta.id)
def test_catalog_example_is_detected(row) -> None:  # type: ignore[no-untyped-def]
    """The documented example must show what the row detects (docs stay honest)."""
    document = read_document("example.py", textwrap.dedent(row.meta.example).encode())
    assert document.tree is not None, f"{row.meta.id}: example does not parse"
    found, _ = detect_file(document, [CatalogRunner((row,))], "repo", None)
    marked = [n for n, line in enumerate(row.meta.example.splitlines(), start=1) if "# detected" in line]
    assert marked, f"{row.meta.id}: example marks no line with '# detected'"
    assert sorted({e.location.line for e in found}) == marked


FILE_LOGIC = [cls for cls in REGISTRY.file_classes if cls.meta.scope == "file"]


@pytest.mark.parametrize("cls", FILE_LOGIC, ids=lambda c: c.meta.id)
def test_logic_detector_example_is_detected(cls) -> None:  # type: ignore[no-untyped-def]
    """Code examples of file-level logic detectors run through the detector and hit the marked lines."""
    example = textwrap.dedent(cls.meta.example)
    document = read_document("example.py", example.encode())
    assert document.tree is not None, f"{cls.meta.id}: example does not parse"
    found, problems = detect_file(document, [cls()], "repo", None)
    assert not problems
    marked = [n for n, line in enumerate(example.splitlines(), start=1) if "# detected" in line]
    assert marked, f"{cls.meta.id}: example marks no line with '# detected'"
    assert sorted({e.location.line for e in found}) == marked


def test_the_shipped_catalog_loads_once_and_has_no_duplicates() -> None:
    ids = [row.meta.id for row in ROWS]
    assert len(ids) == len(set(ids)) and "PRE-missing-values" in ids


# --------------------------------------------------------------------------- malformed catalogues
def test_missing_field_is_an_error() -> None:
    with pytest.raises(CatalogError, match="missing why"):
        load_catalog(MINIMAL_ROW.replace('why = "y"\n', "") + 'calls = ["x.y"]\n')


def test_row_without_patterns_is_an_error() -> None:
    with pytest.raises(CatalogError, match="needs calls, bases or methods"):
        load_catalog(MINIMAL_ROW)


def test_duplicate_ids_are_an_error() -> None:
    row = MINIMAL_ROW + 'calls = ["x.y"]\n'
    with pytest.raises(CatalogError, match="duplicate"):
        load_catalog(row + row)


def test_unless_imported_needs_packages_and_names() -> None:
    with pytest.raises(CatalogError, match="unless_imported needs packages and names"):
        load_catalog(MINIMAL_ROW + 'calls = ["x.y"]\nunless_imported = { packages = ["librosa"] }\n')


def test_excluded_names_are_not_matched() -> None:
    [row] = load_catalog(MINIMAL_ROW + 'calls = ["plotly.graph_objects.[A-Z]*"]\nexclude = ["plotly.*.Figure.show"]\n')
    index = PatternIndex()
    index.add(row.calls[0], row)
    assert index.match("plotly.graph_objects.Scatter") == (row,)
    assert index.match("plotly.graph_objects.Figure.show") == ()
    assert "not plotly.*.Figure.show" in row.meta.patterns  # the docs list what a row leaves out


# --------------------------------------------------------------------------- pattern matching
def _index(*patterns: str) -> tuple[PatternIndex, list]:  # type: ignore[type-arg]
    rows = load_catalog("".join(MINIMAL_ROW.replace("PRE-test", f"PRE-t{i}") + f'calls = ["{p}"]\n' for i, p in enumerate(patterns)))
    index = PatternIndex()
    for row in rows:
        for pattern in row.calls:
            index.add(pattern, row)
    return index, list(rows)


def _matched(index: PatternIndex, name: str) -> list[str]:
    return sorted({row.meta.id for row in index.match(name)})


def test_exact_prefix_and_glob_patterns() -> None:
    index, _ = _index("pandas.get_dummies", "sklearn.impute.*", "pandas.*.fillna", "sklearn.tree.[A-Z]*", "*keras.Model")
    assert _matched(index, "pandas.get_dummies") == ["PRE-t0"]
    assert _matched(index, "pandas.get_dummies_x") == []
    assert _matched(index, "sklearn.impute.SimpleImputer") == ["PRE-t1"]
    assert _matched(index, "sklearn.impute.SimpleImputer.fit") == ["PRE-t1"]
    assert _matched(index, "sklearn.imputex.Other") == []
    assert _matched(index, "sklearn.impute") == []
    assert _matched(index, "pandas.DataFrame.fillna") == ["PRE-t2"]
    assert _matched(index, "pandas.core.frame.DataFrame.fillna") == ["PRE-t2"]
    assert _matched(index, "numpy.ndarray.fillna") == []
    assert _matched(index, "sklearn.tree.DecisionTreeClassifier") == ["PRE-t3"]
    assert _matched(index, "sklearn.tree.plot_tree") == []
    assert _matched(index, "tensorflow.keras.Model") == ["PRE-t4"]  # wildcard head: always tried


# --------------------------------------------------------------------------- the runner
def _run(catalog: str, source: str) -> list[tuple[int | None, str, str, tuple[tuple[str, str], ...]]]:
    rows = load_catalog(catalog)
    document = read_document("x.py", textwrap.dedent(source).lstrip("\n").encode())
    found, problems = detect_file(document, [CatalogRunner(rows)], "repo", None)
    assert not problems
    return [(e.location.line, e.detector, e.confidence.value, e.values) for e in found]


def test_method_rows_need_the_package_imported_and_are_medium() -> None:
    catalog = MINIMAL_ROW + 'methods = ["fillna"]\nmethod_packages = ["pandas"]\n'
    assert _run(catalog, "frame = load()\nframe.fillna(0)\n") == []
    assert _run(catalog, "import pandas\nframe = load()\nframe.fillna(0)\n") == [
        (3, "PRE-test", "medium", (("method", "fillna"),))
    ]


def test_base_rows_match_subclasses_and_carry_values() -> None:
    catalog = MINIMAL_ROW.replace("PRE-test", "DOM-test").replace("data_preprocessing", "domains") + (
        'bases = ["torch.nn.Module"]\nvalues = { domain = "computer_vision" }\n'
    )
    source = """
        from torch import nn


        class Net(nn.Module):
            pass
    """
    assert _run(catalog, source) == [
        (4, "DOM-test", "high", (("base", "torch.nn.Module"), ("domain", "computer_vision")))
    ]


def test_row_confidence_caps_the_evidence() -> None:
    catalog = MINIMAL_ROW + 'calls = ["joblib.*"]\nconfidence = "low"\n'
    assert _run(catalog, "import joblib\njoblib.dump(m, 'x')\n") == [
        (2, "PRE-test", "low", (("api", "joblib.dump"),))
    ]


def test_one_evidence_per_detector_and_line() -> None:
    catalog = MINIMAL_ROW + 'calls = ["sklearn.preprocessing.*"]\n'
    source = "from sklearn.preprocessing import StandardScaler as S\nboth = (S(), S().fit(X))\n"
    assert [line for line, *_ in _run(catalog, source)] == [2]


def test_confidence_is_a_known_value() -> None:
    assert {row.confidence for row in ROWS} <= set(Confidence)
