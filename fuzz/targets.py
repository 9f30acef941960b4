"""Fuzz targets: each takes arbitrary bytes and must raise nothing (problems are data).

Shared by the property tests (tests/fuzz/) and the time-boxed mutation fuzzer (fuzz/run.py).
"""

from __future__ import annotations

from functools import cache

from proofolio.detectors.engine import detect_file
from proofolio.detectors.registry import default_registry
from proofolio.documents import read_document
from proofolio.documents.magics import neutralise_cell
from proofolio.problems import PROBLEM_KINDS


def notebook_target(data: bytes) -> None:
    """Read arbitrary bytes as a notebook and run every detector on it."""
    _read_and_detect("fuzz.ipynb", data)


def python_target(data: bytes) -> None:
    """Read arbitrary bytes as a .py file and run every detector on it."""
    _read_and_detect("pkg/fuzz.py", data)


def magics_target(data: bytes) -> None:
    """The magic-line neutraliser keeps the line count for any text."""
    text = data.decode("utf-8", errors="replace")
    out, _ = neutralise_cell(text)
    assert out.count("\n") == text.count("\n"), "line count changed"


@cache
def _matching_data():  # type: ignore[no-untyped-def]
    from proofolio.matching.vocabulary import load_vocabulary
    from proofolio.taxonomy import load_default_taxonomy

    return load_default_taxonomy(), load_vocabulary()


def posting_target(data: bytes) -> None:
    """A job posting (HTML or text) through the parser `proofolio match` uses."""
    from proofolio.matching.posting import html_to_text
    from proofolio.matching.requirements import find_requirements

    plain = html_to_text(data.decode("utf-8", errors="replace"))
    for requirement in find_requirements(plain, *_matching_data()):
        assert requirement.found.lower() in plain.lower(), requirement


def _read_and_detect(path: str, data: bytes) -> None:
    document = read_document(path, data)
    _, problems = detect_file(document, default_registry().file_detectors(), "fuzz", None)
    for problem in [*document.problems, *problems]:
        assert problem.kind in PROBLEM_KINDS, problem
        assert problem.kind != "detector-error", problem.reason


TARGETS = {"notebook": notebook_target, "python": python_target, "magics": magics_target, "posting": posting_target}
