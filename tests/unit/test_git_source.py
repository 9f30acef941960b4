"""Git projects: pinned commit, remote identity, changed files, history and per-file authorship."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from proofolio.models import FileAuthorship
from proofolio.sources.base import Source
from proofolio.sources.git import github_slug, strip_credentials
from proofolio.sources.local import LocalCollector

pytestmark = pytest.mark.usefixtures("isolated_git")

ALEX = ("Alex Candidate", "alex@example.org")
BO = ("Bo Other", "bo@example.org")
MakeRepo = Callable[..., Any]


def collect_one(path: Path, **kwargs: Any) -> Source:
    sources = list(LocalCollector(path, **kwargs).collect())
    assert len(sources) == 1
    return sources[0]


def kinds(source: Source) -> list[str]:
    return [p.kind for p in source.problems]


@pytest.fixture
def two_authors(make_repo: MakeRepo) -> Any:
    """Alex writes a.py (3 lines) and later c.py (1 line); Bo adds 2 lines to a.py and writes b.py (4)."""
    repo = make_repo("proj")
    repo.commit({"a.py": "a1\na2\na3\n"}, "alex: a", author=ALEX)
    repo.commit({"a.py": "a1\na2\na3\nb1\nb2\n", "b.py": "1\n2\n3\n4\n"}, "bo: b", author=BO)
    repo.commit({"c.py": "c1\n"}, "alex: c", author=ALEX)
    return repo


# -- identity -------------------------------------------------------------------------------------


def test_commit_is_head_sha_and_files_carry_blob_ids(two_authors: Any) -> None:
    source = collect_one(two_authors.path)
    info = source.info
    assert info.kind == "git"
    assert info.commit == two_authors.git("rev-parse", "HEAD")
    assert len(info.commit) == 40
    assert info.branch == "main"
    assert info.name == "proj"  # no remote: the folder name
    assert (info.remote_url, info.web_url) == (None, None)
    assert info.dirty is False
    assert source.has_history is True
    assert [f.path for f in source.files] == ["a.py", "b.py", "c.py"]
    for f in source.files:
        assert f.committed is True
        assert f.blob == two_authors.git("rev-parse", f"HEAD:{f.path}")
    assert source.commit_for("a.py") == info.commit
    assert source.problems == []


def test_authorship_counts_lines_added_per_author(two_authors: Any) -> None:
    source = collect_one(two_authors.path)
    assert source.info.candidate == "alex@example.org (most commits)"
    assert {f.path: f.authorship for f in source.files} == {
        "a.py": FileAuthorship(candidate_lines=3, total_lines=5),
        "b.py": FileAuthorship(candidate_lines=0, total_lines=4),
        "c.py": FileAuthorship(candidate_lines=1, total_lines=1),
    }
    assert source.info.commits == 3
    assert [(c.author_email, c.by_candidate) for c in source.commits] == [
        ("alex@example.org", True),
        ("bo@example.org", False),
        ("alex@example.org", True),
    ]
    assert source.commits[0].sha == two_authors.git("rev-parse", "HEAD")
    assert source.commits[0].author_name == "Alex Candidate"
    assert source.commits[0].timestamp > source.commits[1].timestamp


def test_author_email_override_is_case_insensitive(two_authors: Any) -> None:
    source = collect_one(two_authors.path, candidate_emails=["  BO@Example.org "])
    assert source.info.candidate == "bo@example.org (--author-email)"
    a, b, c = (f.authorship for f in source.files)
    assert (a, b, c) == (FileAuthorship(2, 5), FileAuthorship(4, 4), FileAuthorship(0, 1))
    assert [c.by_candidate for c in source.commits] == [False, True, False]


def test_candidate_email_absent_from_history_gets_no_lines(two_authors: Any) -> None:
    source = collect_one(two_authors.path, candidate_emails=["nobody@example.org"])
    assert [f.authorship for f in source.files] == [FileAuthorship(0, 5), FileAuthorship(0, 4), FileAuthorship(0, 1)]


def test_most_commits_tie_goes_to_alphabetically_first_email(make_repo: MakeRepo) -> None:
    repo = make_repo()
    repo.commit({"x.py": "1\n"}, author=("Zed", "zed@example.org"))
    repo.commit({"y.py": "1\n"}, author=("Amy", "amy@example.org"))
    source = collect_one(repo.path)
    assert source.info.candidate == "amy@example.org (most commits)"
    assert [f.authorship for f in source.files] == [FileAuthorship(0, 1), FileAuthorship(1, 1)]


def test_mailmap_merges_two_emails_of_one_person(make_repo: MakeRepo) -> None:
    old = ("alex", "alex@old-job.example")
    aaron = ("Aaron", "aaron@example.org")
    repo = make_repo()
    repo.commit({"one.py": "1\n"}, author=old)
    repo.commit({"two.py": "1\n2\n"}, author=old)
    repo.commit({"three.py": "1\n"}, author=aaron)
    repo.commit({"four.py": "1\n"}, author=aaron)
    repo.commit({".mailmap": "Alex Candidate <alex@example.org> <alex@old-job.example>\n"}, author=ALEX)
    # Without the mailmap aaron (2) would tie alex@old-job (2) and win alphabetically.
    source = collect_one(repo.path)
    assert source.info.candidate == "alex@example.org (most commits)"
    by_path = {f.path: f.authorship for f in source.files}
    assert by_path["two.py"] == FileAuthorship(2, 2)
    assert by_path["three.py"] == FileAuthorship(0, 1)
    oldest = source.commits[-1]
    assert (oldest.author_name, oldest.author_email, oldest.by_candidate) == ("Alex Candidate", "alex@example.org", True)


def test_old_email_given_still_matches_after_mailmap(make_repo: MakeRepo) -> None:
    repo = make_repo()
    repo.commit({"one.py": "1\n"}, author=("alex", "alex@old-job.example"))
    repo.commit({".mailmap": "Alex Candidate <alex@example.org> <alex@old-job.example>\n"}, author=BO)
    source = collect_one(repo.path, candidate_emails=["alex@old-job.example"])
    assert source.file("one.py").authorship == FileAuthorship(1, 1)  # type: ignore[union-attr]


def test_co_authored_by_credits_the_commit_not_the_lines(make_repo: MakeRepo) -> None:
    repo = make_repo()
    repo.commit({"pair.py": "1\n2\n"}, "pairing\n\nCo-authored-by: Alex Candidate <alex@example.org>", author=BO)
    source = collect_one(repo.path, candidate_emails=["alex@example.org"])
    assert [c.by_candidate for c in source.commits] == [True]
    assert source.file("pair.py").authorship == FileAuthorship(0, 2)  # type: ignore[union-attr]


def test_merge_commits_are_listed_but_add_no_lines(make_repo: MakeRepo) -> None:
    repo = make_repo()
    repo.commit({"base.py": "1\n"}, author=ALEX)
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"feat.py": "1\n2\n"}, author=BO)
    repo.git("checkout", "-q", "main")
    repo.commit({"main.py": "1\n"}, author=ALEX)
    repo.git("merge", "-q", "--no-ff", "-m", "merge feature", "feature", author=ALEX)
    source = collect_one(repo.path)
    assert source.info.commits == 4
    assert len(source.commits) == 4
    assert {f.path: f.authorship for f in source.files} == {
        "base.py": FileAuthorship(1, 1),
        "feat.py": FileAuthorship(0, 2),
        "main.py": FileAuthorship(1, 1),
    }


# -- remotes --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/octo-org/ml-project",
        "https://github.com/octo-org/ml-project.git",
        "https://github.com/octo-org/ml-project/",
        "git@github.com:octo-org/ml-project.git",
        "git@github.com:octo-org/ml-project",
        "ssh://git@github.com/octo-org/ml-project",
        "ssh://git@github.com:22/octo-org/ml-project.git",
        "git://github.com/octo-org/ml-project.git",
        "https://alex:ghp_secret@github.com/octo-org/ml-project.git",
        "HTTPS://GitHub.com/octo-org/ml-project.git",
    ],
)
def test_github_remote_forms_give_owner_repo_name_and_web_url(make_repo: MakeRepo, url: str) -> None:
    repo = make_repo("local-folder-name")
    repo.commit({"m.py": ""})
    repo.git("remote", "add", "origin", url)
    info = collect_one(repo.path).info
    assert info.name == "octo-org/ml-project"
    assert info.web_url == "https://github.com/octo-org/ml-project"
    assert "ghp_secret" not in (info.remote_url or "")


@pytest.mark.parametrize(
    "url",
    ["https://gitlab.com/octo-org/ml-project.git", "https://github.com/octo-org", "/srv/git/project.git"],
)
def test_other_remotes_keep_the_folder_name(make_repo: MakeRepo, url: str) -> None:
    repo = make_repo("local-folder-name")
    repo.commit({"m.py": ""})
    repo.git("remote", "add", "origin", url)
    info = collect_one(repo.path).info
    assert (info.name, info.web_url, info.remote_url) == ("local-folder-name", None, url)


def test_credentials_are_stripped_and_origin_wins_over_other_remotes(make_repo: MakeRepo) -> None:
    repo = make_repo()
    repo.commit({"m.py": ""})
    repo.git("remote", "add", "aaa-upstream", "https://github.com/upstream/project.git")
    repo.git("remote", "add", "origin", "https://alex:ghp_TOKEN123@github.com/alex/project.git")
    info = collect_one(repo.path).info
    assert info.remote_url == "https://github.com/alex/project.git"
    assert info.name == "alex/project"


def test_first_remote_is_used_when_there_is_no_origin(make_repo: MakeRepo) -> None:
    repo = make_repo()
    repo.commit({"m.py": ""})
    repo.git("remote", "add", "upstream", "git@github.com:first/one.git")
    repo.git("remote", "add", "zfork", "git@github.com:second/two.git")
    assert collect_one(repo.path).info.name == "first/one"


def test_strip_credentials_forms() -> None:
    assert strip_credentials("https://user:token@host.example/x") == "https://host.example/x"
    assert strip_credentials("https://x-access-token@github.com/o/r.git") == "https://github.com/o/r.git"
    assert strip_credentials("https://host.example:8443/x?private_token=abc") == "https://host.example:8443/x"
    assert strip_credentials("ssh://git:pw@host.example/x") == "ssh://git@host.example/x"
    assert strip_credentials("git@github.com:o/r.git") == "git@github.com:o/r.git"
    assert strip_credentials("https://github.com/o/r") == "https://github.com/o/r"


def test_github_slug_rejects_lookalikes() -> None:
    assert github_slug("https://github.com.evil.example/o/r") is None
    assert github_slug("https://notgithub.com/o/r") is None
    assert github_slug("git@gitlab.com:o/r.git") is None
    assert github_slug("https://github.com/o/r/tree/main") is None
    assert github_slug("github.com:o/r.git") == ("o", "r")


# -- work tree state ----------------------------------------------------------------------------


def test_modified_and_untracked_files_are_not_committed(two_authors: Any) -> None:
    (two_authors.path / "a.py").write_text("changed\n", encoding="utf-8")
    (two_authors.path / "new.py").write_text("fresh\n", encoding="utf-8")
    two_authors.write({"staged.py": "s\n"})
    two_authors.git("add", "staged.py")
    source = collect_one(two_authors.path)
    assert source.info.dirty is True
    state = {f.path: (f.committed, f.blob is not None) for f in source.files}
    assert state == {
        "a.py": (False, False),
        "b.py": (True, True),
        "c.py": (True, True),
        "new.py": (False, False),
        "staged.py": (False, False),
    }
    assert source.commit_for("a.py") is None
    assert source.commit_for("b.py") == source.info.commit
    # History is still known for a modified file; an untracked file has none.
    assert source.file("a.py").authorship == FileAuthorship(3, 5)  # type: ignore[union-attr]
    assert source.file("new.py").authorship is None  # type: ignore[union-attr]


def test_gitignore_info_exclude_and_force_added_files(make_repo: MakeRepo) -> None:
    repo = make_repo()
    repo.commit({".gitignore": "*.csv\nout/\n", "main.py": ""})
    repo.write({"data/forced.csv": "1\n", "out/report.txt": "tracked anyway\n"})
    repo.git("add", "-f", "data/forced.csv", "out/report.txt")
    repo.git("commit", "-q", "-m", "force-add")
    repo.write({"data/raw.csv": "", "out/tmp.txt": "", "local_notes.md": ""})
    (repo.path / ".git" / "info").mkdir(exist_ok=True)
    (repo.path / ".git" / "info" / "exclude").write_text("local_notes.md\n", encoding="utf-8")
    source = collect_one(repo.path)
    # git keeps tracking a file a pattern matches; untracked ignored files stay out.
    assert [f.path for f in source.files] == [".gitignore", "data/forced.csv", "main.py", "out/report.txt"]
    assert all(f.committed for f in source.files)
    assert source.info.dirty is False


def test_nested_repo_is_skipped_with_a_problem(make_repo: MakeRepo, tmp_path: Path) -> None:
    outer = make_repo("outer")
    outer.commit({"main.py": ""})
    inner = make_repo("lib", parent=outer.path / "vendor")
    inner.commit({"lib.py": "x\n"})
    source = collect_one(outer.path)
    assert [f.path for f in source.files] == ["main.py"]
    assert [(p.kind, p.path) for p in source.problems] == [("nested-repo", "vendor/lib")]


def test_symlinked_file_is_collected_but_never_claims_the_commit(make_repo: MakeRepo) -> None:
    repo = make_repo()
    repo.write({"real.py": "x = 1\n"})
    (repo.path / "alias.py").symlink_to("real.py")
    repo.commit({})
    source = collect_one(repo.path)
    assert [(f.path, f.committed, f.size) for f in source.files] == [("alias.py", False, 6), ("real.py", True, 6)]


# -- awkward repositories -------------------------------------------------------------------------


def test_empty_repo_has_no_commit_and_files_are_still_collected(make_repo: MakeRepo) -> None:
    repo = make_repo()
    repo.write({"draft.py": "x = 1\n"})
    source = collect_one(repo.path, candidate_emails=["alex@example.org"])
    assert source.info.kind == "git"
    assert source.info.commit is None
    assert source.info.commits == 0
    assert source.info.candidate is None
    assert source.has_history is False
    assert kinds(source) == ["empty-repo"]
    assert [(f.path, f.committed, f.authorship) for f in source.files] == [("draft.py", False, None)]


def test_detached_head_pins_the_checked_out_commit(two_authors: Any) -> None:
    first = two_authors.git("rev-parse", "HEAD~2")
    two_authors.git("checkout", "-q", "--detach", first)
    source = collect_one(two_authors.path)
    assert source.info.commit == first
    assert source.info.branch is None
    assert source.info.commits == 1
    assert [f.path for f in source.files] == ["a.py"]
    assert source.file("a.py").authorship == FileAuthorship(3, 3)  # type: ignore[union-attr]
    assert source.problems == []


def test_shallow_clone_reports_a_problem_and_credits_no_one_for_the_cut(two_authors: Any, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    two_authors.git("clone", "-q", "--depth", "1", f"file://{two_authors.path}", str(clone))
    source = collect_one(clone)
    assert source.info.commit == two_authors.git("rev-parse", "HEAD")
    assert kinds(source) == ["git-error"]
    assert "shallow clone" in source.problems[0].reason
    assert source.info.commits == 1
    # The boundary commit's diff would show every file as added by alex: not counted.
    assert [f.authorship for f in source.files] == [None, None, None]
    assert all(f.committed for f in source.files)


def test_corrupt_object_does_not_crash_and_keeps_what_git_can_read(two_authors: Any) -> None:
    blob = two_authors.git("rev-parse", "HEAD~2:a.py")
    (two_authors.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    source = collect_one(two_authors.path)
    assert source.info.commit == two_authors.git("rev-parse", "HEAD")
    assert "git-error" in kinds(source)
    assert [f.path for f in source.files] == ["a.py", "b.py", "c.py"]
    assert all(f.authorship is None for f in source.files)  # partial history would skew shares


def test_unreadable_git_dir_falls_back_to_a_folder(tmp_path: Path) -> None:
    proj = tmp_path / "broken"
    proj.mkdir()
    (proj / ".git").write_text("gitdir: /nonexistent/place\n", encoding="utf-8")
    (proj / "main.py").write_text("", encoding="utf-8")
    source = collect_one(proj)
    assert source.info.kind == "folder"
    assert source.info.commit is None
    assert kinds(source) == ["git-error"]
    assert [f.path for f in source.files] == ["main.py"]


def test_git_repo_child_in_a_portfolio_is_named_from_its_github_remote(make_repo: MakeRepo, tmp_path: Path) -> None:
    top = tmp_path / "portfolio"
    repo = make_repo("clone-dir", parent=top)
    repo.commit({"m.py": ""})
    repo.git("remote", "add", "origin", "git@github.com:alex/titanic.git")
    (source,) = list(LocalCollector(top).collect())
    assert (source.info.name, source.info.root) == ("alex/titanic", f"{top}/clone-dir")
    assert source.problems == []


# -- untrusted repositories ------------------------------------------------------------------------


def test_repo_config_cannot_make_collection_run_programs(make_repo: MakeRepo, tmp_path: Path) -> None:
    """A candidate's .git/config is untrusted: fsmonitor and filter drivers must not run."""
    repo = make_repo()
    repo.commit({"a.py": "x = 1\n", ".gitattributes": "* filter=evil\n"})
    marker = tmp_path / "pwned"
    repo.git("config", "core.fsmonitor", f"touch {marker}-fsmonitor; false")
    repo.git("config", "filter.evil.clean", f"touch {marker}-clean; cat")
    repo.git("config", "filter.evil.process", f"touch {marker}-process")
    os.utime(repo.path / "a.py", (1_000_000_000, 1_000_000_000))  # stat-dirty: status must re-hash it
    source = collect_one(repo.path)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("pwned")) == []
    assert source.info.commit is not None


def test_git_missing_from_path_degrades_to_folder(make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo()
    repo.commit({"m.py": ""})
    git_exe = shutil.which("git")
    assert git_exe is not None
    monkeypatch.setenv("PATH", "/nonexistent")
    from git.cmd import Git

    monkeypatch.setattr(Git, "GIT_PYTHON_GIT_EXECUTABLE", "/nonexistent/git")
    source = collect_one(repo.path)
    assert source.info.kind == "folder"
    assert kinds(source) == ["git-error"]
    assert [f.path for f in source.files] == ["m.py"]
