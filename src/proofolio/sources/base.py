"""The Source a collector yields, and the small protocol every collector follows."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from proofolio.models import FileAuthorship, Problem, SourceInfo


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One collected file of a project."""

    path: str  # relative to the project root, forward slashes
    abspath: Path
    size: int
    committed: bool = False  # identical to the file at the source's commit (permalinks hold)
    blob: str | None = None  # git blob id when committed; a cache key later
    authorship: FileAuthorship | None = None


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    author_name: str
    author_email: str
    timestamp: int
    by_candidate: bool


@dataclass(slots=True)
class Source:
    """A project to analyse: its identity, its files and, for git repos, its history."""

    info: SourceInfo
    root: Path
    files: list[SourceFile]
    commits: tuple[Commit, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    has_history: bool = False
    _by_path: dict[str, SourceFile] | None = None

    def file(self, path: str) -> SourceFile | None:
        if self._by_path is None:
            self._by_path = {f.path: f for f in self.files}
        return self._by_path.get(path)

    def commit_for(self, path: str) -> str | None:
        """The commit a permalink to ``path`` may use: None when the file differs from it."""
        if self.info.commit is None:
            return None
        found = self.file(path) if path else None
        if found is not None and not found.committed:
            return None
        return self.info.commit


def redact_token(text: str, token: str | None) -> str:
    """``text`` without the token, also in the base64 forms an Authorization header carries it in.

    Error messages can quote what a server or git said, and a server may echo a header back;
    whatever reaches a terminal, a report or the cache goes through here first.
    """
    if not token:
        return text
    forms = (token, *(base64.b64encode(raw.encode()).decode("ascii") for raw in (f"x-access-token:{token}", token)))
    for form in forms:
        text = text.replace(form, "***")
    return text


class Collector(Protocol):
    """Anything that turns a target into Sources: a folder, a git repo, a GitHub user."""

    def collect(self) -> Iterator[Source]:
        """Yield one Source per project; record per-project failures as problems."""
        ...
