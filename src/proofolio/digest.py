"""Hashes that let a recruiter check a report: of cited lines, and (later) of the report."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def lines_sha256(lines: Sequence[str]) -> str:
    """SHA-256 of the cited lines joined with newlines, trailing whitespace ignored per line."""
    text = "\n".join(line.rstrip() for line in lines)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
