"""Bounds that keep one hostile or data-like file from dominating a run.

Every skip caused by a limit is a Problem whose reason names the limit and its value, so a
user can raise it (`proofolio analyze --max-code-bytes ...`). docs/limits.md lists them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Limits applied when a file's bytes become a Document."""

    # Python source (a .py file, or a notebook's code cells joined) parsed at most; larger is
    # data-like (generated tables, embedded arrays) and costs gigabytes of AST: 10 MB → 4.9 GB.
    max_code_bytes: int = 1_000_000
    # Notebook cells read at most; the rest are skipped (a problem says so).
    max_notebook_cells: int = 5_000


DEFAULT_READ_LIMITS = ReadLimits()


def human_bytes(size: int) -> str:
    """`2.5 kB`, `31.0 MB`: sizes in problem reasons."""
    for unit, factor in (("MB", 1_000_000), ("kB", 1_000)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} B"
