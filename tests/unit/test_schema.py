"""The JSON report schema: the reports we write validate, and near-misses do not.

The sample Result comes from test_reporters.py, loaded by path so it works under any pytest
import mode.
"""

from __future__ import annotations

import copy
import importlib.util
import json
from dataclasses import replace
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from proofolio.models import Location, Result, SourceInfo
from proofolio.reporters.json_report import SCHEMA_VERSION, load_schema, render_json, result_to_dict

_spec = importlib.util.spec_from_file_location("_reporters_sample", Path(__file__).with_name("test_reporters.py"))
assert _spec is not None and _spec.loader is not None
_sample = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sample)
sample_result: Callable[[], Result] = _sample.sample_result


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.fixture
def report() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(render_json(sample_result()))
    return data


def test_schema_is_package_data() -> None:
    text = resources.files("proofolio.schema").joinpath("report.schema.json").read_text("utf-8")
    schema = json.loads(text)
    assert schema == load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema_version"] == {"const": SCHEMA_VERSION}


def _objects(schema: Any, path: str = "#") -> list[str]:
    """Every subschema that describes an object with fixed properties."""
    found: list[str] = []
    if isinstance(schema, dict):
        if "properties" in schema:
            found.append(path)
            assert schema.get("additionalProperties") is False, f"{path} must forbid extra keys"
            assert set(schema.get("required", ())) == set(schema["properties"]), f"{path}: every key is required"
        for key, value in schema.items():
            found += _objects(value, f"{path}/{key}")
    return found


def test_schema_is_strict_at_every_level() -> None:
    assert _objects(load_schema()) == [
        "#",
        "#/properties/tool",
        "#/properties/taxonomy",
        "#/$defs/source",
        "#/$defs/location",
        "#/$defs/evidence",
        "#/$defs/assessment",
        "#/$defs/problem",
        "#/$defs/workflow",
        "#/$defs/workflow/properties/stages/items",
    ]


def test_sample_report_validates(validator: Draft202012Validator, report: dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(report), key=str)
    assert not errors, [e.message for e in errors]


def test_minimal_report_validates(validator: Draft202012Validator) -> None:
    empty = Result("1.0", "0.1.0", "2025-01-01T00:00:00Z", "./x", sample_result().taxonomy, (), (), ())
    assert validator.is_valid(result_to_dict(empty))


def test_report_with_dirty_git_source_validates(validator: Draft202012Validator) -> None:
    base = sample_result()
    dirty = SourceInfo("alice/x", "git", ".", commit="b" * 64, branch=None, dirty=True, commits=0)
    r = replace(base, sources=(dirty,))
    assert validator.is_valid(result_to_dict(r))


Mutation = Callable[[dict[str, Any]], None]


def _set(*path: str | int, value: Any) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        target: Any = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _del(*path: str | int) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        target: Any = d
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


EV = ("assessments", 0, "evidence", 0)
LOC = (*EV, "location")

INVALID: dict[str, Mutation] = {
    "level expert": _set("assessments", 0, "level", value="expert"),
    "extra top-level key": _set("extra", value=1),
    "extra key in tool": _set("tool", "extra", value=1),
    "extra key in taxonomy": _set("taxonomy", "extra", value=1),
    "extra key in source": _set("sources", 0, "stars", value=3),
    "extra key in assessment": _set("assessments", 0, "extra", value=1),
    "extra key in evidence": _set(*EV, "extra", value=1),
    "extra key in location": _set(*LOC, "column", value=1),
    "extra key in problem": _set("problems", 0, "extra", value=1),
    "missing evidence url": _del(*EV, "url"),
    "missing stats": _del("stats"),
    "schema version 2": _set("schema_version", value="2.0"),
    "other tool": _set("tool", "name", value="other"),
    "confidence certain": _set(*EV, "confidence", value="certain"),
    "source kind svn": _set("sources", 0, "kind", value="svn"),
    "score 101": _set("assessments", 0, "score", value=101),
    "score -1": _set("assessments", 0, "score", value=-1),
    "score float": _set("assessments", 0, "score", value=85.5),
    "line 0": _set(*LOC, "line", value=0),
    "line string": _set(*LOC, "line", value="12"),
    "end_line 0": _set(*LOC, "end_line", value=0),
    "cell -1": _set(*LOC, "cell", value=-1),
    "problem cell -1": _set("problems", 1, "cell", value=-1),
    "short commit": _set(*LOC, "commit", value="3f9a2c1"),
    "uppercase commit": _set(*LOC, "commit", value="3F9A2C1E8B7D6A5F4E3D2C1B0A9F8E7D6C5B4A39"),
    "source commit 41 hex": _set("sources", 0, "commit", value="a" * 41),
    "taxonomy sha not hex": _set("taxonomy", "sha256", value="z" * 64),
    "authored share 2": _set(*EV, "authored_share", value=2),
    "values not strings": _set(*EV, "values", value={"folds": 5}),
    "tags negative": _set("assessments", 0, "tags", value={"nlp": -1}),
    "stats string": _set("stats", value={"files": "16"}),
    "dirty not bool": _set("sources", 0, "dirty", value="no"),
    "url javascript": _set(*EV, "url", value="javascript:alert(1)"),
    "web_url with credentials": _set("sources", 0, "web_url", value="https://user:tok@github.com/a/b"),
    "problem kind with spaces": _set("problems", 0, "kind", value="Bad Kind"),
    "duplicate detectors": _set("assessments", 0, "detectors", value=["A", "A"]),
    "missing digest": _del("digest"),
    "digest not hex": _set("digest", value="g" * 64),
    "digest short": _set("digest", value="ab" * 16),
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_variants_are_rejected(validator: Draft202012Validator, report: dict[str, Any], name: str) -> None:
    bad = copy.deepcopy(report)
    INVALID[name](bad)
    assert not validator.is_valid(bad), name


def test_nulls_where_a_location_cannot_be_pinned(validator: Draft202012Validator, report: dict[str, Any]) -> None:
    ok = copy.deepcopy(report)
    ok["assessments"][0]["evidence"][0]["location"].update(commit=None, line=None, end_line=None, cell=None)
    ok["assessments"][0]["evidence"][0]["url"] = None
    assert validator.is_valid(ok)
    assert Location("r", None, "p", None).line is None  # the model allows the same
