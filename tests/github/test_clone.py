"""Cloning into the cache: the token travels only as a header to the API's host; reuse and failures."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest
from support import commit_files, git, serve_bare

from proofolio.sources.clone import CloneError, clone_or_update, git_env


def config_of(env: dict[str, str]) -> dict[str, str]:
    """The settings a GIT_CONFIG_COUNT/KEY_n/VALUE_n environment gives git."""
    return {env[f"GIT_CONFIG_KEY_{n}"]: env[f"GIT_CONFIG_VALUE_{n}"] for n in range(int(env["GIT_CONFIG_COUNT"]))}


def test_token_goes_as_a_header_to_the_api_host_only() -> None:
    env = git_env("https://github.com/alex/churn.git", "ghp_X", "github.com")
    assert env["GIT_TERMINAL_PROMPT"] == "0"
    assert config_of(env)["http.extraHeader"] == "Authorization: Basic " + base64.b64encode(b"x-access-token:ghp_X").decode()
    for url, token in (("https://evil.example/alex/churn.git", "ghp_X"), ("https://github.com/a/b.git", None)):
        env = git_env(url, token, "github.com")
        assert "http.extraHeader" not in config_of(env) and "ghp_X" not in "".join(env.values())


def test_every_transfer_is_bounded_and_runs_no_filter_or_hook() -> None:
    settings = config_of(git_env("https://github.com/a/b.git", None, "github.com", timeout=7))
    assert (settings["http.lowSpeedLimit"], settings["http.lowSpeedTime"]) == ("1", "7")  # under 1 byte/s for 7 s
    assert settings["core.hooksPath"] == "/dev/null"
    assert {k: v for k, v in settings.items() if k.startswith("filter.lfs.")} == {
        "filter.lfs.clean": "", "filter.lfs.smudge": "", "filter.lfs.process": "", "filter.lfs.required": "false",
    }


@pytest.fixture()
def bare(tmp_path: Path) -> Path:
    commit_files(tmp_path / "work", {"a.py": "x = 1\n"})
    return serve_bare(tmp_path / "work", tmp_path / "served.git")


def test_clone_then_fetch_then_cached_when_the_remote_is_gone(bare: Path, tmp_path: Path) -> None:
    dest = tmp_path / "cache" / "alex" / "served"
    url = bare.as_uri()  # file:// so the partial-clone filter applies (a plain path ignores it)
    first = clone_or_update(url, dest)
    assert first.action == "cloned" and (dest / "a.py").read_text() == "x = 1\n"
    assert git(dest, "config", "remote.origin.partialclonefilter") == "blob:limit=1048576"
    assert clone_or_update(url, dest).action == "fetched"
    shutil.rmtree(bare)
    stale = clone_or_update(url, dest)
    assert stale.action == "cached" and stale.warning and "could not update the cached clone" in stale.warning
    assert clone_or_update(url, dest, offline=True).action == "cached"


def test_a_renamed_default_branch_is_cloned_afresh_once(bare: Path, tmp_path: Path) -> None:
    dest = tmp_path / "cache" / "alex" / "served"
    url = bare.as_uri()
    assert clone_or_update(url, dest, branch="main").action == "cloned"
    git(bare, "branch", "-m", "main", "trunk")  # the owner renames the default branch
    git(bare, "symbolic-ref", "HEAD", "refs/heads/trunk")
    again = clone_or_update(url, dest, branch="trunk")
    assert again.action == "cloned" and not again.warning
    assert git(dest, "rev-parse", "--abbrev-ref", "HEAD") == "trunk" and (dest / "a.py").read_text() == "x = 1\n"
    assert clone_or_update(url, dest, branch="trunk").action == "fetched"  # and no re-clone on the next run
    # without the API's word on the branch, the cached clone is kept as it is
    assert clone_or_update(url, dest).action == "fetched"


def test_a_broken_cached_clone_is_cloned_again(bare: Path, tmp_path: Path) -> None:
    dest = tmp_path / "cache" / "alex" / "served"
    clone_or_update(bare.as_uri(), dest)
    for item in (dest / ".git").iterdir():  # an interrupted cleanup: .git is there, but no repository in it
        shutil.rmtree(item) if item.is_dir() else item.unlink()
    again = clone_or_update(bare.as_uri(), dest)
    assert again.action == "cloned" and (dest / "a.py").read_text() == "x = 1\n"


def test_failures_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(CloneError, match="not in the cache"):
        clone_or_update("https://github.com/a/b.git", tmp_path / "none", offline=True)
    with pytest.raises(CloneError) as caught:
        clone_or_update((tmp_path / "missing.git").as_uri(), tmp_path / "dest", token="ghp_SECRET", token_host="")
    assert "\n" not in str(caught.value) and "ghp_SECRET" not in str(caught.value)
    assert not (tmp_path / "dest").exists() and not list(tmp_path.glob("dest.partial-*"))
