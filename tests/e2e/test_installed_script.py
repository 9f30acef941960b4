"""The installed `proofolio` console script, run as a user would, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from support import CANDIDATE, PORTFOLIO, ROOT, git
from proofolio import __version__
from proofolio.taxonomy import load_default_taxonomy

SCRIPT = Path(sys.executable).parent / "proofolio"
SKILL_IDS = [s.id for s in load_default_taxonomy().skills]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def cited_line(project: Path, location: dict) -> str:
    """The source line a report cites, read back from the file itself."""
    path = project / location["path"]
    if location["cell"] is not None:
        nb = nbformat.read(path, as_version=4)
        return nb.cells[location["cell"]].source.splitlines()[location["line"] - 1]
    return path.read_text().splitlines()[location["line"] - 1]


def test_installed_script_exists_and_reports_version() -> None:
    assert SCRIPT.exists(), "run `pip install -e .` (make test does)"
    assert run("--version").stdout == f"proofolio {__version__}\n"
    module = subprocess.run([sys.executable, "-m", "proofolio", "--version"], capture_output=True, text=True)
    assert module.stdout == f"proofolio {__version__}\n"


def test_missing_path_exit_2_one_line() -> None:
    proc = run("analyze", "/nonexistent")
    assert proc.returncode == 2
    assert proc.stderr == "error: path not found: /nonexistent\n"


@pytest.fixture(scope="module")
def portfolio_report() -> dict:
    proc = run("analyze", "examples/portfolio", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_portfolio_report_is_valid_and_complete(portfolio_report: dict, validate_report) -> None:
    validate_report(portfolio_report)
    assert [a["skill"] for a in portfolio_report["assessments"]] == SKILL_IDS
    assert {s["name"] for s in portfolio_report["sources"]} == {"churn-prediction", "digit-classifier", "pdf-renamer"}


def test_portfolio_evidence_points_at_the_real_code(portfolio_report: dict) -> None:
    checked = 0
    for assessment in portfolio_report["assessments"]:
        for item in assessment["evidence"]:
            loc = item["location"]
            if loc["line"] is None or not loc["path"].endswith((".py", ".ipynb")):
                continue
            line = cited_line(PORTFOLIO / loc["repo"], loc)
            first = item["snippet"].splitlines()[0]
            assert first.strip() in line, (loc, first, line)
            checked += 1
    assert checked >= 20


def test_portfolio_levels_are_plausible(portfolio_report: dict) -> None:
    levels = {a["skill"]: a["level"] for a in portfolio_report["assessments"]}
    for skill in ("data_preprocessing", "exploratory_analysis", "model_building", "model_evaluation"):
        assert levels[skill] in ("demonstrated", "strong"), (skill, levels[skill])
    assert levels["collaboration"] == "not_assessed"  # plain folders, no git history


def test_non_ml_utility_shows_no_ml_skill(portfolio_report: dict) -> None:
    ml_skills = {"data_preprocessing", "exploratory_analysis", "statistics", "model_building", "model_evaluation", "deployment_mlops"}
    for assessment in portfolio_report["assessments"]:
        if assessment["skill"] in ml_skills:
            assert all(e["location"]["repo"] != "pdf-renamer" for e in assessment["evidence"])


def test_git_repo_with_two_authors(two_author_repo: Path, tmp_path: Path, validate_report) -> None:
    out = tmp_path / "report.json"
    proc = run("analyze", str(two_author_repo), "-o", str(out), "--author-email", CANDIDATE[1], "--quiet")
    assert proc.returncode == 0, proc.stderr
    report = validate_report(out.read_text())
    (source,) = report["sources"]
    sha = git(two_author_repo, "rev-parse", "HEAD")
    assert source["commit"] == sha
    assert source["name"] == "alex-rivera/churn-model"
    assert source["remote_url"] == "https://github.com/alex-rivera/churn-model.git"
    assert "s3cret" not in out.read_text()
    evidence = [e for a in report["assessments"] for e in a["evidence"]]
    shares = {e["location"]["path"]: e["authored_share"] for e in evidence if e["location"]["path"].endswith(".py")}
    assert shares["train.py"] == 1.0
    assert shares["metrics.py"] == 0.0
    urls = [e["url"] for e in evidence if e["location"]["path"] == "train.py"]
    assert any(u and u.startswith(f"https://github.com/alex-rivera/churn-model/blob/{sha}/train.py#L") for u in urls)
    by_skill = {a["skill"]: a for a in report["assessments"]}
    assert by_skill["collaboration"]["level"] != "not_assessed"
    assert any("someone else" in c for c in by_skill["model_evaluation"]["caveats"])
