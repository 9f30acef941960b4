"""Property-based tests: for arbitrary input the readers raise nothing but documented problems."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proofolio.documents.imports import build_import_map
from proofolio.documents.magics import neutralise_cell, neutralise_lines

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "fuzz"))
from targets import magics_target, notebook_target, python_target  # noqa: E402

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
ipython_lines = st.sampled_from(["%matplotlib inline", "!ls -la", "x = !pwd", "df?", "%%time", "%%bash", "  !pip install a \\", "  b", "print 'x'", "import pandas as pd", "df = pd.read_csv('a')", "(", ")", "% 3"])
cells = st.lists(st.fixed_dictionaries({
    "cell_type": st.sampled_from(["code", "markdown", "raw", 5]),
    "source": st.one_of(st.lists(ipython_lines, max_size=6).map("\n".join), st.lists(st.text(max_size=20), max_size=3), json_values),
    "outputs": st.one_of(st.lists(json_values, max_size=3), json_values),
    "execution_count": st.one_of(st.none(), st.integers(), st.text(max_size=3)),
}), max_size=6)


@SETTINGS
@given(st.binary(max_size=2000))
def test_notebook_reader_survives_any_bytes(data: bytes) -> None:
    notebook_target(data)


@SETTINGS
@given(cells, st.sampled_from([4, 3, 2, "4", None]))
def test_notebook_reader_survives_any_structure(cell_list, version) -> None:
    notebook_target(json.dumps({"nbformat": version, "nbformat_minor": 0, "metadata": {}, "cells": cell_list}).encode())


@SETTINGS
@given(st.binary(max_size=2000))
def test_python_reader_survives_any_bytes(data: bytes) -> None:
    python_target(data)


@SETTINGS
@given(st.lists(ipython_lines | st.text(max_size=30), max_size=12).map("\n".join))
def test_neutraliser_keeps_lines_and_valid_python(text: str) -> None:
    magics_target(text.encode())
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return
    if not any(line.lstrip().startswith(("%", "!", "?")) or line.rstrip().endswith("?") for line in text.split("\n")):
        assert neutralise_cell(text)[0] == text  # plain Python passes through untouched


@SETTINGS
@given(st.lists(ipython_lines | st.text(max_size=30), max_size=12).map("\n".join))
def test_neutraliser_shortcut_changes_nothing(text: str) -> None:
    """Cells the shortcut returns untouched are exactly those the line-by-line pass leaves alone."""
    assert neutralise_cell(text) == neutralise_lines(text)


identifiers = st.sampled_from(["a", "b", "np", "pd", "nn", "torch", "sklearn", "x_1", "Model", "utils"])
dotted = st.lists(identifiers, min_size=1, max_size=3).map(".".join)
imports = st.one_of(
    st.tuples(dotted, st.none() | identifiers).map(lambda t: f"import {t[0]}" + (f" as {t[1]}" if t[1] else "")),
    st.tuples(st.integers(0, 3), st.none() | dotted, identifiers, st.none() | identifiers).filter(lambda t: t[0] or t[1]).map(
        lambda t: f"from {'.' * t[0]}{t[1] or ''} import {t[2]}" + (f" as {t[3]}" if t[3] else "")),
)


@SETTINGS
@given(st.lists(imports, max_size=8), st.lists(identifiers, max_size=4).map("/".join))
def test_import_resolver_maps_every_alias(lines, path) -> None:
    tree = ast.parse("\n".join(lines))
    result = build_import_map(tree, path + "/m.py")
    expected: dict[str, str] = {}
    for node in tree.body:  # source order: the last binding of a name wins
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    expected[alias.asname] = alias.name
                else:
                    expected.setdefault(alias.name.split(".")[0], alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                # relative imports resolve against the file's package: only the suffix is fixed
                expected[alias.asname or alias.name] = f"{node.module}.{alias.name}" if node.level == 0 else f"*.{alias.name}"
    for local, qualified in expected.items():
        got = result.aliases[local].qualified
        assert got == qualified or (qualified.startswith("*.") and (got == qualified[2:] or got.endswith(qualified[1:])))


# --- the job-posting parser (proofolio match) -----------------------------------------------

from proofolio.matching.posting import html_to_text  # noqa: E402
from proofolio.matching.requirements import find_requirements  # noqa: E402
from proofolio.matching.vocabulary import load_vocabulary  # noqa: E402
from proofolio.taxonomy import load_default_taxonomy  # noqa: E402

TAXONOMY = load_default_taxonomy()
VOCABULARY = load_vocabulary()
posting_words = st.sampled_from(["PyTorch", "pytorch", "R", "R&D", "HR", "Docker", "A/B testing", "SQL", "python",
                                 "<b>", "</p>", "<script>alert(1)</script>", "&amp;", "scikit-learn", "NLP", "\n", " ", ",", "(", "é"])


@SETTINGS
@given(st.lists(posting_words | st.text(max_size=15), max_size=40).map(" ".join))
def test_posting_parser_finds_only_what_the_text_says(text: str) -> None:
    plain = html_to_text(text)
    assert "<script" not in plain.lower()
    for requirement in find_requirements(plain, TAXONOMY, VOCABULARY):
        assert requirement.skill in {s.id for s in TAXONOMY.skills}
        assert requirement.count >= 1
        assert requirement.found.lower() in plain.lower()  # a requirement is always the posting's own words
