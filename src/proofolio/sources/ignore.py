"""Which directories and files a collector never looks at: tool dirs, environments, .gitignore.

Kept apart from the walker so discovery (is there any code here?) and collection (list every
file) apply exactly the same rules.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pathspec loads with the first ignore file: most folders have none
    import pathspec

# Directories that hold tools, caches, dependencies or build output, never the candidate's work.
SKIP_DIR_NAMES: frozenset[str] = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "site-packages",
        "__pycache__",
        ".ipynb_checkpoints",
        "build",
        "dist",
        ".eggs",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".venv",
        "venv",
        "virtualenv",
    }
)

# Present inside a directory that is a Python virtualenv or a conda environment, whatever its name.
ENV_MARKER_FILE = "pyvenv.cfg"
ENV_MARKER_DIR = "conda-meta"


def skip_dir_name(name: str) -> bool:
    """True for a directory the walker never enters, judged by its name alone."""
    return name in SKIP_DIR_NAMES or name.endswith(".egg-info")


def is_env_listing(names: Iterable[str]) -> bool:
    """True when a directory's entry names show it is a virtualenv or conda env."""
    for name in names:
        if name == ENV_MARKER_FILE or name == ENV_MARKER_DIR:
            return True
    return False


def is_env_dir(path: str) -> bool:
    """True when ``path`` is a virtualenv or conda env (two stats; for discovery only)."""
    return os.path.isfile(os.path.join(path, ENV_MARKER_FILE)) or os.path.isdir(os.path.join(path, ENV_MARKER_DIR))


def parse_ignore_lines(lines: Sequence[str]) -> pathspec.GitIgnoreSpec | None:
    """Compile gitignore lines; a bad line is dropped rather than losing the whole file."""
    import pathspec

    try:
        spec = pathspec.GitIgnoreSpec.from_lines(lines)
    except Exception:  # noqa: BLE001 - pathspec raises several types for malformed patterns
        good: list[str] = []
        for line in lines:
            try:
                pathspec.GitIgnoreSpec.from_lines([line])
            except Exception:  # noqa: BLE001
                continue
            good.append(line)
        spec = pathspec.GitIgnoreSpec.from_lines(good)
    return spec if len(spec.patterns) else None


def read_ignore_file(path: str) -> pathspec.GitIgnoreSpec | None:
    """Read one .gitignore / info/exclude; missing or unreadable files ignore nothing."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(1_000_000)
    except OSError:
        return None
    text = data.decode("utf-8", errors="surrogateescape")
    return parse_ignore_lines(text.splitlines())


@dataclass(frozen=True, slots=True)
class IgnoreLevel:
    """Patterns from one ignore file, which match paths relative to ``base`` (posix, '' = root)."""

    base: str
    spec: pathspec.GitIgnoreSpec


class IgnoreStack:
    """The ignore files in force for one directory: root first, deepest last.

    Git's precedence: a deeper .gitignore overrides a shallower one, every .gitignore overrides
    .git/info/exclude, and inside one file the last matching pattern wins (pathspec does that).
    Immutable: ``push`` returns a new stack, so the walker can hand one to each subdirectory.
    """

    __slots__ = ("levels",)

    def __init__(self, levels: tuple[IgnoreLevel, ...] = ()) -> None:
        self.levels = levels

    def push(self, base: str, spec: pathspec.GitIgnoreSpec | None) -> IgnoreStack:
        if spec is None:
            return self
        return IgnoreStack(self.levels + (IgnoreLevel(base, spec),))

    def ignored(self, rel: str, is_dir: bool) -> bool:
        """Is the project-relative posix path ``rel`` ignored? Directories match ``dir/`` patterns."""
        for level in reversed(self.levels):
            sub = rel[len(level.base) + 1 :] if level.base else rel
            result = level.spec.check_file(sub + "/" if is_dir else sub)
            if result.include is not None:
                return result.include
        return False
