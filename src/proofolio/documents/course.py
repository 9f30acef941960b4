"""Course exercises: files a course wrote most of (Kaggle Learn exercises, Coursera's graded assignments).

The candidate fills in a few lines between the course's own code, so what the file shows is
mostly the course's: its evidence is credited as a file written mostly by someone else.
"""

from __future__ import annotations

from proofolio.documents.base import Document

# Kaggle Learn's exercise checker, and the markers of Coursera/deeplearning.ai graded notebooks
COURSE_IMPORTS = ("learntools",)
COURSE_MARKERS = ("### START CODE HERE", "# GRADED FUNCTION", "# GRADED CLASS")
COURSE_SHARE = 0.25  # the candidate's share of a course exercise, as git blame would give a file mostly others wrote


def course_share_cap(document: Document) -> float | None:
    """COURSE_SHARE for a course exercise, None for anything else."""
    if any(document.imports.imports(package) for package in COURSE_IMPORTS):
        return COURSE_SHARE
    source = document.source
    if "CODE HERE" in source or "GRADED" in source:
        return COURSE_SHARE if any(marker in source for marker in COURSE_MARKERS) else None
    return None


def capped_share(share: float | None, cap: float | None) -> float | None:
    """The authored share of a file, no more than ``cap`` (unknown authorship takes the cap)."""
    if cap is None:
        return share
    return cap if share is None else min(share, cap)
