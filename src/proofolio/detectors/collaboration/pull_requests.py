"""COL-pull-requests: pull requests the candidate opened in other people's repositories."""

from __future__ import annotations

from proofolio.detectors.base import DetectorMeta, RepoContext, RepoDetector
from proofolio.digest import lines_sha256
from proofolio.models import Confidence, Evidence, Location

_CONFIDENCE = {"merged": Confidence.HIGH, "open": Confidence.MEDIUM, "closed": Confidence.LOW}


class PullRequests(RepoDetector):
    meta = DetectorMeta(
        id="COL-pull-requests",
        skill="collaboration",
        title="Contributes pull requests to other people's repositories",
        what=(
            "For a GitHub user (`analyze github:NAME`): each pull request the candidate opened in a repository "
            "they do not own, found with the search API (`is:pr author:NAME -user:NAME`). One evidence per pull "
            "request, located in the target repository, with values: url (the pull request's page), repo, number, "
            "status (merged, open or closed) and created. High confidence when merged (maintainers accepted the "
            "work), medium while open, low when closed without merging."
        ),
        why="Accepted contributions to projects run by others show code review, collaboration and open-source work.",
        example='''
is:pr author:alex -user:alex  ->  Merged PR #12 to scikit-learn-contrib/foo: Fix sample weights   # detected
''',
        not_detected=(
            "Local folders and git repositories (no GitHub data), pull requests within the candidate's own "
            "repositories, reviews and issue comments."
        ),
        scope="repo",
    )

    def check(self, repo: RepoContext) -> None:
        for pull in getattr(repo.source, "pull_requests", ()):
            status = pull.status
            snippet = f"{status.capitalize()} PR #{pull.number} to {pull.repo}: {pull.title} ({pull.html_url})"
            values = (
                ("url", pull.html_url),
                ("repo", pull.repo),
                ("number", str(pull.number)),
                ("status", status),
                ("created", (pull.created_at or "")[:10]),
            )
            repo.evidence.append(
                Evidence(
                    detector=self.meta.id,
                    skill=self.meta.skill,
                    location=Location(pull.repo, None, "", None),
                    snippet=snippet,
                    confidence=_CONFIDENCE.get(status, Confidence.LOW),
                    values=values,
                    cited_sha256=lines_sha256(snippet.splitlines()),
                )
            )
