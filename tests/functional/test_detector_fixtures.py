"""Every detector against its fixtures (pylint-style functional tests).

``fixtures/detectors/<ID>/`` holds, for a file detector, ``positive.py|.ipynb`` and
``negative.py|.ipynb`` (more cases as ``negative_<what>.py``); expectations are inline comments at the end of a line:
``x = KMeans()  # [expect: MOD-sklearn-estimator]`` (several ids: ``# [expect: A, B]``).
In notebooks the key is ``cell:line`` (cell = index in the notebook's cell list, line inside
the cell); markdown cells carry the same marker, e.g. in an HTML comment.

A repository detector has ``positive/`` and ``negative/`` project trees and an
``expected.toml`` beside them listing ``[[expect]] path = ..., line = ...``.

Positive fixtures must produce exactly the expected (line, id) pairs for the fixture's
detector — no more, no fewer; negative fixtures (near misses) none of its evidence. All
detectors run on every fixture, so a detector that crashes on any fixture fails here too.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from proofolio.detectors.base import RepoContext
from proofolio.detectors.engine import detect_file
from proofolio.detectors.registry import default_registry
from proofolio.documents import read_document
from proofolio.models import Evidence, SourceInfo
from proofolio.sources.base import Source, SourceFile

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "detectors"
EXPECT = re.compile(r"\[expect:\s*([^\]]+)\]")
SUFFIXES = (".py", ".ipynb")
# detectors whose input cannot be a folder of files: tested elsewhere
NO_FIXTURE_FOLDER = {
    "COL-git-history": "needs git commits: tests/unit/test_repo_detectors.py",
    "COL-pull-requests": "needs GitHub API data, never files: tests/github/test_pull_requests.py",
}

REGISTRY = default_registry()
FILE_IDS = sorted(
    {row.meta.id for row in REGISTRY.catalog} | {cls.meta.id for cls in REGISTRY.file_classes}
)
REPO_IDS = sorted(cls.meta.id for cls in REGISTRY.repo_classes if cls.meta.id not in NO_FIXTURE_FOLDER)

Key = tuple[object, str]


# --------------------------------------------------------------------------- expectations
def _ids(line: str) -> list[str]:
    found: list[str] = []
    for match in EXPECT.finditer(line):
        found.extend(part.strip() for part in match.group(1).split(",") if part.strip())
    return found


def expectations(path: Path) -> Counter[Key]:
    """Counter of (line or "cell:line", id) written inline in a fixture file."""
    expected: Counter[Key] = Counter()
    if path.suffix == ".ipynb":
        notebook = json.loads(path.read_text("utf-8"))
        for index, cell in enumerate(notebook["cells"]):
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else source
            for number, line in enumerate(text.split("\n"), start=1):
                for detector_id in _ids(line):
                    expected[(f"{index}:{number}", detector_id)] += 1
        return expected
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        for detector_id in _ids(line):
            expected[(number, detector_id)] += 1
    return expected


def evidence_key(evidence: Evidence) -> object:
    location = evidence.location
    return f"{location.cell}:{location.line}" if location.cell is not None else location.line


# --------------------------------------------------------------------------- running
def run_file(path: Path, relative: str | None = None) -> list[Evidence]:
    document = read_document(relative or path.name, path.read_bytes())
    assert not [p for p in document.problems if p.kind not in ("python2", "notebook-run-errors")], document.problems
    evidence, problems = detect_file(document, REGISTRY.file_detectors(), "fixtures", None)
    assert not problems, f"detectors failed on {path}: {problems}"
    return evidence


def build_source(root: Path) -> Source:
    """A Source for a fixture project tree (the real folder collector lives elsewhere)."""
    files = [
        SourceFile(p.relative_to(root).as_posix(), p, p.stat().st_size)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    ]
    return Source(SourceInfo(name=root.parent.name, kind="folder", root=str(root)), root, files)


def run_repo(root: Path) -> list[Evidence]:
    """File detectors over the project's code (repo detectors may look at their evidence), then repo detectors."""
    source = build_source(root)
    file_evidence: list[Evidence] = []
    for file in source.files:
        if file.path.endswith(SUFFIXES):
            file_evidence.extend(run_file(file.abspath, file.path))
    repo = RepoContext(source, tuple(file_evidence))
    for detector in REGISTRY.repo_detectors():
        detector.check(repo)
    return repo.evidence


def fixture_files(detector_id: str, kind: str) -> list[Path]:
    """``positive.py``, ``positive.ipynb`` and extra cases such as ``negative_dashboard.py``."""
    folder = FIXTURES / detector_id
    return sorted(
        p for p in folder.glob(f"{kind}*") if p.is_file() and p.suffix in SUFFIXES and p.stem.split("_")[0] == kind
    )


def only(detector_id: str, counter: Counter[Key]) -> Counter[Key]:
    return Counter({key: n for key, n in counter.items() if key[1] == detector_id})


# --------------------------------------------------------------------------- the fixtures exist
def test_every_detector_has_fixtures() -> None:
    missing = []
    for detector_id in FILE_IDS:
        if not fixture_files(detector_id, "positive") or not fixture_files(detector_id, "negative"):
            missing.append(detector_id)
    for detector_id in REPO_IDS:
        folder = FIXTURES / detector_id
        if not all((folder / name).exists() for name in ("positive", "negative", "expected.toml")):
            missing.append(detector_id)
    assert not missing, f"detectors without positive/negative fixtures: {missing}"


def test_no_fixture_folder_without_a_detector() -> None:
    known = set(FILE_IDS) | set(REPO_IDS)
    stray = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name not in known)
    assert not stray, f"fixture folders for unknown detector ids: {stray}"


# --------------------------------------------------------------------------- file detectors
FILE_CASES = [
    pytest.param(detector_id, path, id=f"{detector_id}/{path.name}")
    for detector_id in FILE_IDS
    for path in fixture_files(detector_id, "positive")
]
NEGATIVE_FILE_CASES = [
    pytest.param(detector_id, path, id=f"{detector_id}/{path.name}")
    for detector_id in FILE_IDS
    for path in fixture_files(detector_id, "negative")
]


@pytest.mark.parametrize(("detector_id", "path"), FILE_CASES)
def test_positive_fixture(detector_id: str, path: Path) -> None:
    expected = only(detector_id, expectations(path))
    assert expected, f"{path} has no [expect: {detector_id}] lines"
    found = Counter((evidence_key(e), e.detector) for e in run_file(path) if e.detector == detector_id)
    assert found == expected, (
        f"\nmissing: {sorted(map(str, (expected - found).elements()))}"
        f"\nunexpected: {sorted(map(str, (found - expected).elements()))}"
    )


@pytest.mark.parametrize(("detector_id", "path"), NEGATIVE_FILE_CASES)
def test_negative_fixture(detector_id: str, path: Path) -> None:
    assert not only(detector_id, expectations(path)), "a negative fixture expects no evidence of its detector"
    found = [e for e in run_file(path) if e.detector == detector_id]
    assert not found, [(evidence_key(e), e.snippet) for e in found]


# --------------------------------------------------------------------------- repository detectors
def repo_expectations(detector_id: str) -> Counter[tuple[str, int | None]]:
    data = tomllib.loads((FIXTURES / detector_id / "expected.toml").read_text("utf-8"))
    return Counter((item["path"], item.get("line")) for item in data.get("expect", []))


@pytest.mark.parametrize("detector_id", REPO_IDS)
def test_positive_repo_fixture(detector_id: str) -> None:
    expected = repo_expectations(detector_id)
    assert expected, f"{detector_id}/expected.toml lists nothing"
    evidence = run_repo(FIXTURES / detector_id / "positive")
    found = Counter((e.location.path, e.location.line) for e in evidence if e.detector == detector_id)
    assert found == expected


@pytest.mark.parametrize("detector_id", REPO_IDS)
def test_negative_repo_fixture(detector_id: str) -> None:
    evidence = run_repo(FIXTURES / detector_id / "negative")
    found = [(e.location.path, e.location.line, e.snippet) for e in evidence if e.detector == detector_id]
    assert not found
