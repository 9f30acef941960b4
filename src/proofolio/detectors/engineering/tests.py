"""SE-tests: test files with test functions (pytest or unittest)."""

from __future__ import annotations

import re

from proofolio.detectors.base import DetectorMeta, RepoContext, RepoDetector, TextProbe
from proofolio.detectors.support import basename
from proofolio.models import Confidence

_TEST_DEF = re.compile(r"^[ \t]*(?:async\s+)?def\s+(test\w*)\s*\(", re.MULTILINE)
_PYTEST = re.compile(r"^[ \t]*(?:import|from)\s+pytest\b", re.MULTILINE)
_UNITTEST = re.compile(r"^[ \t]*(?:import|from)\s+unittest\b|\bunittest\.TestCase\b|\bTestCase\)", re.MULTILINE)
_TEST_DIRS = frozenset({"test", "tests", "testing"})


def is_test_path(path: str) -> bool:
    if not path.endswith(".py"):
        return False
    name = basename(path)
    if name == "conftest.py":  # pytest's fixtures and hooks: what tests use, not tests
        return False
    if name.startswith("test_") or name.endswith("_test.py"):
        return True
    return any(part in _TEST_DIRS for part in path.split("/")[:-1])


def _is_fixture(text: str, def_start: int) -> bool:
    """Whether the decorators right above a `def test...` make it a pytest fixture (`def test_client()`)."""
    before = text[:def_start].rstrip("\n").split("\n")
    for line in reversed(before[-6:]):
        stripped = line.strip()
        if not stripped.startswith("@"):
            return False
        if "fixture" in stripped:
            return True
    return False


def looks_like_tests(text: str) -> bool:
    """Whether a module's text holds tests: a `def test...`, or pytest/unittest imported."""
    return bool(_TEST_DEF.search(text) or _PYTEST.search(text) or _UNITTEST.search(text))


# Asked by the file pass of modules at a test path, the only ones SE-tests and the pipeline ask
# about (evidence of a test module counts for testing only): 5% of a cold run when every module was asked.
LOOKS_LIKE_TESTS = TextProbe(looks_like_tests, (".py",), where=is_test_path)


class Tests(RepoDetector):
    meta = DetectorMeta(
        id="SE-tests",
        skill="software_engineering",
        title="Writes automated tests (pytest, unittest)",
        what=(
            "Python test files (test_*.py, *_test.py or any .py under a tests/ folder) that define at least one "
            "test function or method (def test...). One evidence per file at the first test; values: the number "
            "of tests and the framework (pytest, unittest or plain asserts)."
        ),
        why="Tested code can be changed safely; tests are the clearest sign of engineering discipline in a data project.",
        example='''
# tests/test_features.py
def test_tenure_buckets():          # detected
    assert bucket(0) == "new"
''',
        not_detected=(
            "Scripts named test_*.py that only run code (no test functions), pytest fixtures (conftest.py, "
            "@pytest.fixture functions named test_...), data files under tests/, notebooks, and whether the tests pass."
        ),
        scope="repo",
    )

    text_probes = (LOOKS_LIKE_TESTS,)

    def check(self, repo: RepoContext) -> None:
        for path in repo.paths:
            if not is_test_path(path):
                continue
            text = repo.read_text(path)
            tests = [m for m in _TEST_DEF.finditer(text) if not _is_fixture(text, m.start())]
            if not tests:
                continue
            framework = "pytest" if _PYTEST.search(text) else "unittest" if _UNITTEST.search(text) else "plain"
            first = tests[0]
            line = text.count("\n", 0, first.start(1)) + 1
            snippet = text.splitlines()[line - 1].strip()
            values = (("tests", str(len(tests))), ("framework", framework))
            repo.emit(self.meta, path, line, snippet, Confidence.HIGH, values)
