"""Bounds that keep one hostile or data-like file from dominating a run.

Every skip caused by a limit is a Problem whose reason names the limit and its value, so a
user can raise it (`proofolio analyze --max-code-bytes ...`). docs/limits.md lists them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
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


# name → (option, what it bounds, problem kind when it applies); defaults come from the
# dataclasses themselves, so docs/limits.md (generated) cannot drift from the code.
LIMIT_DOCS: dict[str, tuple[str, str, str]] = {
    "max_file_bytes": ("--max-file-bytes", "Size of any one collected file; larger files are skipped.", "too-large"),
    "max_files": ("--max-files", "Files collected per project; the rest (in path order) are skipped.", "too-many-files"),
    "max_code_bytes": ("--max-code-bytes", "Python source parsed per file (a .py file, or a notebook's code cells joined); "
                       "larger code is data-like and is skipped.", "too-large"),
    "max_notebook_cells": ("--max-cells", "Cells read per notebook; later cells are skipped.", "too-many-cells"),
}


# -- network ----------------------------------------------------------------------------------

HTTP_TIMEOUT_ENV = "PROOFOLIO_HTTP_TIMEOUT"
DEFAULT_HTTP_TIMEOUT = 30  # seconds
_MAX_HTTP_TIMEOUT = 3600


def http_timeout(environ: Mapping[str, str] | None = None) -> int:
    """Seconds a GitHub API request, or a clone or fetch, may go without receiving data.

    Set through ``$PROOFOLIO_HTTP_TIMEOUT`` rather than an option: it is a property of the
    network a user is on (a slow proxy), not of one run. A stalled server then costs this
    long per try instead of hanging the run. Whole seconds, as PyGithub and git's
    http.lowSpeedTime take them. Raises ValueError with a one-line message.
    """
    raw = (os.environ if environ is None else environ).get(HTTP_TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_HTTP_TIMEOUT
    value = int(raw) if raw.isdigit() else 0
    if not 1 <= value <= _MAX_HTTP_TIMEOUT:
        raise ValueError(f"{HTTP_TIMEOUT_ENV} must be a whole number of seconds from 1 to {_MAX_HTTP_TIMEOUT}, not {raw!r}")
    return value
