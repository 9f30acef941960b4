"""Every command, run with a known fake GitHub token, never writes it anywhere.

Each test runs the installed script (or its entry point) with ``GITHUB_TOKEN`` set and, where
the command takes it, ``--token``; then greps standard output, standard error, every report
and every file under the cache folder and HOME for the token — raw, and in the base64 forms an
Authorization header carries it in. Success, failure (bad credentials, a clone that fails, a
stalled or unreachable API), a server that echoes the token back in its error messages, and
an unhandled exception are all covered.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
from ghsupport import PROOFOLIO, TOKEN, Run
from standin import Fault, StandIn
from support import ROOT

LOGIN = "alex-ml"
POSTING = ROOT / "examples" / "postings" / "data-scientist-retail.txt"
WRONG = "ghp_WRONG_CANARY_7777777777"


def forms(token: str) -> dict[str, bytes]:
    """The token as it could appear: raw, as a Basic header value (what git sends), base64 alone."""
    return {
        "raw": token.encode(),
        "basic header": base64.b64encode(f"x-access-token:{token}".encode()),
        "base64": base64.b64encode(token.encode()),
    }


def leaks(data: str | bytes, token: str = TOKEN) -> list[str]:
    raw = data.encode() if isinstance(data, str) else data
    return [name for name, form in forms(token).items() if form in raw]


def leaked_files(folders: Iterable[Path], token: str = TOKEN) -> list[str]:
    """Every file under the folders (reports, results.sqlite, listings, clones, HOME) that holds the token."""
    found = []
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink() and (hit := leaks(path.read_bytes(), token)):
                found.append(f"{path}: {hit}")
    return found


def environment(home: Path, token: str = TOKEN, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"], "HOME": str(home), "LANG": "C.UTF-8",
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "XDG_CACHE_HOME": str(home / ".cache"),
        "PROOFOLIO_GITHUB_PER_PAGE": "2", "PROOFOLIO_GITHUB_BACKOFF": "0.02", "GITHUB_TOKEN": token,
        **(extra or {}),
    }


def cli(home: Path, *argv: str, token: str = TOKEN, env: dict[str, str] | None = None) -> Run:
    """The installed script with the token in the environment; checks its output before returning."""
    done = subprocess.run([str(PROOFOLIO), *argv], env=environment(home, token, env), capture_output=True,
                          text=True, timeout=300, check=False)
    run = Run(done.returncode, done.stdout, done.stderr)
    assert leaks(run.stdout, token) == [] and leaks(run.stderr, token) == [], (argv, run)
    return run


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("argv", [
    ["--help"], ["--version"], ["analyze", "--help"], ["match", "--help"], ["verify", "--help"],
    ["detectors", "--help"], ["detectors", "show", "--help"], ["skills", "--help"],
    ["detectors"], ["detectors", "show", "EVAL-cross-validation"], ["skills"],
], ids=" ".join)
def test_help_and_listing_commands(argv: list[str], home: Path) -> None:
    done = cli(home, *argv)
    assert done.code == 0, done.stderr
    assert done.stdout.strip()
    assert leaked_files([home]) == []


def test_a_folder_analysed_matched_and_verified(two_author_repo: Path, home: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    reports = [out / name for name in ("r.json", "r.md", "r.html", "r.resume.json")]
    for run in ("cold", "warm"):  # the second run answers from results.sqlite
        done = cli(home, "analyze", str(two_author_repo), "--token", TOKEN, "--cache-dir", str(cache),
                   *(arg for r in reports for arg in ("-o", str(r))), "--format", "json")
        assert done.code == 0, (run, done.stderr)
        assert json.loads(done.stdout)["sources"][0]["commit"]
    assert (cache / "results.sqlite").stat().st_size > 0
    assert cli(home, "analyze", str(two_author_repo), "--token", TOKEN, "--no-cache").code == 0  # terminal summary
    assert cli(home, "match", str(reports[0]), str(POSTING)).code == 0
    assert cli(home, "match", str(reports[0]), str(POSTING), "--format", "json").code == 0
    assert cli(home, "verify", str(reports[0])).code == 0
    assert leaked_files([out, cache, home, two_author_repo]) == []


def test_a_github_account_analysed_matched_and_verified(github: StandIn, home: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    js = out / "r.json"
    args = [f"github:{LOGIN}", "--token", TOKEN, "--api-url", github.base_url, "--cache-dir", str(cache),
            "--include-forks", "-o", str(js), "-o", str(out / "r.md"), "-o", str(out / "r.html")]
    assert cli(home, "analyze", *args).code == 0  # lists, clones
    assert cli(home, "analyze", *args, "--format", "json").code == 0  # fetches into the cached clones
    assert cli(home, "analyze", *args, "--offline").code == 0  # from the cached listing
    assert {r.authorization for r in github.api_requests()} == {f"token {TOKEN}"}  # it was really sent
    data = json.loads(js.read_text("utf-8"))
    assert len([s for s in data["sources"] if s["commit"]]) == 4
    assert cli(home, "match", str(js), str(POSTING), "--format", "md").code == 0
    verified = cli(home, "verify", str(js))  # clones each repository again, from the stand-in
    assert verified.code in (0, 1) and "digest: matches" in verified.stdout
    assert " 0 do not match" in verified.stdout  # what cannot be re-obtained is unchecked, never a mismatch
    assert f"source {LOGIN}/churn-model: " in verified.stdout
    assert len(list(cache.rglob("listings/*.json"))) == 1 and len(list(cache.rglob("HEAD"))) >= 4
    assert leaked_files([out, cache, home]) == []


ECHO = {"message": f"Validation Failed: header 'Authorization: token {TOKEN}' not accepted",
        "documentation_url": "https://docs.github.com/rest"}


@pytest.mark.parametrize(("faults", "extra", "code", "says"), [
    # the API refuses the token: one line, exit 2
    ([], ["--token", WRONG], 2, "error: GitHub rejected the token (bad credentials)\n"),
    # a server that echoes the Authorization header in an error message, before and after listing
    ([Fault(rf"^/users/{LOGIN}$", 422, body=ECHO, times=10)], [], 2,
     f"error: GitHub API error 422 for user '{LOGIN}': Validation Failed: header 'Authorization: token ***' not accepted\n"),
    ([Fault(r"^/search/issues$", 422, body=ECHO, times=10)], [], 0, ""),
    # a clone the git server refuses
    ([Fault(rf"^/git/{LOGIN}/churn-model\.git/", 500, times=100)], [], 0, ""),
    # an API that stalls, and one that is not there at all
    ([Fault(rf"^/users/{LOGIN}$", delay=60, times=10)], [], 2, "error: the GitHub API at {api} stopped answering"),
    ([], ["--api-url", "http://127.0.0.1:9"], 2, "error: cannot reach the GitHub API at http://127.0.0.1:9"),
], ids=["bad-credentials", "echo-fatal", "echo-problem", "clone-fails", "stalled-api", "unreachable-api"])
def test_failure_paths(github: StandIn, home: Path, tmp_path: Path, faults: list[Fault], extra: list[str],
                       code: int, says: str) -> None:
    github.faults.extend(faults)
    token = WRONG if WRONG in extra else TOKEN
    out, cache = tmp_path / "r.json", tmp_path / "cache"
    api = ["--api-url", github.base_url] if "--api-url" not in extra else []
    done = cli(home, "analyze", f"github:{LOGIN}", "--token", token, *api, *extra, "--cache-dir", str(cache),
               "-o", str(out), "--quiet", token=token, env={"PROOFOLIO_HTTP_TIMEOUT": "1"})
    assert done.code == code, done.stderr
    if code == 2:
        assert done.stderr.startswith(says.format(api=github.base_url)) and done.stderr.count("\n") == 1
    else:
        reasons = [p["reason"] for p in json.loads(out.read_text("utf-8"))["problems"]]
        assert any("could not clone" in r or "***" in r for r in reasons), reasons  # the failure is reported
    assert leaked_files([tmp_path], token) == []


CRASH = """
import sys
import proofolio.sources.github as github

def explode(*args, **kwargs):
    raise RuntimeError("clone exploded")

github.clone_or_update = explode  # an unexpected error in a clone thread, while the token is in use
from proofolio.cli import main
sys.argv = ["proofolio", *sys.argv[1:]]
main()
"""


def test_an_unhandled_exception_prints_a_traceback_without_the_token(github: StandIn, home: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    done = subprocess.run(
        [sys.executable, "-c", CRASH, "analyze", f"github:{LOGIN}", "--token", TOKEN, "--api-url", github.base_url,
         "--cache-dir", str(cache), "-o", str(tmp_path / "r.json")],
        env=environment(home), capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "RuntimeError: clone exploded" in done.stderr
    assert leaks(done.stdout) == [] and leaks(done.stderr) == []
    assert {r.authorization for r in github.api_requests()} == {f"token {TOKEN}"}
    assert leaked_files([tmp_path]) == []


def test_a_server_that_puts_the_token_into_its_answers_gets_it_nowhere(github: StandIn, home: Path, tmp_path: Path) -> None:
    """A hostile API echoing the token in 200 answers (a description, a pull-request title):
    the listing, the HTTP cache and the reports never keep it."""
    owner = "echo-owner"
    if owner not in github.users:
        github.add_user(owner, 5151, "Echo Owner")
        github.add_repo(owner, "notes", size=0, description=f"deployed with {TOKEN}")
        github.add_pull(owner, "sam-upstream/lib", 7, f"Fix auth: token {TOKEN}", "closed",
                        "2025-02-01T00:00:00Z", "2025-01-20T00:00:00Z")
    out, cache = tmp_path / "out", tmp_path / "cache"
    args = [f"github:{owner}", "--token", TOKEN, "--api-url", github.base_url, "--cache-dir", str(cache),
            "-o", str(out / "r.json"), "-o", str(out / "r.md"), "-o", str(out / "r.html")]
    first = cli(home, "analyze", *args)
    assert first.code == 0, first.stderr
    assert "Fix auth: token ***" in (out / "r.md").read_text("utf-8")  # the title is shown, scrubbed
    assert cli(home, "analyze", *args, "--offline").code == 0  # from the saved listing
    assert list(cache.rglob("http-cache.sqlite"))  # answers were cached for conditional requests ...
    assert leaked_files([out, cache, home]) == []  # ... but none that quotes the token
    assert leaks(first.stdout + first.stderr) == []
