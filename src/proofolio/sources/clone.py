"""Clone a repository into the cache with GitPython, or update the clone made on an earlier run.

The token never reaches argv, a URL or ``.git/config``: it travels as an ``http.extraHeader``
set through ``GIT_CONFIG_COUNT``/``GIT_CONFIG_KEY_n``/``GIT_CONFIG_VALUE_n`` in the git
process environment, and only to the host the API itself lives on. ``GIT_TERMINAL_PROMPT=0``
means a repository that wants a password fails at once instead of hanging on a prompt.

The same environment bounds a stalled server (``http.lowSpeedLimit``/``lowSpeedTime``: no data
for ``$PROOFOLIO_HTTP_TIMEOUT`` seconds ends the transfer, which becomes a ``clone-failed``
problem) and keeps checkout from running programs a candidate's ``.gitattributes`` could name:
every filter driver the user's git config defines (git-lfs's above all) is blanked, and
hooks are off. An LFS file therefore stays a pointer file; git-lfs is never run.
"""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from git import GitCommandError, Repo
from git.exc import GitError
from git.cmd import Git

from proofolio.limits import DEFAULT_HTTP_TIMEOUT
from proofolio.sources.base import redact_token

# Partial clone: blobs are fetched for the checked-out tree and for history up to this size,
# so `git log --numstat` (authorship) runs locally; large data/model files stay on the server.
CLONE_FILTER = "--filter=blob:limit=1m"
CLONE_OPTIONS = (CLONE_FILTER, "--single-branch", "--no-tags", "--no-checkout")

# Sparse checkout (gitignore syntax, non-cone): only what proofolio reads is written to the
# work tree: code, notebooks, READMEs/docs, dependency, packaging, CI, container and DVC files.
# Datasets, model weights and media stay on the server (a blob over CLONE_FILTER is never
# fetched); their paths are still known from the tree, so a README that names data/train.csv
# still finds it. tests/github/test_sparse_clone.py holds every file a repository detector
# reads to these patterns.
SPARSE_PATTERNS: tuple[str, ...] = (
    "*.py", "*.pyi", "*.ipynb",
    "*.md", "*.rst", "README*", "readme*", "Readme*",
    "LICENSE*", "LICENCE*", "License*", "Licence*", "license*", "licence*", "COPYING*", "copying*", "UNLICENSE*",
    "*requirements*.txt", "*requirements*.in", "requirements/*.txt",
    "pyproject.toml", "setup.cfg", "setup.py", "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock", "pdm.lock",
    "environment*.yml", "environment*.yaml", "conda*.yml", "conda*.yaml", "*.toml", "*.cfg", "*.ini",
    "Dockerfile*", "dockerfile*", "*.dockerfile", "*.Dockerfile", "docker-compose*.yml", "docker-compose*.yaml",
    "compose*.yml", "compose*.yaml", "Procfile", "Makefile", "MLproject", "app.yaml",
    "/.github/", ".gitlab-ci.yml", "/.circleci/", ".travis.yml", "azure-pipelines.yml", "Jenkinsfile",
    "bitbucket-pipelines.yml", ".pre-commit-config.yaml",
    "*.dvc", "dvc.yaml", "dvc.lock", "/.dvc/config", ".dvcignore",
    ".gitignore", ".gitattributes", ".gitmodules", ".mailmap",
)


class CloneError(Exception):
    """A repository could not be cloned; the message is one line without secrets."""


@dataclass(frozen=True, slots=True)
class CloneResult:
    path: Path
    action: str  # "cloned", "fetched" (an earlier clone, updated) or "cached" (offline, as it was)
    warning: str | None = None  # a fetch that failed: the cached commit was analysed
    fetched_bytes: int = 0  # growth of the clone's object store: what this run downloaded


@cache
def configured_filters() -> tuple[str, ...]:
    """Names of the filter drivers the user's own git config defines (``git lfs install`` adds ``lfs``).

    A cloned repository's ``.gitattributes`` can route any file through any of them at
    checkout; they are read once per run so each can be blanked.
    """
    names = {"lfs"}
    try:  # from a neutral folder: only the user's and the system's settings matter here
        status, out, _ = Git(tempfile.gettempdir()).execute(
            ["git", "config", "-z", "--includes", "--get-regexp", r"^filter\..*\.(clean|smudge|process)$"],
            with_extended_output=True, with_exceptions=False, kill_after_timeout=30,
        )
    except OSError:
        return tuple(sorted(names))
    for record in str(out or "").split("\0") if status == 0 else ():
        key = record.partition("\n")[0]
        if key.startswith("filter.") and key.count(".") >= 2:
            names.add(key[len("filter.") : key.rindex(".")])
    return tuple(sorted(names))


def _safe_config(timeout: int) -> list[tuple[str, str]]:
    """Settings for every clone/fetch/reset: bounded stalls, no filter programs, no hooks."""
    settings = [
        ("http.lowSpeedLimit", "1"),  # below 1 byte/s ...
        ("http.lowSpeedTime", str(max(1, timeout))),  # ... for this long: give up
        ("core.hooksPath", os.devnull),
    ]
    for name in configured_filters():
        settings += [(f"filter.{name}.clean", ""), (f"filter.{name}.smudge", ""),
                     (f"filter.{name}.process", ""), (f"filter.{name}.required", "false")]
    return settings


def git_env(
    clone_url: str, token: str | None, token_host: str | None, timeout: int = DEFAULT_HTTP_TIMEOUT
) -> dict[str, str]:
    """Environment for one clone/fetch: no prompts, safe settings, and the token as a header for the API's host only."""
    env = {"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "SSH_ASKPASS": "", "GCM_INTERACTIVE": "never",
           "GIT_LFS_SKIP_SMUDGE": "1"}
    settings = _safe_config(timeout)
    host = (urlsplit(clone_url).netloc or "").lower()
    if token and token_host and host == token_host.lower():
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode("ascii")
        settings.append(("http.extraHeader", f"Authorization: Basic {basic}"))
    env["GIT_CONFIG_COUNT"] = str(len(settings))
    for n, (key, value) in enumerate(settings):
        env[f"GIT_CONFIG_KEY_{n}"] = key
        env[f"GIT_CONFIG_VALUE_{n}"] = value
    return env


def _one_line(exc: GitCommandError, token: str | None) -> str:
    lines = [line.strip() for line in str(exc.stderr or "").splitlines() if line.strip()]
    fatal = next((line for line in lines if line.startswith(("fatal:", "error:"))), lines[-1] if lines else "")
    text = (fatal or f"git exited with status {exc.status}").replace("stderr: ", "").strip("'\" ")
    return redact_token(text, token)


class _StaleBranch(Exception):
    """The cached clone follows a branch that is no longer the repository's default."""


def clone_or_update(
    clone_url: str,
    dest: Path,
    *,
    token: str | None = None,
    token_host: str | None = None,
    offline: bool = False,
    timeout: int = DEFAULT_HTTP_TIMEOUT,
    branch: str | None = None,
) -> CloneResult:
    """A work tree of ``clone_url`` at ``dest``: reused and fetched when present, else cloned.

    ``timeout``: seconds without data after which a transfer is abandoned (a CloneError).
    ``branch``: the repository's default branch as the API lists it; a cached single-branch
    clone of another branch (the default was renamed, master → main) is cloned afresh,
    since fetching its old branch would fail on every run.
    """
    has_clone = (dest / ".git").is_dir()
    if offline:
        if not has_clone:
            raise CloneError("not in the cache (run once without --offline)")
        return CloneResult(dest, "cached")
    env = git_env(clone_url, token, token_host, timeout)
    if has_clone:
        before = objects_size(dest)
        try:
            repo = Repo(dest)
            cached_branch = repo.active_branch.name
            if branch is not None and cached_branch != branch:
                raise _StaleBranch(f"cached clone tracks {cached_branch!r}, the default branch is now {branch!r}")
            with repo.git.custom_environment(**env):
                repo.git.fetch("origin", "--no-tags", "--prune")
                set_sparse_checkout(repo)
                repo.git.reset("--hard", f"refs/remotes/origin/{cached_branch}")
            return CloneResult(dest, "fetched", fetched_bytes=max(0, objects_size(dest) - before))
        except GitCommandError as exc:
            return CloneResult(dest, "cached", f"could not update the cached clone ({_one_line(exc, token)}); the cached commit was analysed")
        except (ValueError, TypeError, OSError, GitError, _StaleBranch) as exc:  # detached HEAD, a broken clone
            # or a renamed default branch: start over
            shutil.rmtree(dest, ignore_errors=True)
            if (dest / ".git").exists():
                raise CloneError(f"cached clone is unusable and could not be removed: {exc}") from None
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f"{dest.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        repo = Repo.clone_from(clone_url, partial, multi_options=list(CLONE_OPTIONS), env=env)
        with repo.git.custom_environment(**env):
            set_sparse_checkout(repo)
            if repo.head.is_valid():  # an empty repository has nothing to check out
                repo.git.checkout(repo.active_branch.name)
    except GitCommandError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise CloneError(_one_line(exc, token)) from None
    fetched = objects_size(partial)
    shutil.rmtree(dest, ignore_errors=True)
    try:
        os.replace(partial, dest)
    except OSError as exc:  # the old clone could not be cleared away: this repository is a problem, not the run
        shutil.rmtree(partial, ignore_errors=True)
        raise CloneError(f"cannot put the clone in the cache: {exc.strerror or exc}") from None
    return CloneResult(dest, "cloned", fetched_bytes=fetched)


def set_sparse_checkout(repo: Repo) -> None:
    """Limit the work tree to SPARSE_PATTERNS (also for clones cached before sparse checkout)."""
    info = Path(repo.git_dir) / "info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "sparse-checkout").write_text("\n".join(SPARSE_PATTERNS) + "\n", encoding="utf-8")
    repo.git.config("core.sparseCheckout", "true")
    repo.git.config("core.sparseCheckoutCone", "false")


def objects_size(work_tree: Path) -> int:
    """Bytes in a clone's object store (packs and loose objects)."""
    total = 0
    for path in (work_tree / ".git" / "objects").rglob("*"):
        try:
            if path.is_file():
                total += path.stat().st_size
        except OSError:
            continue
    return total
