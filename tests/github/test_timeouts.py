"""A GitHub API or git server that stalls: the run ends in seconds with a clear line or a problem.

$PROOFOLIO_HTTP_TIMEOUT bounds how long proofolio waits for data, both for API requests
(PyGithub's timeout, three tries) and for clones (git's http.lowSpeedLimit/lowSpeedTime).
The stand-in stalls far longer than any of these runs may take, so a run that finishes in
time proves the timeout, not the server, ended the wait.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from ghsupport import TOKEN, Run, invoke
from standin import STALL, Fault, StandIn

from proofolio.limits import DEFAULT_HTTP_TIMEOUT, http_timeout

LOGIN = "alex-ml"
STALLED = 60.0  # how long a stalled answer would take: far beyond every bound below


def timed(github: StandIn, tmp_path: Path, *args: str, timeout: str) -> tuple[Run, float]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    started = time.monotonic()
    done = invoke(github.base_url, home, *args, env={"PROOFOLIO_HTTP_TIMEOUT": timeout})
    return done, time.monotonic() - started


def test_the_timeout_defaults_to_30_seconds_and_rejects_nonsense() -> None:
    assert http_timeout({}) == DEFAULT_HTTP_TIMEOUT == 30
    assert http_timeout({"PROOFOLIO_HTTP_TIMEOUT": " 5 "}) == 5
    for bad in ("soon", "0", "-3", "2.5", "nan", "3601"):
        with pytest.raises(ValueError, match="PROOFOLIO_HTTP_TIMEOUT must be a whole number of seconds"):
            http_timeout({"PROOFOLIO_HTTP_TIMEOUT": bad})


def test_a_stalled_api_is_one_line_and_exit_2_within_seconds(github: StandIn, tmp_path: Path) -> None:
    github.faults.append(Fault(rf"^/users/{LOGIN}$", delay=STALLED, times=100))
    done, seconds = timed(github, tmp_path, f"github:{LOGIN}", "--cache-dir", str(tmp_path / "c"), timeout="1")
    assert done.code == 2
    assert done.stderr == (f"error: the GitHub API at {github.base_url} stopped answering "
                           "(no answer within 1 s, 3 tries; $PROOFOLIO_HTTP_TIMEOUT sets the limit)\n")
    assert done.stdout == ""
    assert [r.path for r in github.api_requests()] == [f"/users/{LOGIN}"] * 3  # the first try and two retries
    assert 3 <= seconds < 30, seconds  # three 1 s timeouts were waited out, not the 60 s stall
    assert TOKEN not in done.stdout + done.stderr


def test_a_stall_on_a_later_page_finishes_with_what_was_listed(github: StandIn, tmp_path: Path) -> None:
    github.faults.append(Fault(rf"^/users/{LOGIN}/repos$", delay=STALLED, times=100, query="&page=2"))
    out = tmp_path / "r.json"
    done, seconds = timed(github, tmp_path, f"github:{LOGIN}", "--cache-dir", str(tmp_path / "c"),
                          "-o", str(out), "--quiet", timeout="1")
    assert done.code == 0, done.stderr
    data = json.loads(out.read_text("utf-8"))
    (problem,) = [p for p in data["problems"] if p["kind"] == "github-error"]
    assert problem["reason"] == ("GitHub API failed (no answer within 1 s, 3 tries; $PROOFOLIO_HTTP_TIMEOUT sets "
                                 "the limit): the repository list stopped after 1 repositories; the rest are missing")
    # page 1 (churn-model, and a fork skipped by default) was analysed; the pull requests were still listed
    assert {s["name"] for s in data["sources"] if "/" in s["name"]} == {f"{LOGIN}/churn-model"}
    assert next(s for s in data["sources"] if s["name"] == f"{LOGIN}/churn-model")["commit"]
    assert any(r.path == "/search/issues" for r in github.api_requests())
    assert seconds < 30, seconds  # not the 60 s stall
    assert TOKEN not in done.stdout + done.stderr + out.read_text("utf-8")


def test_an_invalid_timeout_stops_before_any_request(github: StandIn, tmp_path: Path) -> None:
    done, _ = timed(github, tmp_path, f"github:{LOGIN}", "--cache-dir", str(tmp_path / "c"), timeout="forever")
    assert done.code == 2
    assert done.stderr == ("error: PROOFOLIO_HTTP_TIMEOUT must be a whole number of seconds from 1 to 3600, "
                           "not 'forever'\n")
    assert github.log == []


@pytest.mark.parametrize(
    ("fault", "git_says"),
    [
        # the pack stops half-way and the server then sends nothing
        (Fault(rf"^/git/{LOGIN}/churn-model\.git/git-upload-pack$", STALL, delay=STALLED, times=100), "too slow"),
        # the server accepts the connection but never answers the first request
        (Fault(rf"^/git/{LOGIN}/churn-model\.git/info/refs$", delay=STALLED, times=100), "too slow"),
    ],
    ids=["mid-pack", "no-answer"],
)
def test_a_stalled_clone_is_a_problem_and_the_rest_is_analysed(
    github: StandIn, tmp_path: Path, fault: Fault, git_says: str,
) -> None:
    github.faults.append(fault)
    out = tmp_path / "r.json"
    done, seconds = timed(github, tmp_path, f"github:{LOGIN}", "--cache-dir", str(tmp_path / "c"),
                          "-o", str(out), "--quiet", timeout="1")
    assert done.code == 0, done.stderr
    data = json.loads(out.read_text("utf-8"))
    (failed,) = [p for p in data["problems"] if p["kind"] == "clone-failed"]
    assert failed["repo"] == f"{LOGIN}/churn-model"
    assert failed["reason"].startswith(f"could not clone {LOGIN}/churn-model: ") and git_says in failed["reason"]
    commits = {s["name"]: s["commit"] for s in data["sources"]}
    assert commits[f"{LOGIN}/churn-model"] is None and commits[f"{LOGIN}/vision-bulk"]
    assert not list((tmp_path / "c").rglob("churn-model.partial-*"))  # the half-clone was removed
    assert seconds < 30, seconds  # not the 60 s stall
    assert TOKEN not in done.stdout + done.stderr + out.read_text("utf-8")
