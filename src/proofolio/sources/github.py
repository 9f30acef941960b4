"""Collect a candidate's GitHub work: list it with the API, clone it, analyse it like a local repo.

Each clone goes through the same LocalCollector as a folder on disk, so GitHub adds no second
analysis path; this module only renames the result to OWNER/REPO with its github.com page,
decides whose commits are the candidate's, and records what could not be collected.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from dataclasses import fields as dataclass_fields
from datetime import date
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from proofolio.limits import DEFAULT_HTTP_TIMEOUT, http_timeout
from proofolio.models import FileAuthorship, Problem, SourceInfo
from proofolio.sources.base import Source, redact_token
from proofolio.sources.clone import CloneError, CloneResult, clone_or_update
from proofolio.sources.git import strip_credentials
from proofolio.sources.github_api import (
    DEFAULT_API_URL,
    GitHubError,
    Listing,
    RepoListing,
    budget_note,
    conditional_requests,
    list_user,
    make_client,
)
from proofolio.sources.github_contributions import AccountSource, PullRequest
from proofolio.sources.local import CollectLimits, LocalCollector
from proofolio.sources.targets import GitHubTarget

CLONE_WORKERS = 3
HTTP_CACHE = "http-cache.sqlite"  # API answers kept for conditional requests, beside the clones
_SAFE_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")  # GitHub's owner/repository characters: a safe cache path
BULK_UPLOAD_MIN_FILES = 5  # one commit adding this many files or more is noted


@dataclass(frozen=True, slots=True)
class GitHubOptions:
    cache_dir: Path
    api_url: str = DEFAULT_API_URL
    token: str | None = None
    max_repos: int | None = None
    since: date | None = None
    include_forks: bool = False
    include_private: bool = False
    author_emails: tuple[str, ...] = ()
    offline: bool = False
    max_wait: float = 60.0
    limits: CollectLimits = field(default_factory=CollectLimits)  # --max-file-bytes/--max-files, per clone


class StageSink(Protocol):
    """Where progress goes: proofolio.progress.Stages on a terminal, nothing otherwise."""

    def stage(self, description: str, total: int | None) -> Callable[[], None]: ...


class _Silent:
    def stage(self, description: str, total: int | None) -> Callable[[], None]:
        return lambda: None


def candidate_emails(login: str, user_id: int | None, extra: Sequence[str] = ()) -> tuple[str, ...]:
    """The addresses GitHub puts on a user's web and CLI commits, plus those the user gave."""
    emails = [f"{login}@users.noreply.github.com"]
    if user_id is not None:
        emails.insert(0, f"{user_id}+{login}@users.noreply.github.com")
    return tuple(dict.fromkeys(e.strip().lower() for e in (*emails, *extra) if e.strip()))


def _host_key(api_url: str) -> str:
    netloc = urlsplit(api_url).netloc or "github"
    return re.sub(r"[^A-Za-z0-9.-]", "_", netloc.lower())


def scrubbed(listing: Listing, token: str | None) -> Listing:
    """The listing with the token removed from every text a server sent (a hostile API may echo it).

    Names, descriptions, pull-request titles and problem reasons reach the cache and reports.
    """
    if not token:
        return listing

    def clean(value: object) -> object:
        if isinstance(value, str):
            return redact_token(value, token)
        if isinstance(value, tuple):
            return tuple(clean(v) for v in value)
        return value

    def fields_of(item: Any) -> Any:
        return replace(item, **{f.name: clean(getattr(item, f.name)) for f in dataclass_fields(item)})

    listing.repos = [fields_of(r) for r in listing.repos]
    listing.pull_requests = [fields_of(p) for p in listing.pull_requests]
    listing.problems = [fields_of(p) for p in listing.problems]
    listing.emails = [redact_token(e, token) for e in listing.emails]
    listing.login = redact_token(listing.login, token)
    return listing


class GitHubCollector:
    """A Collector for ``github:NAME`` and ``https://github.com/OWNER/REPO``."""

    def __init__(
        self,
        target: GitHubTarget,
        options: GitHubOptions,
        stages: StageSink | None = None,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.target = target
        self.options = options
        self.stages: StageSink = stages or _Silent()
        self.notify = notify or (lambda message: None)
        self.root = options.cache_dir / "github" / _host_key(options.api_url)
        self.token_host = urlsplit(options.api_url).netloc.lower()
        if self.token_host == "api.github.com":
            self.token_host = "github.com"  # github.com clones, api.github.com answers
        self.timeout = DEFAULT_HTTP_TIMEOUT  # $PROOFOLIO_HTTP_TIMEOUT, read when the network is first used

    # -- listing ------------------------------------------------------------------------------

    def _listing_file(self) -> Path:
        name = self.target.login.lower() + (f"--{self.target.repo.lower()}" if self.target.repo else "")
        return self.root / "listings" / f"{name}.json"

    def fetch_listing(self) -> Listing:
        """Ask the API (or, offline, the listing saved by the last online run)."""
        if self.options.offline:
            return self._load_listing()
        try:
            self.timeout = http_timeout()
        except ValueError as exc:
            raise GitHubError(str(exc)) from None
        advance = self.stages.stage("listing GitHub", None)
        with conditional_requests(self.root / HTTP_CACHE, self.options.token):
            gh = make_client(self.options.api_url, self.options.token, self.options.max_wait, self.timeout)
            try:
                listing = list_user(
                    gh, self.options.api_url, self.target.login,
                    repo=self.target.repo, since=self.options.since,
                    max_repos=self.options.max_repos, include_forks=self.options.include_forks,
                    include_private=self.options.include_private, timeout=self.timeout,
                )
            except GitHubError as exc:  # the message may quote the server, which may echo the token
                raise GitHubError(redact_token(str(exc), self.options.token)) from None
        listing = scrubbed(listing, self.options.token)
        advance()
        note = budget_note(gh)
        if note:
            self.notify(note)
        self._save_listing(listing)
        return listing

    def _save_listing(self, listing: Listing) -> None:
        path = self._listing_file()
        data = {
            "login": listing.login,
            "user_id": listing.user_id,
            "emails": listing.emails,
            "repos": [asdict(r) for r in listing.repos],
            "pull_requests": [asdict(p) for p in listing.pull_requests],
        }
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(data, indent=1), "utf-8")
        except OSError:
            pass  # the cache is a convenience: a read-only cache must not stop the run

    def _load_listing(self) -> Listing:
        path = self._listing_file()
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            raise GitHubError(f"nothing cached for {self.target.label}: run once without --offline") from None
        repos = [RepoListing(**{**r, "topics": tuple(r.get("topics") or ())}) for r in data["repos"]]
        pulls = [PullRequest(**p) for p in data["pull_requests"]]
        return Listing(login=data["login"], user_id=data.get("user_id"), repos=repos, pull_requests=pulls,
                       emails=list(data.get("emails") or ()))

    # -- collection ---------------------------------------------------------------------------

    def collect(self) -> Iterator[Source]:
        """The account (pull requests, listing problems) first, then one Source per repository."""
        listing = self.fetch_listing()
        label = f"github:{listing.login}"
        problems = list(listing.problems)
        to_clone: list[RepoListing] = []
        for repo in listing.repos:
            if repo.size == 0:
                problems.append(Problem(repo.full_name, "", "empty on GitHub (no content): skipped", kind="empty-repo"))
            else:
                to_clone.append(repo)
        emails = candidate_emails(listing.login, listing.user_id, [*listing.emails, *self.options.author_emails])
        if listing.pull_requests or problems:
            yield self._account(listing, label, problems)
        if not to_clone:
            return
        advance = self.stages.stage("cloning", len(to_clone))
        with ThreadPoolExecutor(max_workers=CLONE_WORKERS, thread_name_prefix="clone") as pool:
            futures = [pool.submit(self._clone, repo, advance) for repo in to_clone]
            for repo, future in zip(to_clone, futures):
                yield self._source(repo, future, listing.login, emails)

    def _account(self, listing: Listing, label: str, problems: list[Problem]) -> AccountSource:
        info = SourceInfo(
            name=label, kind="git", root=f"https://github.com/{listing.login}",
            web_url=f"https://github.com/{listing.login}", candidate=listing.login,
        )
        return AccountSource(
            info=info, root=self.root, files=[], problems=problems,
            has_history=bool(listing.pull_requests), pull_requests=tuple(listing.pull_requests),
        )

    def _clone(self, repo: RepoListing, advance: Callable[[], None]) -> CloneResult:
        owner, _, name = repo.full_name.partition("/")
        try:
            if not (_SAFE_NAME.fullmatch(owner) and _SAFE_NAME.fullmatch(name)) or {owner, name} & {".", ".."}:
                raise CloneError(f"refusing an unexpected repository name from the API: {repo.full_name!r}")
            return clone_or_update(
                repo.clone_url, self.root / "repos" / owner.lower() / name.lower(),
                token=self.options.token, token_host=self.token_host, offline=self.options.offline,
                timeout=self.timeout, branch=repo.default_branch,
            )
        finally:
            advance()

    def _source(self, repo: RepoListing, future: Future[CloneResult], login: str, emails: tuple[str, ...]) -> Source:
        name = repo.full_name
        web_url = repo.html_url or f"https://github.com/{name}"
        try:
            cloned = future.result()
        except CloneError as exc:
            info = SourceInfo(name=name, kind="git", root=web_url, web_url=web_url)
            problem = Problem(name, "", f"could not clone {name}: {exc}", kind="clone-failed")
            return Source(info=info, root=self.root, files=[], problems=[problem])
        found = next(iter(LocalCollector(cloned.path, emails, self.options.limits).collect()))
        problems = [replace(p, repo=name) for p in found.problems]
        if cloned.warning:
            problems.append(Problem(name, "", cloned.warning, kind="fetch-failed"))
        if repo.archived:
            problems.append(Problem(name, "", "archived on GitHub (read-only): analysed as it is", kind="archived-repo"))
        files = found.files
        mine = sum(1 for c in found.commits if c.by_candidate)
        if repo.fork and mine == 0:
            problems.append(Problem(
                name, "", "a fork with no commit by the candidate: its code is someone else's and is not credited",
                kind="fork-without-commits",
            ))
            files = [replace(f, authorship=FileAuthorship(0, f.authorship.total_lines if f.authorship else 1)) for f in files]
        if len(found.commits) == 1 and len(files) >= BULK_UPLOAD_MIN_FILES:
            problems.append(Problem(
                name, "", f"the whole history is one commit adding {len(files)} files: "
                "it says nothing about how the work was done", kind="bulk-upload",
            ))
        info = replace(
            found.info,
            name=name,
            root=web_url,
            remote_url=strip_credentials(repo.clone_url),
            web_url=web_url,
            candidate=f"{login} ({', '.join(emails)})",
            fetched_bytes=cloned.fetched_bytes,
        )
        return Source(
            info=info, root=found.root, files=files, commits=found.commits,
            problems=problems, has_history=found.has_history,
        )
