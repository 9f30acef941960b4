"""Work a candidate did outside their own repositories: pull requests to other people's projects.

A repository detector only sees one project's files, so these contributions travel on a
Source of their own (the GitHub account), which the COL-pull-requests detector reads.
Kept free of PyGithub so detector discovery stays cheap to import.
"""

from __future__ import annotations

from dataclasses import dataclass

from proofolio.sources.base import Source


@dataclass(frozen=True, slots=True)
class PullRequest:
    """A pull request the candidate opened in someone else's repository."""

    repo: str  # owner/name
    number: int
    title: str
    html_url: str
    state: str  # open / closed
    merged_at: str | None
    created_at: str | None

    @property
    def status(self) -> str:
        return "merged" if self.merged_at else ("open" if self.state == "open" else "closed")


@dataclass(slots=True)
class AccountSource(Source):
    """The candidate's GitHub account: no files, but contributions and listing problems."""

    pull_requests: tuple[PullRequest, ...] = ()
