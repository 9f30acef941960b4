"""What the TARGET argument of `analyze` names: a local path, a GitHub user or one GitHub repository.

Only unambiguous GitHub spellings are taken as GitHub (``github:NAME``, ``@NAME``,
``https://github.com/NAME[/REPO]``); anything else stays a local path, so a folder called
``octocat`` is never mistaken for a user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# GitHub logins: alphanumerics and single hyphens, no leading hyphen, at most 39 characters.
_LOGIN_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
_REPO_RE = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
_GITHUB_HOSTS = frozenset({"github.com", "www.github.com"})


class TargetSyntaxError(ValueError):
    """A target that looks like GitHub but names no valid user or repository."""


@dataclass(frozen=True, slots=True)
class GitHubTarget:
    """A GitHub user (``repo`` None) or one repository of that owner."""

    login: str
    repo: str | None = None

    @property
    def label(self) -> str:
        return f"github:{self.login}" if self.repo is None else f"github:{self.login}/{self.repo}"


def _login(value: str, shown: str) -> str:
    if not _LOGIN_RE.match(value):
        raise TargetSyntaxError(f"not a GitHub user name: {shown!r}")
    return value


def parse_target(target: str) -> GitHubTarget | None:
    """The GitHub user or repository ``target`` names, or None for a local path."""
    text = target.strip()
    if text.startswith("github:"):
        rest = text[len("github:") :].strip("/")
        owner, _, repo = rest.partition("/")
        return _with_repo(_login(owner, target), repo, target)
    if text.startswith("@") and "/" not in text:
        return GitHubTarget(_login(text[1:], target))
    if text.lower().startswith(("https://", "http://")):
        parts = urlsplit(text)
        if (parts.hostname or "").lower() not in _GITHUB_HOSTS:
            raise TargetSyntaxError(f"only github.com URLs are supported as targets (use --api-url for GitHub Enterprise with github:NAME): {target!r}")
        segments = [s for s in parts.path.split("/") if s]
        if not segments or len(segments) > 2:
            raise TargetSyntaxError(f"expected https://github.com/USER or https://github.com/OWNER/REPO: {target!r}")
        repo = segments[1] if len(segments) == 2 else ""
        return _with_repo(_login(segments[0], target), repo, target)
    return None


def _with_repo(login: str, repo: str, shown: str) -> GitHubTarget:
    repo = repo.removesuffix(".git")
    if not repo:
        return GitHubTarget(login)
    if not _REPO_RE.match(repo) or repo in (".", ".."):
        raise TargetSyntaxError(f"not a GitHub repository name: {shown!r}")
    return GitHubTarget(login, repo)
