"""`proofolio verify`, end to end with the installed script on a git repository built now.

An untouched report verifies (exit 0). Copies edited the way a cheater would — level, score,
snippet, line, commit — each with its digest recomputed so the fast check passes, fail (exit
1) and the output names the item. Reports that cannot be fully checked say why.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support import CANDIDATE, git

from proofolio import __version__
from proofolio.reporters.json_report import report_digest

SCRIPT = Path(sys.executable).with_name("proofolio")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=300, cwd=cwd, check=False)


@pytest.fixture
def analysed(two_author_repo: Path, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    out = tmp_path / "reports" / "report.json"
    done = run("analyze", str(two_author_repo), "--quiet", "--author-email", CANDIDATE[1], "-o", str(out))
    assert done.returncode == 0, done.stderr
    return out, json.loads(out.read_text())


def _train_evidence(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The first assessment citing a line of train.py, and that evidence item."""
    for a in data["assessments"]:
        for ev in a["evidence"]:
            if ev["location"]["path"] == "train.py" and ev["location"]["line"] is not None:
                return a, ev
    raise AssertionError("no evidence in train.py")


def _write(tmp_path: Path, name: str, data: dict[str, Any], *, redigest: bool = True) -> Path:
    if redigest:
        data["digest"] = report_digest(data)
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2))
    return path


def test_untouched_report_verifies(analysed: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    path, data = analysed
    done = run("verify", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    sha = data["sources"][0]["commit"]
    assert f"ok        source alex-rivera/churn-model: re-obtained at commit {sha[:12]}" in done.stdout
    assert "ok        digest: matches the report's content" in done.stdout
    a, ev = _train_evidence(data)
    assert f"ok        skill {a['skill']}: level {a['level']}, score {a['score']}" in done.stdout
    where = f"alex-rivera/churn-model/train.py:{ev['location']['line']}"
    assert f"ok        skill {a['skill']}: evidence {ev['detector']} at {where}" in done.stdout
    assert done.stdout.strip().splitlines()[-1].startswith("verified: ")
    assert "0 do not match, 0 could not be checked" in done.stdout
    quiet = run("verify", str(path), "-q")
    assert quiet.returncode == 0 and quiet.stdout.count("\n") == 1


Edit = Callable[[dict[str, Any]], str]


def _edit_level(d: dict[str, Any]) -> str:
    a, _ = _train_evidence(d)
    a["level"] = "strong" if a["level"] != "strong" else "emerging"
    return f"MISMATCH  skill {a['skill']}: level {a['level']} in the report"


def _edit_score(d: dict[str, Any]) -> str:
    a, _ = _train_evidence(d)
    old = a["score"]
    a["score"] = old + 7 if old <= 90 else old - 7
    return f"MISMATCH  skill {a['skill']}: score {a['score']} in the report, {old} re-analysed"


def _edit_snippet(d: dict[str, Any]) -> str:
    a, ev = _train_evidence(d)
    ev["snippet"] = ev["snippet"] + "  # and a neural network"
    return (f"MISMATCH  skill {a['skill']}: evidence {ev['detector']} at alex-rivera/churn-model/train.py:"
            f"{ev['location']['line']}")


def _edit_line(d: dict[str, Any]) -> str:
    _, ev = _train_evidence(d)
    ev["location"]["line"] += 2
    if ev["location"]["end_line"] is not None:
        ev["location"]["end_line"] += 2
    return f"evidence {ev['detector']} at alex-rivera/churn-model/train.py:{ev['location']['line']}"


def _edit_caveats(d: dict[str, Any]) -> str:
    a, _ = _train_evidence(d)
    a["caveats"] = []  # hide that a teammate wrote part of the code, say
    a["caveats"].append("Reviewed by a senior engineer")
    return f"MISMATCH  skill {a['skill']}: caveats ['Reviewed by a senior engineer'] in the report"


def _edit_commit(d: dict[str, Any]) -> str:
    fake = "0123456789abcdef0123456789abcdef01234567"
    d["sources"][0]["commit"] = fake
    for a in d["assessments"]:
        for ev in a["evidence"]:
            if ev["location"]["commit"]:
                ev["location"]["commit"] = fake
    return f"MISMATCH  source alex-rivera/churn-model: commit {fake} does not exist in"


@pytest.mark.parametrize("edit", [_edit_level, _edit_score, _edit_snippet, _edit_line, _edit_commit, _edit_caveats],
                         ids=["level", "score", "snippet", "line", "commit", "caveats"])
def test_edited_report_with_recomputed_digest_fails_and_names_the_item(
    analysed: tuple[Path, dict[str, Any]], tmp_path: Path, edit: Edit
) -> None:
    _, data = analysed
    edited = copy.deepcopy(data)
    expected = edit(edited)
    path = _write(tmp_path, "edited.json", edited)
    done = run("verify", str(path))
    assert done.returncode == 1, done.stdout
    assert "ok        digest: matches the report's content" in done.stdout  # the digest was recomputed …
    assert expected in done.stdout  # … but the claim does not hold, and the item is named
    assert done.stdout.strip().splitlines()[-1].startswith("NOT verified: ")


def test_edit_without_new_digest_is_caught_by_the_digest(analysed: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    _, data = analysed
    data["target"] = "someone-else"
    done = run("verify", str(_write(tmp_path, "r.json", data, redigest=False)))
    assert done.returncode == 1
    assert "MISMATCH  digest: does not match the report's content" in done.stdout


def test_other_tool_version_cannot_be_checked(analysed: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    _, data = analysed
    data["tool"]["version"] = "0.0.1"
    done = run("verify", str(_write(tmp_path, "r.json", data)))
    assert done.returncode == 1
    assert f"unchecked analysis: could not be checked: report made by proofolio 0.0.1, this is {__version__}" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "not fully verified: 1 match, 0 do not match, 1 could not be checked"


def test_other_taxonomy_needs_skills(analysed: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    _, data = analysed
    data["taxonomy"]["sha256"] = "f" * 64
    done = run("verify", str(_write(tmp_path, "r.json", data)))
    assert done.returncode == 1
    assert "could not be checked: taxonomy differs (report sha256 ffffffffffff, the default taxonomy" in done.stdout
    assert "pass the report's taxonomy with --skills FILE" in done.stdout


def test_folder_without_commit_cannot_be_pinned(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "a.py").write_text("import pandas as pd\ndf = pd.read_csv('x.csv')\ndf = df.dropna()\n")
    out = tmp_path / "r.json"
    assert run("analyze", str(project), "-q", "-o", str(out)).returncode == 0
    assert run("verify", str(out)).returncode == 0  # the folder is still here: re-analysed as it is
    data = json.loads(out.read_text())
    data["sources"][0]["root"] = str(tmp_path / "gone")
    done = run("verify", str(_write(tmp_path, "moved.json", data)))
    assert done.returncode == 1
    assert "unchecked source proj: could not be checked (no commit)" in done.stdout


def test_clone_from_the_remote_url_when_the_local_repo_is_gone(analysed: tuple[Path, dict[str, Any]], tmp_path: Path,
                                                                two_author_repo: Path) -> None:
    _, data = analysed
    bare = tmp_path / "served.git"
    git(tmp_path, "clone", "-q", "--bare", str(two_author_repo), str(bare))
    data["sources"][0]["root"] = str(tmp_path / "not-here")
    data["sources"][0]["remote_url"] = bare.as_uri()
    done = run("verify", str(_write(tmp_path, "r.json", data)))
    # The clone from the remote works, but the remote is part of the project's identity: a
    # non-GitHub URL no longer yields the name "alex-rivera/churn-model", so nothing is compared
    # against the wrong project.
    assert done.returncode == 1
    assert ("unchecked source alex-rivera/churn-model: could not be checked: the clone does not collect as "
            "the same project") in done.stdout
    data["sources"][0]["remote_url"] = (tmp_path / "nowhere.git").as_uri()
    gone = run("verify", str(_write(tmp_path, "r2.json", data)))
    assert "unchecked source alex-rivera/churn-model: could not be checked: cloning " in gone.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "is not JSON"),
        ('{"schema_version": "1.0"}', "does not follow the report schema at (top level): 'tool' is a required property"),
    ],
)
def test_unusable_report_exits_2(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    done = run("verify", str(path))
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and message in done.stderr and done.stderr.count("\n") == 1
    missing = run("verify", str(tmp_path / "none.json"))
    assert (missing.returncode, missing.stderr) == (2, f"error: report not found: {tmp_path / 'none.json'}\n")


@pytest.mark.parametrize(
    ("candidate", "emails"),
    [
        ("alex@example.org, a@b.org (--author-email)", ("alex@example.org", "a@b.org")),
        ("alex-rivera (alex@example.org, 1+alex-rivera@users.noreply.github.com)",
         ("alex@example.org", "1+alex-rivera@users.noreply.github.com")),
        ("alex@example.org (most commits)", ()),
        (None, ()),
    ],
)
def test_candidate_emails_recorded_in_the_report(candidate: str | None, emails: tuple[str, ...]) -> None:
    from proofolio.models import SourceInfo
    from proofolio.verify import _candidate_emails

    assert _candidate_emails(SourceInfo("r", "git", "r", candidate=candidate)) == emails
