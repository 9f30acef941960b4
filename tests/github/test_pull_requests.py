"""COL-pull-requests: evidence from the pull requests an account source carries, and nothing else."""

from __future__ import annotations

from pathlib import Path

from proofolio.detectors.base import RepoContext
from proofolio.detectors.collaboration.pull_requests import PullRequests
from proofolio.digest import lines_sha256
from proofolio.models import Confidence, Level, SourceInfo
from proofolio.pipeline import analyze_sources
from proofolio.sources.base import Source
from proofolio.sources.github_contributions import AccountSource, PullRequest

MERGED = PullRequest("other-org/big-lib", 12, "Fix weights", "https://github.com/other-org/big-lib/pull/12",
                     "closed", "2025-05-20T12:00:00Z", "2025-05-18T09:00:00Z")
OPEN = PullRequest("other-org/big-lib", 15, "Add a bar", "https://github.com/other-org/big-lib/pull/15",
                   "open", None, "2025-06-02T09:00:00Z")
REJECTED = PullRequest("x/y", 3, "Typo", "https://github.com/x/y/pull/3", "closed", None, "2024-01-01T00:00:00Z")


def account(tmp_path: Path, *pulls: PullRequest) -> AccountSource:
    info = SourceInfo("github:alex-ml", "git", "https://github.com/alex-ml", web_url="https://github.com/alex-ml")
    return AccountSource(info, tmp_path, [], has_history=bool(pulls), pull_requests=pulls)


def run(source: Source) -> list:
    repo = RepoContext(source, ())
    PullRequests().check(repo)
    return repo.evidence


def test_one_evidence_per_pull_request_with_its_link(tmp_path: Path) -> None:
    found = run(account(tmp_path, MERGED, OPEN, REJECTED))
    assert [(e.location.repo, e.value("number"), e.value("status"), e.confidence) for e in found] == [
        ("other-org/big-lib", "12", "merged", Confidence.HIGH),
        ("other-org/big-lib", "15", "open", Confidence.MEDIUM),
        ("x/y", "3", "closed", Confidence.LOW),
    ]
    first = found[0]
    assert first.value("url") == "https://github.com/other-org/big-lib/pull/12"
    assert first.snippet == "Merged PR #12 to other-org/big-lib: Fix weights (https://github.com/other-org/big-lib/pull/12)"
    assert first.value("created") == "2025-05-18"
    assert first.skill == "collaboration" and first.location.commit is None and first.authored_share is None
    assert first.cited_sha256 == lines_sha256([first.snippet])


def test_a_plain_repository_yields_nothing(tmp_path: Path) -> None:
    plain = Source(SourceInfo("alex/churn", "git", str(tmp_path), commit="c" * 40), tmp_path, [], has_history=True)
    assert run(plain) == []
    assert run(account(tmp_path)) == []


def test_pull_requests_alone_make_collaboration_assessed(tmp_path: Path) -> None:
    result = analyze_sources("github:alex-ml", [account(tmp_path, MERGED)])
    collaboration = next(a for a in result.assessments if a.skill == "collaboration")
    assert collaboration.level not in (Level.NOT_ASSESSED, Level.NONE)
    assert [e.value("url") for e in collaboration.evidence] == [MERGED.html_url]
    # without GitHub data the same account says nothing: not assessed, as for a plain folder
    empty = analyze_sources("github:alex-ml", [account(tmp_path)])
    assert next(a for a in empty.assessments if a.skill == "collaboration").level is Level.NOT_ASSESSED
