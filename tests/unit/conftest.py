"""Helpers for collector tests: real folders and real git repositories built in tmp_path."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from support import write

ALEX = ("Alex Candidate", "alex@example.org")
BO = ("Bo Other", "bo@example.org")

_BASE_TIME = 1_700_000_000


@pytest.fixture
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No user or system git config may leak into a test (neither ours nor the collector's)."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var, raising=False)
    yield


@dataclass
class Repo:
    """A throwaway git repository; commits get fixed, increasing timestamps."""

    path: Path
    _tick: int = 0

    def git(self, *args: str, author: tuple[str, str] = ALEX) -> str:
        self._tick += 1
        stamp = f"{_BASE_TIME + self._tick * 60} +0000"
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": author[0],
            "GIT_AUTHOR_EMAIL": author[1],
            "GIT_COMMITTER_NAME": author[0],
            "GIT_COMMITTER_EMAIL": author[1],
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        result = subprocess.run(
            ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
            cwd=self.path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
        return result.stdout.strip()

    def write(self, files: dict[str, str | bytes]) -> None:
        write(self.path, files)

    def commit(self, files: dict[str, str | bytes], message: str = "change", author: tuple[str, str] = ALEX) -> str:
        """Write files, stage everything, commit as ``author``; return the new HEAD SHA."""
        self.write(files)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, author=author)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def make_repo(tmp_path: Path, isolated_git: None) -> Callable[..., Repo]:
    """make_repo("name") → an initialised, empty repository at tmp_path/name (branch main)."""

    def factory(name: str = "repo", parent: Path | None = None) -> Repo:
        path = (parent or tmp_path) / name
        path.mkdir(parents=True, exist_ok=True)
        repo = Repo(path)
        repo.git("init", "-q")
        return repo

    return factory
