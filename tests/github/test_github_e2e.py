"""`proofolio analyze github:NAME` end to end: the installed script against the loopback stand-in.

The stand-in (tests/github/standin.py) answers the REST API and serves real git repositories
built from fixtures/github/manifest.toml, so every run below lists, clones and analyses for real.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jsonschema
import pytest
from ghsupport import PROOFOLIO, TOKEN, Run, invoke
from standin import DROP, TRUNCATE, Fault, Logged, StandIn

from proofolio import __version__
from proofolio.reporters.json_report import load_schema

LOGIN = "alex-ml"
ALL_OWN = {"alex-ml/churn-model", "alex-ml/forked-lib", "alex-ml/forked-untouched", "alex-ml/vision-bulk"}


def report(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text("utf-8"))


def assessment(data: dict[str, Any], skill: str) -> dict[str, Any]:
    return next(a for a in data["assessments"] if a["skill"] == skill)


def all_evidence(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for a in data["assessments"] for e in a["evidence"]]


def find(data: dict[str, Any], repo: str, path: str, detector: str) -> dict[str, Any]:
    return next(
        e for e in all_evidence(data)
        if e["location"]["repo"] == repo and e["location"]["path"] == path and e["detector"] == detector
    )


def problems(data: dict[str, Any]) -> set[tuple[str, str]]:
    return {(p["repo"], p["kind"]) for p in data["problems"]}


def repo_names(data: dict[str, Any]) -> set[str]:
    return {s["name"] for s in data["sources"] if "/" in s["name"]}


def bare_head(github: StandIn, full_name: str) -> str:
    bare = github.git_root / f"{full_name}.git"
    return subprocess.run(["git", "-C", str(bare), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()


@dataclass
class FirstRun:
    data: dict[str, Any]
    md: str
    done: Run
    folder: Path  # everything the run wrote: cache, reports, HOME
    cache: Path
    log: list[Logged]  # the stand-in's request log of this run


@pytest.fixture(scope="module")
def first_run(github_server: StandIn, tmp_path_factory: pytest.TempPathFactory) -> FirstRun:
    """One full run with forks, JSON and Markdown reports, shared by the tests that read it."""
    github_server.reset()
    github_server.token = TOKEN
    folder = tmp_path_factory.mktemp("first-run")
    (folder / "home").mkdir()
    cache = folder / "cache"
    js, md = folder / "report.json", folder / "report.md"
    done = invoke(github_server.base_url, folder / "home", f"github:{LOGIN}", "--include-forks",
                  "--cache-dir", str(cache), "-o", str(js), "-o", str(md))
    assert done.code == 0, done.stderr
    data = json.loads(js.read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(load_schema())
    assert not list(validator.iter_errors(data))
    log = list(github_server.log)
    github_server.reset()
    return FirstRun(data, md.read_text("utf-8"), done, folder, cache, log)


def test_lists_every_page_and_analyses_each_repository(first_run: FirstRun, github: StandIn) -> None:
    data = first_run.data
    api = [r for r in first_run.log if not r.path.startswith("/git/")]
    pages = [r.query for r in api if r.path == f"/users/{LOGIN}/repos"]
    # 5 listed repositories at per_page=2: three pages, the 2nd and 3rd through the Link header
    assert len(pages) == 3
    assert [parse_qs(q).get("page", ["1"])[0] for q in pages] == ["1", "2", "3"]
    assert all(parse_qs(q)["per_page"] == ["2"] and parse_qs(q)["sort"] == ["pushed"] for q in pages)
    assert repo_names(data) == ALL_OWN
    for source in data["sources"]:
        if source["name"] in ALL_OWN:
            assert source["web_url"] == f"https://github.com/{source['name']}"
            assert source["commit"] == bare_head(github, source["name"])  # the analysed commit, recorded
            assert source["remote_url"] == f"{github.base_url}/git/{source['name']}.git"
    assert ("alex-ml/empty-repo", "empty-repo") in problems(data)
    assert ("alex-ml/vision-bulk", "bulk-upload") in problems(data)
    assert ("alex-ml/vision-bulk", "archived-repo") in problems(data)
    assert ("alex-ml/churn-model", "bulk-upload") not in problems(data)  # three commits: not a bulk upload
    # courtesy: every API call names proofolio and its version, and carries the token as a header
    assert {r.user_agent for r in api} == {f"proofolio/{__version__}"}
    assert all(r.authorization.endswith(TOKEN) for r in api)
    # minimal: the profile, three pages, one commit-search page, one PR-search page; nothing per repository
    assert [r.path for r in api] == [f"/users/{LOGIN}"] + [f"/users/{LOGIN}/repos"] * 3 + ["/search/commits", "/search/issues"]


def test_credits_only_what_the_candidate_wrote(first_run: FirstRun) -> None:
    data, md = first_run.data, first_run.md
    # churn-model: train.py is the candidate's, metrics.py a teammate's
    assert find(data, "alex-ml/churn-model", "train.py", "EVAL-cross-validation")["authored_share"] == 1.0
    assert find(data, "alex-ml/churn-model", "metrics.py", "EVAL-metrics")["authored_share"] == 0.0
    assert any("mostly written by someone else" in c for c in assessment(data, "model_evaluation")["caveats"])
    # committed from a personal address that only GitHub's commit search ties to the login
    assert find(data, "alex-ml/churn-model", "features.py", "PRE-feature-scaling")["authored_share"] == 1.0
    # a fork with the candidate's commit: their file counts, upstream code does not
    assert find(data, "alex-ml/forked-lib", "boosting.py", "MOD-gradient-boosting")["authored_share"] == 1.0
    # a fork without any candidate commit: kept, marked, credited at 0
    assert find(data, "alex-ml/forked-untouched", "net.py", "MOD-torch-module")["authored_share"] == 0.0
    assert ("alex-ml/forked-untouched", "fork-without-commits") in problems(data)
    assert ("alex-ml/forked-lib", "fork-without-commits") not in problems(data)
    assert "0% of the file written by the candidate" in md


def test_pull_requests_to_other_repositories_count_for_collaboration(first_run: FirstRun) -> None:
    data, md = first_run.data, first_run.md
    collaboration = assessment(data, "collaboration")
    assert collaboration["level"] not in ("not_assessed", "none")
    pulls = [e for e in collaboration["evidence"] if e["detector"] == "COL-pull-requests"]
    assert [(e["location"]["repo"], e["values"]["number"], e["values"]["status"], e["confidence"]) for e in pulls] == [
        ("other-org/big-lib", "12", "merged", "high"),
        ("other-org/big-lib", "15", "open", "medium"),
    ]
    assert pulls[0]["values"]["url"] == "https://github.com/other-org/big-lib/pull/12"
    assert "Merged PR #12 to other-org/big-lib: Fix sample weights in the scorer" in md
    assert "https://github.com/other-org/big-lib/pull/12" in md


def test_the_token_is_never_written_anywhere(first_run: FirstRun) -> None:
    done, cache = first_run.done, first_run.cache
    assert TOKEN not in done.stdout and TOKEN not in done.stderr
    written = [p for p in first_run.folder.rglob("*") if p.is_file()]
    assert len(written) > 50  # reports, listing, four clones with their objects
    assert [p for p in written if TOKEN.encode() in p.read_bytes()] == []
    # the clone's own config holds no credentials either (the header came through the environment)
    config = (cache / "github").rglob("config")
    assert all("extraheader" not in p.read_text().lower() for p in config)


def test_second_run_fetches_instead_of_cloning_and_offline_makes_no_request(
    first_run: FirstRun, run_proofolio, github: StandIn, tmp_path: Path
) -> None:
    data, cache = first_run.data, first_run.cache
    assert len([r for r in first_run.log if r.git_command == "fetch"]) == 4  # the first run downloaded four packs
    clone = cache / "github"
    partial = subprocess.run(
        ["git", "-C", str(next(clone.rglob("churn-model"))), "config", "remote.origin.partialclonefilter"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert partial == "blob:limit=1048576"  # 1m: code history is local, big data files are not
    github.log.clear()
    again = tmp_path / "again.json"
    done = run_proofolio(f"github:{LOGIN}", "--include-forks", "--cache-dir", str(cache), "-o", str(again), "--quiet")
    assert done.code == 0, done.stderr
    assert github.git_requests("fetch") == []  # nothing new: no pack downloaded
    assert len(github.git_requests("ls-refs")) == 4  # ... but every clone asked for updates
    api = [r for r in github.log if r.method == "GET" and r.path.startswith(("/users/", "/search/", "/repos/", "/user"))]
    assert api and {r.status for r in api} == {304}  # every API answer was revalidated (If-None-Match), none resent
    assert {s["commit"] for s in report(again)["sources"]} == {s["commit"] for s in data["sources"]}
    github.log.clear()
    offline = tmp_path / "offline.json"
    done = run_proofolio(f"github:{LOGIN}", "--include-forks", "--offline", "--cache-dir", str(cache),
                         "-o", str(offline), "--quiet")
    assert done.code == 0, done.stderr
    assert github.log == []
    assert repo_names(report(offline)) == ALL_OWN
    assert assessment(report(offline), "collaboration")["level"] == assessment(data, "collaboration")["level"]


def test_offline_with_nothing_cached_is_an_error(run_proofolio, github: StandIn, tmp_path: Path) -> None:
    done = run_proofolio(f"github:{LOGIN}", "--offline", "--cache-dir", str(tmp_path / "empty"))
    assert done.code == 2
    assert done.stderr == f"error: nothing cached for github:{LOGIN}: run once without --offline\n"
    assert github.log == []


def test_forks_are_skipped_by_default(run_proofolio, github: StandIn, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    done = run_proofolio(f"github:{LOGIN}", "--cache-dir", str(tmp_path / "c"), "-o", str(out), "--quiet")
    assert done.code == 0, done.stderr
    assert repo_names(report(out)) == {"alex-ml/churn-model", "alex-ml/vision-bulk"}
    assert not any(g.path.startswith("/git/alex-ml/forked") for g in github.git_requests())


def test_max_repos_and_since_stop_listing_early(run_proofolio, github: StandIn, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    done = run_proofolio(f"github:{LOGIN}", "--max-repos", "1", "--cache-dir", str(tmp_path / "c"), "-o", str(out))
    assert done.code == 0, done.stderr
    assert repo_names(report(out)) == {"alex-ml/churn-model"}  # the most recently pushed
    assert len([r for r in github.api_requests() if r.path.endswith("/repos")]) == 1  # page 1 was enough
    github.log.clear()
    done = run_proofolio(f"github:{LOGIN}", "--since", "2025-04-15", "--include-forks",
                         "--cache-dir", str(tmp_path / "c"), "-o", str(out), "--quiet")
    assert done.code == 0, done.stderr
    assert repo_names(report(out)) == {"alex-ml/churn-model", "alex-ml/forked-lib"}  # pushed 06-01 and 05-01
    assert len([r for r in github.api_requests() if r.path.endswith("/repos")]) == 2  # page 2 held 04-01: stop


def test_one_repository_url(run_proofolio, github: StandIn, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    done = run_proofolio("https://github.com/alex-ml/churn-model", "--cache-dir", str(tmp_path / "c"), "-o", str(out))
    assert done.code == 0, done.stderr
    data = report(out)
    assert [s["name"] for s in data["sources"]] == ["alex-ml/churn-model"]
    assert [r.path for r in github.api_requests()] == ["/users/alex-ml", "/repos/alex-ml/churn-model", "/search/commits"]
    assert find(data, "alex-ml/churn-model", "metrics.py", "EVAL-metrics")["authored_share"] == 0.0


def test_a_429_a_502_and_a_dropped_connection_are_survived(run_proofolio, github: StandIn, tmp_path: Path) -> None:
    github.faults += [
        Fault(r"^/users/alex-ml$", DROP),
        Fault(r"^/users/alex-ml/repos$", 429, query="&page=2", headers={"Retry-After": "1"},
              body={"message": "Too many requests"}),
        Fault(r"^/search/issues$", 502, body={"message": "Server Error"}),
    ]
    out = tmp_path / "r.json"
    done = run_proofolio(f"github:{LOGIN}", "--include-forks", "--cache-dir", str(tmp_path / "c"), "-o", str(out))
    assert done.code == 0, done.stderr
    statuses = [(r.path, r.status) for r in github.api_requests()]
    assert statuses.count(("/users/alex-ml/repos", 429)) == 1
    assert statuses.count(("/users/alex-ml/repos", 200)) == 3
    assert [s for p, s in statuses if p == "/search/issues"] == [502, 200]
    assert [s for p, s in statuses if p == "/users/alex-ml"] == [DROP, 200]
    data = report(out)
    assert repo_names(data) == ALL_OWN
    assert not {k for _, k in problems(data)} & {"rate-limited", "github-error"}
    assert any(e["detector"] == "COL-pull-requests" for e in assessment(data, "collaboration")["evidence"])


def test_rate_limit_beyond_max_wait_finishes_with_what_was_listed(
    run_proofolio, github: StandIn, tmp_path: Path
) -> None:
    reset = str(int(time.time()) + 3600)
    limited = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
    github.faults += [
        Fault(r"^/users/alex-ml/repos$", 403, times=50, query="&page=2", headers=limited,
              body={"message": "API rate limit exceeded for user ID 4242.", "documentation_url": "x"}),
        Fault(r"^/search/issues$", 429, times=50, headers=limited, body={"message": "Too many requests"}),
    ]
    out = tmp_path / "r.json"
    done = run_proofolio(f"github:{LOGIN}", "--include-forks", "--max-wait", "5",
                         "--cache-dir", str(tmp_path / "c"), "-o", str(out), "--quiet")
    assert done.code == 0, done.stderr
    data = report(out)
    assert repo_names(data) == {"alex-ml/churn-model", "alex-ml/forked-lib"}  # page 1 only
    reasons = {p["reason"] for p in data["problems"] if p["kind"] == "rate-limited"}
    assert any("stopped after 2 repositories; the rest are missing" in r for r in reasons)
    assert any("pull requests listed: 0; the rest are missing" in r for r in reasons)
    # no waiting: the reset is an hour away, beyond --max-wait, so each request was tried once
    assert len([r for r in github.api_requests() if r.status in (403, 429)]) == 2


def test_low_budget_is_shown_unless_quiet(run_proofolio, github: StandIn, tmp_path: Path) -> None:
    github.rate_remaining = 8
    done = run_proofolio(f"github:{LOGIN}", "--cache-dir", str(tmp_path / "c"), "-o", str(tmp_path / "r.json"))
    assert done.code == 0, done.stderr
    assert re.search(r"GitHub API budget low: \d of 5000 requests left \(resets \d\d:\d\d UTC\)", done.stderr)
    github.rate_remaining = 8
    done = run_proofolio(f"github:{LOGIN}", "--quiet", "--cache-dir", str(tmp_path / "c"), "-o", str(tmp_path / "r.json"))
    assert done.code == 0 and done.stderr == ""


def test_a_repository_that_cannot_be_cloned_is_a_problem(run_proofolio, github: StandIn, tmp_path: Path) -> None:
    github.faults.append(Fault(r"^/git/alex-ml/churn-model\.git/", 500, times=100))
    out = tmp_path / "r.json"
    done = run_proofolio(f"github:{LOGIN}", "--cache-dir", str(tmp_path / "c"), "-o", str(out), "--quiet")
    assert done.code == 0, done.stderr
    data = report(out)
    failed = [p for p in data["problems"] if p["kind"] == "clone-failed"]
    assert [p["repo"] for p in failed] == ["alex-ml/churn-model"]
    assert TOKEN not in failed[0]["reason"] and "could not clone alex-ml/churn-model" in failed[0]["reason"]
    assert next(s for s in data["sources"] if s["name"] == "alex-ml/vision-bulk")["commit"]


def test_bad_credentials_exit_2_with_one_line(run_proofolio, github: StandIn, tmp_path: Path) -> None:
    done = run_proofolio(f"github:{LOGIN}", "--cache-dir", str(tmp_path / "c"), token="ghp_WRONG_TOKEN_999")
    assert done.code == 2
    assert done.stderr == "error: GitHub rejected the token (bad credentials)\n"
    assert "ghp_WRONG" not in done.stdout + done.stderr
    assert [r.status for r in github.log] == [401]  # not retried


def test_unknown_user_exit_2_with_one_line(run_proofolio, github: StandIn, tmp_path: Path) -> None:
    done = run_proofolio("@nobody-here", "--cache-dir", str(tmp_path / "c"))
    assert done.code == 2
    assert done.stderr == "error: GitHub user 'nobody-here' not found\n"
    done = run_proofolio("https://github.com/alex-ml/no-such-repo", "--cache-dir", str(tmp_path / "c"))
    assert done.code == 2
    assert done.stderr == "error: GitHub repository 'alex-ml/no-such-repo' not found\n"


def test_unreachable_api_exit_2_with_one_line(run_proofolio, tmp_path: Path) -> None:
    done = run_proofolio(f"github:{LOGIN}", "--api-url", "http://127.0.0.1:9", "--cache-dir", str(tmp_path / "c"),
                         api=False)
    assert done.code == 2
    assert done.stderr.startswith("error: cannot reach the GitHub API at http://127.0.0.1:9")
    assert done.stderr.count("\n") == 1


def test_a_server_that_keeps_failing_exit_2(run_proofolio, github: StandIn, tmp_path: Path) -> None:
    github.faults.append(Fault(r"^/users/alex-ml$", 502, times=100))
    done = run_proofolio(f"github:{LOGIN}", "--cache-dir", str(tmp_path / "c"))
    assert done.code == 2
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1
    assert len(github.api_requests()) == 6  # the first try and RETRIES=5 retries, then it gives up


def test_local_paths_still_win(run_proofolio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "@alex-ml"
    folder.mkdir()
    (folder / "a.py").write_text("def f(x: int) -> int:\n    return x\n")
    done = run_proofolio(str(folder), "--format", "json", api=False)
    assert done.code == 0, done.stderr
    assert json.loads(done.stdout)["sources"][0]["kind"] == "folder"


def test_without_commit_search_a_personal_email_is_not_the_candidate(
    run_proofolio, github: StandIn, tmp_path: Path
) -> None:
    github.faults.append(Fault(r"^/search/commits$", 422, body={"message": "Validation Failed"}))
    out = tmp_path / "r.json"
    done = run_proofolio("github:alex-ml/churn-model", "--cache-dir", str(tmp_path / "c"), "-o", str(out), "--quiet")
    assert done.code == 0, done.stderr
    data = report(out)
    assert find(data, "alex-ml/churn-model", "features.py", "PRE-feature-scaling")["authored_share"] == 0.0
    assert find(data, "alex-ml/churn-model", "train.py", "EVAL-cross-validation")["authored_share"] == 1.0  # noreply
    reasons = [p["reason"] for p in data["problems"] if p["kind"] == "github-error"]
    expected = ("GitHub API failed (HTTP 422: Validation Failed): the candidate's commit emails are unknown: "
                "only the GitHub noreply addresses and --author-email identify their commits")
    assert reasons == [expected]


def test_progress_bars_on_a_terminal_only(github: StandIn, tmp_path: Path) -> None:
    """On a terminal stderr shows listing/cloning bars; piped (every other test) it stays silent."""
    import os
    import pty

    master, slave = pty.openpty()
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1", "GITHUB_TOKEN": TOKEN, "TERM": "xterm", "COLUMNS": "100"}
    command = [str(PROOFOLIO), "analyze", "github:alex-ml", "--api-url", github.base_url,
               "--cache-dir", str(tmp_path / "c"), "-o", str(tmp_path / "r.json")]
    proc = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    code = proc.wait(timeout=120)
    text = seen.decode("utf-8", "replace")
    assert code == 0, text[-3000:]
    assert "cloning" in text and "listing GitHub" in text, text[-3000:]
    assert TOKEN not in text


def test_a_hostile_repository_name_never_becomes_a_path(run_proofolio, github: StandIn, tmp_path: Path) -> None:
    if "mallory" not in github.users:
        github.add_user("mallory", 666, "Mallory")
        github.add_repo("mallory", "..", full_name="mallory/..", clone_url=f"{github.base_url}/git/alex-ml/churn-model.git")
        github.add_repo("mallory", "ok", clone_url=f"{github.base_url}/git/alex-ml/churn-model.git")
    out = tmp_path / "r.json"
    done = run_proofolio("github:mallory", "--cache-dir", str(tmp_path / "c"), "-o", str(out), "--quiet")
    assert done.code == 0, done.stderr
    data = report(out)
    assert [(p["repo"], p["kind"]) for p in data["problems"] if p["kind"] == "clone-failed"] == [("mallory/..", "clone-failed")]
    assert "refusing an unexpected repository name" in next(p["reason"] for p in data["problems"] if p["kind"] == "clone-failed")
    assert repo_names(data) == {"mallory/..", "mallory/ok"}
    assert sorted(p.name for p in (tmp_path / "c" / "github").iterdir()) == ["127.0.0.1_" + github.base_url.rsplit(":", 1)[1]]


def test_private_repositories_only_with_include_private(run_proofolio, github: StandIn, tmp_path: Path) -> None:
    repo = github.repo_index["alex-ml/vision-bulk"]
    repo["private"], repo["visibility"] = True, "private"  # what the owner's own token lists
    try:
        out = tmp_path / "r.json"
        done = run_proofolio(f"github:{LOGIN}", "--cache-dir", str(tmp_path / "c1"), "-o", str(out), "--quiet")
        assert done.code == 0, done.stderr
        assert repo_names(report(out)) == {"alex-ml/churn-model"}
        assert not any(g.path.startswith("/git/alex-ml/vision-bulk") for g in github.git_requests())
        done = run_proofolio(f"github:{LOGIN}", "--include-private", "--cache-dir", str(tmp_path / "c2"), "-o", str(out), "--quiet")
        assert done.code == 0, done.stderr
        assert repo_names(report(out)) == {"alex-ml/churn-model", "alex-ml/vision-bulk"}
        single = run_proofolio("https://github.com/alex-ml/vision-bulk", "--cache-dir", str(tmp_path / "c3"), "-o", str(out))
        assert single.code == 2
        assert single.stderr == "error: repository 'alex-ml/vision-bulk' is private: pass --include-private to analyse it\n"
    finally:
        repo["private"], repo["visibility"] = False, "public"


def test_a_pack_cut_mid_clone_is_a_problem_and_a_rerun_completes(run_proofolio, github: StandIn, tmp_path: Path) -> None:
    github.faults.append(Fault(r"^/git/alex-ml/churn-model\.git/git-upload-pack$", TRUNCATE, times=100))
    out, cache = tmp_path / "r.json", str(tmp_path / "c")
    done = run_proofolio(f"github:{LOGIN}", "--cache-dir", cache, "-o", str(out), "--quiet")
    assert done.code == 0, done.stderr
    data = report(out)
    assert [p["repo"] for p in data["problems"] if p["kind"] == "clone-failed"] == ["alex-ml/churn-model"]
    commits = {s["name"]: s["commit"] for s in data["sources"]}
    assert commits["alex-ml/churn-model"] is None and commits["alex-ml/vision-bulk"]  # the rest was analysed
    github.faults.clear()
    again = run_proofolio(f"github:{LOGIN}", "--cache-dir", cache, "-o", str(out), "--quiet")
    assert again.code == 0, again.stderr
    data = report(out)
    assert {s["name"]: s["commit"] for s in data["sources"]}["alex-ml/churn-model"] == bare_head(github, "alex-ml/churn-model")
    assert not [p for p in data["problems"] if p["kind"] == "clone-failed"]


def test_collection_limits_apply_to_cloned_repositories(run_proofolio, github: StandIn, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    done = run_proofolio(f"github:{LOGIN}", "--max-repos", "1", "--max-files", "2", "--cache-dir", str(tmp_path / "c"),
                         "-o", str(out), "--quiet")
    assert done.code == 0, done.stderr
    data = report(out)
    (limited,) = [p for p in data["problems"] if p["kind"] == "too-many-files"]
    assert limited["repo"] == "alex-ml/churn-model" and "max_files=2" in limited["reason"]
    (source,) = [s for s in data["sources"] if s["name"] == "alex-ml/churn-model"]
    assert source["files_analyzed"] <= 2
