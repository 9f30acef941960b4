"""Ask the GitHub REST API (through PyGithub) for a user's repositories and pull requests.

Only list endpoints are used and every field is read from the list payload, so one user
costs a handful of requests: the profile, the repository pages and the search pages.
Whatever stops listing half-way (rate limit, a server that keeps failing) becomes a Problem
saying what is missing; only failures that make the run meaningless (bad token, unknown
user, unreachable API) raise GitHubError, which the command shows as one line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import requests
import urllib3.exceptions
from github import Auth, Github, GithubException, GithubRetry
from github.GithubException import (
    BadCredentialsException,
    RateLimitExceededExceedsMaxWait,
    RateLimitExceededException,
    UnknownObjectException,
)

from proofolio import __version__
from proofolio.limits import DEFAULT_HTTP_TIMEOUT, HTTP_TIMEOUT_ENV
from proofolio.models import Problem
from proofolio.sources.base import redact_token
from proofolio.sources.github_contributions import PullRequest

DEFAULT_API_URL = "https://api.github.com"
PER_PAGE = 100
RETRIES = 5  # 5xx, 429 and dropped connections, with exponential backoff
# Of those, a dropped connection or a read timeout is retried twice only: a server that stalls
# costs three timeouts (not six) before the run says so.
READ_RETRIES = 2
LOW_BUDGET = 100  # show the remaining request budget below this


class GitHubError(Exception):
    """The run cannot proceed; the message is one line and never holds the token."""


@dataclass(frozen=True, slots=True)
class RepoListing:
    """One repository as the list endpoint describes it (OpenAPI ``minimal-repository``)."""

    full_name: str
    clone_url: str
    html_url: str
    fork: bool
    archived: bool
    size: int
    default_branch: str | None  # None when the API did not say
    pushed_at: str | None
    description: str | None = None
    language: str | None = None
    topics: tuple[str, ...] = ()
    stars: int = 0
    forks: int = 0
    homepage: str | None = None
    private: bool = False


@dataclass(slots=True)
class Listing:
    """Everything the API told us about one candidate, cacheable as JSON for --offline."""

    login: str
    user_id: int | None
    repos: list[RepoListing] = field(default_factory=list)
    pull_requests: list[PullRequest] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped_forks: int = 0
    skipped_private: int = 0
    emails: list[str] = field(default_factory=list)  # on commits GitHub attributes to the login


class _Retry(GithubRetry):
    """GithubRetry that also treats HTTP 429 as a rate limit (GitHub documents "403 or 429")."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("status_forcelist", [*range(500, 600), 429])
        super().__init__(**kwargs)

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):  # type: ignore[no-untyped-def,override]
        if response is not None and response.status == 429:
            wait = _rate_limit_wait(response.headers, self.secondary_rate_wait)
            if self.max_rate_limit_wait is not None and wait > self.max_rate_limit_wait:
                raise RateLimitExceededExceedsMaxWait(429, {"message": "rate limited (HTTP 429)"}, dict(response.headers), wait=wait)
            retry = super().increment(method, url, response, error, _pool, _stacktrace)
            if "Retry-After" not in response.headers:  # urllib3 honours Retry-After itself
                retry.get_backoff_time = lambda: wait  # type: ignore[method-assign]
            return retry
        return super().increment(method, url, response, error, _pool, _stacktrace)


def _rate_limit_wait(headers: Any, default: float) -> float:
    """Seconds until GitHub will answer again: Retry-After, else the reset time, else ``default``."""
    after = headers.get("Retry-After")
    if after is not None and str(after).strip().isdigit():
        return float(after)
    if headers.get("X-RateLimit-Remaining") == "0":
        reset = headers.get("X-RateLimit-Reset")
        if reset and str(reset).isdigit():
            return max(0.0, int(reset) - datetime.now(UTC).timestamp()) + 1
    return default


@contextmanager
def conditional_requests(cache_file: Path, token: str | None = None) -> Iterator[None]:
    """Inside, every API GET revalidates the answer stored by the last run (``If-None-Match``).

    An unchanged listing comes back as ``304 Not Modified``: no body, and for an authenticated
    client no cost to the rate limit. requests-cache keeps the answers in one SQLite file and
    never stores or keys on the Authorization header; an answer that quotes the token anyway
    (a hostile server) is not stored at all. When the file cannot be used the run simply goes
    without it.
    """
    import requests_cache  # loaded for GitHub targets only

    def storable(response: requests.Response) -> bool:
        return not token or redact_token(response.text, token) == response.text

    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        patch = requests_cache.enabled(
            str(cache_file), backend="sqlite", expire_after=requests_cache.EXPIRE_IMMEDIATELY,
            always_revalidate=True, allowable_codes=(200,), allowable_methods=("GET",), filter_fn=storable,
        )
        patch.__enter__()
    except Exception:  # noqa: BLE001 - a corrupt or unwritable HTTP cache only costs full answers
        yield
        return
    try:
        yield
    finally:
        patch.__exit__(None, None, None)


def make_client(api_url: str, token: str | None, max_wait: float, timeout: int = DEFAULT_HTTP_TIMEOUT) -> Github:
    """A PyGithub client that names proofolio, waits at most ``max_wait`` for a rate limit, retries faults.

    ``timeout`` bounds each request (connecting, and each wait for data): a stalled API ends
    in a timeout, retried READ_RETRIES times, never a hang.
    """
    per_page = int(os.environ.get("PROOFOLIO_GITHUB_PER_PAGE") or PER_PAGE)  # tests: paginate small lists
    # A refused connection is retried twice only: an unreachable API should fail in about a second.
    backoff = float(os.environ.get("PROOFOLIO_GITHUB_BACKOFF") or 0.5)  # tests: same retries, shorter sleeps
    retry = _Retry(total=RETRIES, connect=2, read=READ_RETRIES, backoff_factor=backoff, backoff_max=8,
                   max_rate_limit_wait=max_wait, secondary_rate_wait=min(60.0, max_wait))
    return Github(
        base_url=api_url.rstrip("/"),
        auth=Auth.Token(token) if token else None,
        user_agent=f"proofolio/{__version__}",
        seconds_between_requests=0,
        per_page=per_page,
        retry=retry,
        timeout=timeout,
    )


def _message(exc: GithubException) -> str:
    data = exc.data if isinstance(exc.data, dict) else {}
    return str(data.get("message") or exc.status)


def timed_out(exc: BaseException) -> bool:
    """Did the request fail because the server sent nothing in time (requests wraps urllib3's timeouts)?"""
    if isinstance(exc, requests.exceptions.Timeout):
        return True
    return any(_urllib3_timeout(arg) or _urllib3_timeout(getattr(arg, "reason", None)) for arg in exc.args)


def _urllib3_timeout(error: object) -> bool:
    # urllib3 makes a refused connection (NewConnectionError) a ConnectTimeoutError too: not a stall.
    return isinstance(error, urllib3.exceptions.TimeoutError) and not isinstance(error, urllib3.exceptions.NewConnectionError)


def _timeout_text(timeout: int) -> str:
    return f"no answer within {timeout} s, {READ_RETRIES + 1} tries; ${HTTP_TIMEOUT_ENV} sets the limit"


def fatal(exc: Exception, api_url: str, what: str, timeout: int = DEFAULT_HTTP_TIMEOUT) -> GitHubError:
    """The one-line error for a failure that stops the run before anything was listed."""
    if isinstance(exc, BadCredentialsException):
        return GitHubError("GitHub rejected the token (bad credentials)")
    if isinstance(exc, UnknownObjectException):
        return GitHubError(f"GitHub {what} not found")
    if isinstance(exc, RateLimitExceededException):
        return GitHubError(f"GitHub rate limit exceeded{_reset_text(exc.headers)}; try later, with a token, or a larger --max-wait")
    if isinstance(exc, GithubException):
        return GitHubError(f"GitHub API error {exc.status} for {what}: {_message(exc)}")
    if isinstance(exc, requests.exceptions.RetryError):
        return GitHubError(f"the GitHub API at {api_url} kept failing (gave up after {RETRIES} retries)")
    if timed_out(exc):
        return GitHubError(f"the GitHub API at {api_url} stopped answering ({_timeout_text(timeout)})")
    return GitHubError(f"cannot reach the GitHub API at {api_url} ({type(exc).__name__})")


def _reset_text(headers: Any) -> str:
    reset = (headers or {}).get("X-RateLimit-Reset") or (headers or {}).get("x-ratelimit-reset")
    if reset and str(reset).isdigit():
        return f" until {datetime.fromtimestamp(int(reset), UTC):%H:%M} UTC"
    return ""


def _interruption(exc: Exception, label: str, what_missing: str, timeout: int = DEFAULT_HTTP_TIMEOUT) -> Problem:
    """A Problem for listing that stopped half-way: which part of the data is missing and why."""
    if isinstance(exc, RateLimitExceededException):
        reason = f"GitHub rate limit reached{_reset_text(exc.headers)}: {what_missing}"
        return Problem(label, "", reason, kind="rate-limited")
    if isinstance(exc, GithubException):
        detail = f"HTTP {exc.status}: {_message(exc)}"
    elif timed_out(exc):
        detail = _timeout_text(timeout)
    else:
        detail = type(exc).__name__
    return Problem(label, "", f"GitHub API failed ({detail}): {what_missing}", kind="github-error")


ERRORS = (GithubException, requests.exceptions.RequestException)


def _date(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if isinstance(value, datetime) else (value or None)


def _repo_listing(raw: dict[str, Any]) -> RepoListing:
    return RepoListing(
        full_name=raw["full_name"],
        clone_url=raw["clone_url"],
        html_url=raw.get("html_url") or "",
        fork=bool(raw.get("fork")),
        archived=bool(raw.get("archived")),
        private=bool(raw.get("private")),
        size=int(raw.get("size") or 0),
        default_branch=raw.get("default_branch") or None,
        pushed_at=raw.get("pushed_at"),
        description=raw.get("description"),
        language=raw.get("language"),
        topics=tuple(raw.get("topics") or ()),
        stars=int(raw.get("stargazers_count") or 0),
        forks=int(raw.get("forks_count") or 0),
        homepage=raw.get("homepage") or None,
    )


def list_user(
    gh: Github,
    api_url: str,
    login: str,
    *,
    repo: str | None = None,
    since: date | None = None,
    max_repos: int | None = None,
    include_forks: bool = False,
    include_private: bool = False,
    timeout: int = DEFAULT_HTTP_TIMEOUT,
) -> Listing:
    """The user's public repositories (most recently pushed first) and outside pull requests.

    Raises GitHubError when the user cannot be read at all; later failures become problems.
    ``timeout`` is the client's, for the reason given when the API stops answering.
    """
    try:
        user = gh.get_user(login)
        user_id = int(user.id)
        login = user.login
    except ERRORS as exc:
        raise fatal(exc, api_url, f"user '{login}'", timeout) from None
    listing = Listing(login=login, user_id=user_id)
    label = f"github:{login}"
    if repo is not None:
        try:
            one = gh.get_repo(f"{login}/{repo}")
        except ERRORS as exc:
            raise fatal(exc, api_url, f"repository '{login}/{repo}'", timeout) from None
        found = _repo_listing(one._rawData)  # raw payload: no lazy re-fetch
        if found.private and not include_private:
            raise GitHubError(f"repository '{login}/{repo}' is private: pass --include-private to analyse it")
        listing.repos.append(found)
        listing.emails = _commit_emails(gh, login, listing, label, timeout)
        return listing
    try:
        # Sorted by push date, so --since and --max-repos can stop paginating early.
        for item in user.get_repos(type="owner", sort="pushed", direction="desc"):
            found = _repo_listing(item._rawData)
            if since is not None and found.pushed_at and found.pushed_at[:10] < since.isoformat():
                break
            if found.fork and not include_forks:
                listing.skipped_forks += 1
                continue
            if found.private and not include_private:  # only visible with the owner's own token
                listing.skipped_private += 1
                continue
            listing.repos.append(found)
            if max_repos is not None and len(listing.repos) >= max_repos:
                break
    except ERRORS as exc:
        listing.problems.append(_interruption(
            exc, label, f"the repository list stopped after {len(listing.repos)} repositories; the rest are missing",
            timeout,
        ))
    listing.emails = _commit_emails(gh, login, listing, label, timeout)
    listing.pull_requests = _pull_requests(gh, login, listing, label, timeout)
    return listing


def _commit_emails(gh: Github, login: str, listing: Listing, label: str, timeout: int) -> list[str]:
    """Author emails of the user's most recent commits as GitHub attributes them (one search page).

    Candidates often commit with a personal address git alone cannot tie to their login;
    GitHub links the address to the account, so its commits are theirs.
    """
    try:
        page = gh.search_commits(f"author:{login}", sort="author-date", order="desc").get_page(0)
    except ERRORS as exc:
        listing.problems.append(_interruption(
            exc, label, "the candidate's commit emails are unknown: only the GitHub noreply addresses "
            "and --author-email identify their commits", timeout,
        ))
        return []
    emails: dict[str, None] = {}
    for item in page:
        raw = item._rawData
        if str((raw.get("author") or {}).get("login", "")).lower() != login.lower():
            continue  # GitHub did not attribute this commit to the login
        email = str(((raw.get("commit") or {}).get("author") or {}).get("email") or "").strip().lower()
        if "@" in email:
            emails.setdefault(email, None)
    return list(emails)


def _pull_requests(gh: Github, login: str, listing: Listing, label: str, timeout: int) -> list[PullRequest]:
    """Pull requests the user opened in repositories they do not own (one search, paginated)."""
    found: list[PullRequest] = []
    try:
        for issue in gh.search_issues(f"is:pr author:{login} -user:{login}"):
            raw = issue._rawData  # repository_url and merged_at are in the hit: no extra request
            repo_url = str(raw.get("repository_url") or "")
            parts = repo_url.rstrip("/").split("/")
            if len(parts) < 2:
                continue
            pull = raw.get("pull_request") or {}
            found.append(PullRequest(
                repo=f"{parts[-2]}/{parts[-1]}",
                number=int(raw.get("number") or 0),
                title=str(raw.get("title") or ""),
                html_url=str(raw.get("html_url") or pull.get("html_url") or ""),
                state=str(raw.get("state") or ""),
                merged_at=pull.get("merged_at"),
                created_at=raw.get("created_at"),
            ))
    except ERRORS as exc:
        listing.problems.append(_interruption(
            exc, label, f"pull requests listed: {len(found)}; the rest are missing", timeout,
        ))
    return found


def budget_note(gh: Github) -> str | None:
    """'GitHub API budget low: 42 of 60 requests left (resets 14:05 UTC)', from the last response only."""
    try:
        remaining, limit = gh.requester.rate_limiting  # from the last response headers: no request
        reset = gh.requester.rate_limiting_resettime
    except AttributeError:
        return None
    if limit <= 0 or remaining < 0 or remaining >= min(LOW_BUDGET, limit // 10 or 1):
        return None
    when = f" (resets {datetime.fromtimestamp(reset, UTC):%H:%M} UTC)" if reset else ""
    return f"GitHub API budget low: {remaining} of {limit} requests left{when}"
