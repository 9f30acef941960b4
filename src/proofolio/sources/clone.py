"""Clone a repository into the cache with GitPython, or update the clone made on an earlier run.

The token never reaches argv, a URL or ``.git/config``: it travels as an ``http.extraHeader``
set through ``GIT_CONFIG_COUNT``/``GIT_CONFIG_KEY_n``/``GIT_CONFIG_VALUE_n`` in the git
process environment, and only to the host the API itself lives on. ``GIT_TERMINAL_PROMPT=0``
means a repository that wants a password fails at once instead of hanging on a prompt.
"""

from __future__ import annotations

import base64
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from git import GitCommandError, Repo

# Partial clone: blobs are fetched for the checked-out tree and for history up to this size,
# so `git log --numstat` (authorship) runs locally; large data/model files stay on the server.
CLONE_FILTER = "--filter=blob:limit=1m"
CLONE_OPTIONS = (CLONE_FILTER, "--single-branch", "--no-tags")


class CloneError(Exception):
    """A repository could not be cloned; the message is one line without secrets."""


@dataclass(frozen=True, slots=True)
class CloneResult:
    path: Path
    action: str  # "cloned", "fetched" (an earlier clone, updated) or "cached" (offline, as it was)
    warning: str | None = None  # a fetch that failed: the cached commit was analysed


def git_env(clone_url: str, token: str | None, token_host: str | None) -> dict[str, str]:
    """Environment for one clone/fetch: no prompts, and the token as a header for the API's host only."""
    env = {"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "SSH_ASKPASS": "", "GCM_INTERACTIVE": "never"}
    host = (urlsplit(clone_url).netloc or "").lower()
    if token and token_host and host == token_host.lower():
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode("ascii")
        env.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="http.extraHeader",
                   GIT_CONFIG_VALUE_0=f"Authorization: Basic {basic}")
    return env


def _one_line(exc: GitCommandError, token: str | None) -> str:
    lines = [line.strip() for line in str(exc.stderr or "").splitlines() if line.strip()]
    fatal = next((line for line in lines if line.startswith(("fatal:", "error:"))), lines[-1] if lines else "")
    text = (fatal or f"git exited with status {exc.status}").replace("stderr: ", "").strip("'\" ")
    return text.replace(token, "***") if token else text


def clone_or_update(
    clone_url: str,
    dest: Path,
    *,
    token: str | None = None,
    token_host: str | None = None,
    offline: bool = False,
) -> CloneResult:
    """A work tree of ``clone_url`` at ``dest``: reused and fetched when present, else cloned."""
    has_clone = (dest / ".git").is_dir()
    if offline:
        if not has_clone:
            raise CloneError("not in the cache (run once without --offline)")
        return CloneResult(dest, "cached")
    env = git_env(clone_url, token, token_host)
    if has_clone:
        try:
            repo = Repo(dest)
            with repo.git.custom_environment(**env):
                branch = repo.active_branch.name
                repo.git.fetch("origin", "--no-tags", "--prune")
                repo.git.reset("--hard", f"refs/remotes/origin/{branch}")
            return CloneResult(dest, "fetched")
        except GitCommandError as exc:
            return CloneResult(dest, "cached", f"could not update the cached clone ({_one_line(exc, token)}); the cached commit was analysed")
        except (ValueError, TypeError, OSError) as exc:  # detached HEAD or a broken clone: start over
            shutil.rmtree(dest, ignore_errors=True)
            if (dest / ".git").exists():
                raise CloneError(f"cached clone is unusable and could not be removed: {exc}") from None
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f"{dest.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        Repo.clone_from(clone_url, partial, multi_options=list(CLONE_OPTIONS), env=env)
    except GitCommandError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise CloneError(_one_line(exc, token)) from None
    shutil.rmtree(dest, ignore_errors=True)
    os.replace(partial, dest)
    return CloneResult(dest, "cloned")
