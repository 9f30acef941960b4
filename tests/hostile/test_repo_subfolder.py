"""`proofolio analyze repo/sub`: a project folder inside a git repository.

It is analysed as a plain folder (no commit, no authorship), and the report says why and
which folder to analyse instead: pinning the commit needs the repository root. The enclosing
repository is untrusted like any other: it is only asked questions through the hardened git.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import CANDIDATE, TRAIN_PY, git, write

from proofolio.sources.git import enclosing_work_tree
from proofolio.sources.local import LocalCollector

SCRIPT = Path(sys.executable).parent / "proofolio"


@pytest.fixture()
def monorepo(tmp_path: Path) -> Path:
    """repo/ with a GitHub remote: models/churn/ is a committed project, scratch/ is not committed."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "remote", "add", "origin", "https://github.com/alex/monorepo.git")
    write(repo, {"models/churn/train.py": TRAIN_PY, "models/churn/requirements.txt": "pandas\n", "README.md": "# all\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "churn model", author=CANDIDATE)
    write(repo, {"scratch/try.py": TRAIN_PY})
    return repo


def analyze(target: str, cwd: Path) -> dict:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run([str(SCRIPT), "analyze", target, "--format", "json", "-q", "--no-cache"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_enclosing_work_tree_is_found_from_any_depth(monorepo: Path, tmp_path: Path) -> None:
    assert enclosing_work_tree(str(monorepo / "models" / "churn")) == (str(monorepo), "models/churn")
    assert enclosing_work_tree(str(monorepo / "models")) == (str(monorepo), "models")
    assert enclosing_work_tree(str(monorepo / ".git" / "hooks")) is None  # inside the repository itself
    assert enclosing_work_tree(str(tmp_path)) is None


def test_a_subfolder_says_why_it_has_no_commit_and_what_to_analyse(monorepo: Path, tmp_path: Path) -> None:
    report = analyze("repo/models/churn", cwd=tmp_path)
    (source,) = report["sources"]
    assert (source["kind"], source["commit"], source["name"]) == ("folder", None, "churn")
    assert [(p["repo"], p["path"], p["kind"], p["reason"]) for p in report["problems"]] == [(
        "churn", "", "inside-git-repo",
        ("analysed as a plain folder: it is models/churn/ of the git repository at repo, so no commit is pinned "
         "and no authorship computed; analyse repo for both"),
    )]
    # the evidence is still there, with paths relative to the folder that was given
    assert "train.py" in {e["location"]["path"] for a in report["assessments"] for e in a["evidence"]}
    # from inside the project, the root is named relative to where the user stands
    inside = analyze(".", cwd=monorepo / "models" / "churn")
    assert inside["problems"][0]["reason"].endswith("of the git repository at ../.., so no commit is pinned "
                                                    "and no authorship computed; analyse ../.. for both")
    # the way out it names works: the root is a git project with a commit
    root = analyze("repo", cwd=tmp_path)
    assert root["sources"][0]["kind"] == "git" and root["sources"][0]["commit"] == git(monorepo, "rev-parse", "HEAD")
    assert not [p for p in root["problems"] if p["kind"] == "inside-git-repo"]


def test_an_absolute_target_names_the_root_in_full(monorepo: Path, tmp_path: Path) -> None:
    (source,) = LocalCollector(monorepo / "models" / "churn").collect()
    assert [p.kind for p in source.problems] == ["inside-git-repo"]
    assert f"of the git repository at {monorepo}, " in source.problems[0].reason


def test_untracked_folders_and_folders_of_projects_stay_plain(monorepo: Path, tmp_path: Path) -> None:
    """Nothing to pin when the repository does not track the folder (a home folder under git, a
    scratch copy); a folder of several projects is a portfolio, whatever holds it."""
    (scratch,) = LocalCollector(monorepo / "scratch").collect()
    assert scratch.info.kind == "folder" and scratch.problems == []
    write(monorepo, {"models/fraud/model.py": TRAIN_PY})
    git(monorepo, "add", "-A")
    git(monorepo, "commit", "-qm", "fraud", author=CANDIDATE)
    projects = list(LocalCollector(monorepo / "models").collect())
    assert [(s.info.name, s.problems) for s in projects] == [("churn", []), ("fraud", [])]


def test_the_enclosing_repository_cannot_run_programs(monorepo: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    git(monorepo, "config", "core.fsmonitor", f"touch {marker}; false")
    (source,) = LocalCollector(monorepo / "models" / "churn").collect()
    assert [p.kind for p in source.problems] == ["inside-git-repo"]
    assert not marker.exists()
