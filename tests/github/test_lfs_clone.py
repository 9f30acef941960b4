"""Cloning a repository that uses Git LFS on a machine where git-lfs is installed and configured.

`git lfs install` puts a `filter.lfs` driver (required = true) in the user's git config; a
clone would then run git-lfs at checkout for every file .gitattributes routes through it.
proofolio blanks every configured filter driver for its clones and fetches, so checkout keeps
the pointer files, which the report names as `lfs-pointer` problems.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from ghsupport import invoke
from standin import StandIn
from support import TRAIN_PY, commit_files, git, serve_bare

OWNER = "lfs-owner"
POINTER = ("version https://git-lfs.github.com/spec/v1\n"
           "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 48213004\n")


@pytest.fixture(scope="module")
def lfs_served(github_server: StandIn, tmp_path_factory: pytest.TempPathFactory) -> str:
    """OWNER/data-heavy on the stand-in: a notebook and a dataset committed as LFS pointers."""
    work = tmp_path_factory.mktemp("lfs-work") / "data-heavy"
    commit_files(work, {
        ".gitattributes": "*.ipynb filter=lfs diff=lfs merge=lfs -text\n*.csv filter=lfs diff=lfs merge=lfs -text\n",
        "analysis.ipynb": POINTER, "data/train.csv": POINTER, "train.py": TRAIN_PY,
    }, "notebook and data in LFS")
    bare = serve_bare(work, github_server.git_root / OWNER / "data-heavy.git")
    if OWNER not in github_server.users:
        github_server.add_user(OWNER, 4242, "Lee Fs")
        github_server.add_repo(OWNER, "data-heavy")
    return git(bare, "rev-parse", "HEAD")


def test_clone_and_fetch_never_run_git_lfs(github: StandIn, lfs_served: str, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    marker = tmp_path / "git-lfs-ran"
    (bin_dir / "git-lfs").write_text(f"#!/bin/sh\necho \"$@\" >> '{marker}'\nexit 1\n")
    (bin_dir / "git-lfs").chmod(0o755)
    config = tmp_path / "gitconfig"  # what `git lfs install` writes, plus required = true
    config.write_text('[filter "lfs"]\n\tclean = git-lfs clean -- %f\n\tsmudge = git-lfs smudge -- %f\n'
                      "\tprocess = git-lfs filter-process\n\trequired = true\n")
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GIT_CONFIG_GLOBAL": str(config)}
    home, out, cache = tmp_path / "home", tmp_path / "r.json", str(tmp_path / "c")
    home.mkdir()
    for run in ("clone", "fetch"):  # the second run updates the cached clone: fetch + reset --hard
        done = invoke(github.base_url, home, f"github:{OWNER}", "--cache-dir", cache, "-o", str(out), "--quiet", env=env)
        assert done.code == 0, (run, done.stderr)
        assert not marker.exists(), (run, marker.read_text())
        data = json.loads(out.read_text("utf-8"))
        # the dataset's pointer is not even checked out (lean clones leave data on the server);
        # the notebook's is, and is named
        assert {(p["path"], p["kind"]) for p in data["problems"]} == {("analysis.ipynb", "lfs-pointer")}, run
        (source,) = [s for s in data["sources"] if s["name"] == f"{OWNER}/data-heavy"]
        assert source["commit"] == lfs_served
    clone = next(Path(cache).rglob("data-heavy"))
    assert (clone / "analysis.ipynb").read_text() == POINTER  # checkout kept the pointer
    assert "[filter" not in (clone / ".git" / "config").read_text()  # the blanking was never persisted
