"""Lean clones: only what proofolio reads reaches the work tree; datasets and weights stay on the server."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

import pytest
from support import CANDIDATE, ROOT, commit_files, git, serve_bare

from proofolio.detectors.base import RepoContext
from proofolio.detectors.registry import default_registry
from proofolio.sources.clone import SPARSE_PATTERNS, clone_or_update
from proofolio.sources.local import LocalCollector

BIG = 3_000_000  # over the partial-clone blob limit (1 MB)


@pytest.fixture()
def served(tmp_path: Path) -> Path:
    """A repository with code, a notebook, docs, requirements, CI, and a dataset and weights over 1 MB."""
    commit_files(tmp_path / "work", {
        "train.py": "import pandas as pd\ndf = pd.read_csv('data/train.csv')\ndf = df.dropna()\n",
        "explore.ipynb": '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
        "README.md": "# Churn\n\nTrain with `python train.py` on `data/train.csv`.\n",
        "requirements.txt": "pandas==2.2.0\n",
        ".github/workflows/ci.yml": "on: push\njobs: {}\n",
        "data/train.csv": b"a,b\n" + os.urandom(BIG // 2).hex().encode()[:BIG],
        "models/model.pt": os.urandom(BIG),
        "data/small.csv": "a,b\n1,2\n",
    })
    return serve_bare(tmp_path / "work", tmp_path / "served.git")


def test_datasets_and_weights_are_neither_checked_out_nor_downloaded(served: Path, tmp_path: Path) -> None:
    dest = tmp_path / "cache" / "alex" / "churn"
    result = clone_or_update(served.as_uri(), dest)
    present = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file() and ".git" not in p.parts)
    assert present == [".github/workflows/ci.yml", "README.md", "explore.ipynb", "requirements.txt", "train.py"]
    assert 0 < result.fetched_bytes < 20_000  # a few kB: neither 3 MB blob came down
    assert git(dest, "status", "--porcelain") == ""  # the sparse work tree is clean, not "deleted"


def test_files_outside_the_work_tree_are_still_part_of_the_project(served: Path, tmp_path: Path) -> None:
    dest = tmp_path / "cache" / "alex" / "churn"
    clone_or_update(served.as_uri(), dest)
    (source,) = LocalCollector(dest, (CANDIDATE[1],)).collect()
    by_path = {f.path: f for f in source.files}
    assert {"data/train.csv", "models/model.pt", "data/small.csv", "train.py"} <= set(by_path)
    assert by_path["data/train.csv"].committed and not by_path["data/train.csv"].abspath.exists()
    repo = RepoContext(source, ())
    assert repo.read_text("models/model.pt") == ""  # nothing to read, nothing fetched


def test_a_fetch_reports_only_what_it_downloaded(served: Path, tmp_path: Path) -> None:
    dest = tmp_path / "cache" / "alex" / "churn"
    clone_or_update(served.as_uri(), dest)
    again = clone_or_update(served.as_uri(), dest)
    assert again.action == "fetched" and again.fetched_bytes == 0


def _sparse_match(path: str) -> bool:
    """git's non-cone sparse patterns, as gitignore matches them (basename globs, `/dir/` prefixes)."""
    name = path.rsplit("/", 1)[-1]
    for pattern in SPARSE_PATTERNS:
        if pattern.startswith("/") and pattern.endswith("/"):
            if path.startswith(pattern[1:]):
                return True
        elif pattern.startswith("/"):
            if fnmatch.fnmatchcase(path, pattern[1:]):
                return True
        elif "/" in pattern:
            if fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, "*/" + pattern):
                return True
        elif fnmatch.fnmatchcase(name, pattern):
            return True
    return False


def test_every_file_a_repository_detector_reads_is_checked_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sparse patterns cannot fall behind the detectors: every read on the fixture projects is covered."""
    read: set[str] = set()
    original = RepoContext.read_text

    def recording(self: RepoContext, path: str, limit: int = 512_000) -> str:
        read.add(path)
        return original(self, path, limit)

    monkeypatch.setattr(RepoContext, "read_text", recording)
    registry = default_registry()
    roots = [ROOT / "examples" / "portfolio", ROOT / "fixtures" / "eval", ROOT / "fixtures" / "detectors"]
    for root in roots:
        for source in LocalCollector(root, ()).collect():
            context = RepoContext(source, ())
            for detector in registry.repo_detectors():
                detector.check(context)
    assert len(read) >= 30
    uncovered = sorted(p for p in read if not _sparse_match(p))
    assert not uncovered, f"repository detectors read files a lean clone does not check out: {uncovered}"


def test_the_report_and_stderr_say_what_each_repository_cost(github, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """End to end on the stand-in: a repository with a 3 MB dataset downloads a few kB, and says so."""
    import json

    from ghsupport import invoke

    owner = "lean-owner"
    work = tmp_path / "work" / "heavy"
    commit_files(work, {"train.py": "import pandas as pd\ndf = pd.read_csv('data/big.csv')\n", "data/big.csv": os.urandom(BIG)})
    serve_bare(work, github.git_root / owner / "heavy.git")
    if owner not in github.users:
        github.add_user(owner, 4343, "Lean Owner")
        github.add_repo(owner, "heavy")
    home, out = tmp_path / "home", tmp_path / "r.json"
    home.mkdir()
    done = invoke(github.base_url, home, f"github:{owner}", "--cache-dir", str(tmp_path / "c"), "-o", str(out))
    assert done.code == 0, done.stderr
    (source,) = json.loads(out.read_text("utf-8"))["sources"]
    assert 0 < source["fetched_bytes"] < 20_000
    assert f"downloaded {source['fetched_bytes'] / 1000:.1f} kB for 1 repository (most: {owner}/heavy" in done.stderr
