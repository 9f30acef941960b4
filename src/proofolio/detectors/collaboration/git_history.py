"""COL-git-history: the candidate's own commits in a project's history."""

from __future__ import annotations

from datetime import UTC, datetime

from proofolio.detectors.base import DetectorMeta, RepoContext, RepoDetector
from proofolio.models import Confidence


def _month(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m")


def _day(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


class GitHistory(RepoDetector):
    meta = DetectorMeta(
        id="COL-git-history",
        skill="collaboration",
        title="Commits work steadily under version control",
        what=(
            "For a project with git history: the commits authored by the candidate. One evidence per project "
            "(no file or line) with values: commits, candidate_commits, first and last (ISO dates, UTC), "
            "active_months (distinct months with a candidate commit) and span_months. High confidence with at "
            "least five commits over two or more months, medium with two or more commits, low with one."
        ),
        why="Regular commits over time show version-control habits and continuous work, which employers read from GitHub.",
        example='''
git log --author=candidate   ->  42 of 45 commits, 2024-01-08 .. 2024-06-30, 6 active months   # detected
''',
        not_detected=(
            "Plain folders without git (collaboration is then not assessed), projects where the candidate has no "
            "commits (forks), and pull requests or reviews (need the GitHub API)."
        ),
        scope="repo",
    )

    def check(self, repo: RepoContext) -> None:
        source = repo.source
        if not source.has_history or not source.commits:
            return
        mine = sorted(c.timestamp for c in source.commits if c.by_candidate)
        if not mine:
            return
        months = {_month(t) for t in mine}
        first, last = mine[0], mine[-1]
        first_month = datetime.fromtimestamp(first, UTC)
        last_month = datetime.fromtimestamp(last, UTC)
        span = (last_month.year - first_month.year) * 12 + last_month.month - first_month.month + 1
        if len(mine) >= 5 and len(months) >= 2:
            confidence = Confidence.HIGH
        elif len(mine) >= 2:
            confidence = Confidence.MEDIUM
        else:
            confidence = Confidence.LOW
        snippet = (
            f"{len(mine)} of {len(source.commits)} commits by the candidate, "
            f"{_day(first)} .. {_day(last)}, {len(months)} active month{'s' if len(months) != 1 else ''}"
        )
        values = (
            ("commits", str(len(source.commits))),
            ("candidate_commits", str(len(mine))),
            ("first", _day(first)),
            ("last", _day(last)),
            ("active_months", str(len(months))),
            ("span_months", str(span)),
        )
        repo.emit(self.meta, "", None, snippet, confidence, values)
