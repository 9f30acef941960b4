"""The GitHub stand-in, its fixture repositories (built once per session) and a CLI runner."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from ghsupport import TOKEN, Run, invoke
from standin import StandIn
from support import ROOT, git, serve_bare

FIXTURES = ROOT / "fixtures" / "github"
OTHER = ("Sam Upstream", "sam@example.org")


def manifest() -> dict:
    return tomllib.loads((FIXTURES / "manifest.toml").read_text("utf-8"))


def build_repo(work: Path, bare: Path, source: Path, commits: list[dict], candidate: tuple[str, str]) -> list[tuple[str, str, str]]:
    """Commit the listed files in order with the given authors, then publish a bare copy.

    Returns (sha, email, date) of the candidate's commits, for the stand-in's commit search.
    """
    mine: list[tuple[str, str, str]] = []
    work.mkdir(parents=True)
    git(work, "init", "-q")
    for n, commit in enumerate(commits):
        for rel in commit["files"]:
            target = work / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes((source / rel).read_bytes())
        git(work, "add", *commit["files"])
        author = (candidate[0], commit.get("email", candidate[1])) if commit["author"] == "candidate" else OTHER
        day = f"2025-0{1 + n % 9}-1{n % 10}T10:00:00+00:00"
        env_date = {"GIT_AUTHOR_DATE": day, "GIT_COMMITTER_DATE": day}
        os.environ.update(env_date)  # support.git passes os.environ through
        try:
            git(work, "commit", "-qm", commit["message"], author=author)
        finally:
            for key in env_date:
                os.environ.pop(key, None)
        if commit["author"] == "candidate":
            mine.append((git(work, "rev-parse", "HEAD"), author[1], day))
    serve_bare(work, bare)
    return mine


@pytest.fixture(scope="session")
def github_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StandIn]:
    """The stand-in serving the manifest's account, started once, stopped at the end."""
    root = tmp_path_factory.mktemp("github")
    data = manifest()
    user = data["user"]
    server = StandIn(root / "bare").start()
    server.add_user(user["login"], user["id"], user["name"])
    server.add_user("sam-upstream", 77, "Sam Upstream")
    candidate = (user["name"], f"{user['id']}+{user['login']}@users.noreply.github.com")
    for repo in data["repo"]:
        owner = repo.get("owner", user["login"])
        if owner.lower() not in server.users:
            server.add_user(owner, 900 + len(server.users), owner)
        mine = []
        if repo["commits"]:
            mine = build_repo(root / "work" / owner / repo["name"], root / "bare" / owner / f"{repo['name']}.git",
                              FIXTURES / repo["name"], repo["commits"], candidate)
        server.add_repo(
            owner, repo["name"], listed=repo.get("listed", True), fork=repo.get("fork", False),
            archived=repo.get("archived", False), size=12 if repo["commits"] else 0,
            pushed_at=repo["pushed_at"], language=repo.get("language"), topics=repo.get("topics", []),
        )
        for sha, email, day in mine:
            server.add_commit(user["login"], f"{owner}/{repo['name']}", sha, user["name"], email, day)
    for pull in data["pull"]:
        server.add_pull(user["login"], pull["repo"], pull["number"], pull["title"], pull["state"],
                        pull.get("merged_at"), pull["created_at"])
    yield server
    server.stop()


@pytest.fixture()
def github(github_server: StandIn) -> Iterator[StandIn]:
    """The session's stand-in with an empty request log, no faults and TOKEN as the only valid token."""
    github_server.reset()
    github_server.token = TOKEN
    yield github_server
    github_server.reset()


@pytest.fixture()
def run_proofolio(github: StandIn, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run the installed console script against the stand-in, with a private cache and HOME."""
    home = tmp_path / "home"
    home.mkdir()

    def run(*args: str, token: str | None = TOKEN, per_page: int = 2, api: bool = True) -> Run:
        return invoke(github.base_url if api else None, home, *args, token=token, per_page=per_page)

    return run
