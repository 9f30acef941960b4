"""The command line, driven through click's CliRunner: exact messages and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from proofolio import __version__
from proofolio.cli import cli
from proofolio.detectors.registry import default_registry
from proofolio.taxonomy import load_default_taxonomy

SKILL_IDS = [s.id for s in load_default_taxonomy().skills]


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "src").mkdir(parents=True)
    (root / "src" / "model.py").write_text(
        "from sklearn.linear_model import LogisticRegression\n"
        "from sklearn.metrics import roc_auc_score\n\n"
        "clf = LogisticRegression()\n"
        "clf.fit(X, y)\n"
        "print(roc_auc_score(y, clf.predict_proba(X)[:, 1]))\n"
    )
    (root / "src" / "broken.py").write_text("def oops(:\n    pass\n")
    (root / "data.ipynb").write_text("{this is not json")
    return root


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"proofolio {__version__}\n"


def test_missing_path_is_one_line_and_exit_2(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["analyze", "/nonexistent"])
    assert result.exit_code == 2
    assert result.stderr == "error: path not found: /nonexistent\n"
    assert result.stdout == ""


def test_file_target_is_refused(runner: CliRunner, project: Path) -> None:
    target = str(project / "src" / "model.py")
    result = runner.invoke(cli, ["analyze", target])
    assert result.exit_code == 2
    assert result.stderr == f"error: not a folder: {target}\n"


def test_unreadable_taxonomy_is_refused(runner: CliRunner, project: Path, tmp_path: Path) -> None:
    bad = tmp_path / "skills.toml"
    bad.write_text("[[skill]]\nid = 'x'\n")
    result = runner.invoke(cli, ["analyze", str(project), "--skills", str(bad)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {bad}: [[skill]] #1 (id 'x'): missing field 'detectors'\n"
    missing = runner.invoke(cli, ["analyze", str(project), "--skills", str(tmp_path / "none.toml")])
    assert missing.exit_code == 2 and "taxonomy file not found" in missing.stderr


def test_unknown_report_suffix_is_refused(runner: CliRunner, project: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["analyze", str(project), "-o", str(tmp_path / "r.txt")])
    assert result.exit_code == 2
    assert "cannot tell the report format" in result.stderr


def test_folder_with_no_code_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = runner.invoke(cli, ["analyze", str(tmp_path / "empty")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no project found in ")


def test_json_to_stdout_with_problems_and_exit_0(runner: CliRunner, project: Path, validate_report) -> None:
    result = runner.invoke(cli, ["analyze", str(project), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = validate_report(result.stdout)
    assert [a["skill"] for a in report["assessments"]] == SKILL_IDS
    problems = {(p["path"], p["kind"]) for p in report["problems"]}
    assert ("src/broken.py", "syntax-error") in problems
    assert ("data.ipynb", "invalid-notebook") in problems
    by_skill = {a["skill"]: a for a in report["assessments"]}
    cited = {(e["location"]["path"], e["location"]["line"], e["detector"]) for e in by_skill["model_evaluation"]["evidence"]}
    assert ("src/model.py", 6, "EVAL-metrics") in cited
    assert by_skill["collaboration"]["level"] == "not_assessed"


def test_reports_written_by_suffix(runner: CliRunner, project: Path, tmp_path: Path, validate_report) -> None:
    md, js = tmp_path / "out" / "r.md", tmp_path / "out" / "r.json"
    result = runner.invoke(cli, ["analyze", str(project), "-o", str(md), "-o", str(js), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.output == ""
    validate_report(js.read_text())
    assert md.read_text().startswith("# ")


def test_terminal_summary_is_the_default(runner: CliRunner, project: Path) -> None:
    result = runner.invoke(cli, ["analyze", str(project)])
    assert result.exit_code == 0
    for skill in load_default_taxonomy().skills:
        assert skill.name in result.stdout


def test_select_limits_detectors(runner: CliRunner, project: Path) -> None:
    result = runner.invoke(cli, ["analyze", str(project), "--format", "json", "--select", "EVAL-"])
    report = json.loads(result.stdout)
    detectors = {e["detector"] for a in report["assessments"] for e in a["evidence"]}
    assert detectors and all(d.startswith("EVAL-") for d in detectors)
    none = runner.invoke(cli, ["analyze", str(project), "--select", "NOPE-"])
    assert none.exit_code == 2


def test_detectors_lists_every_detector(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["detectors"])
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == [m.id for m in default_registry().metas()]


def test_detectors_filtered_by_skill(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["detectors", "--skill", "model_evaluation"])
    rows = result.stdout.splitlines()
    assert rows and all(row.split()[1] == "model_evaluation" for row in rows)


def test_detectors_show(runner: CliRunner) -> None:
    meta = default_registry().metas()[0]
    result = runner.invoke(cli, ["detectors", "show", meta.id.lower()])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{meta.id} — {meta.title}\n")
    for heading in ("What it detects:", "Why it matters:", "Example:", "Not detected:"):
        assert heading in result.stdout
    unknown = runner.invoke(cli, ["detectors", "show", "NOPE-1"])
    assert unknown.exit_code == 2 and unknown.stderr == "error: unknown detector 'NOPE-1' (see `proofolio detectors`)\n"


def test_skills_shows_the_taxonomy(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["skills"])
    assert result.exit_code == 0
    ids = [line.split(" — ")[0] for line in result.stdout.splitlines() if " — " in line]
    assert ids == SKILL_IDS
    assert "levels: emerging >= 1, demonstrated >= 35, strong >= 70" in result.stdout


def test_cache_info_prune_and_clear(runner: CliRunner, project: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    (cache_dir / "github" / "api.github.com" / "owner" / "repo").mkdir(parents=True)
    (cache_dir / "github" / "api.github.com" / "owner" / "repo" / "f.py").write_text("x = 1\n" * 500)
    empty = runner.invoke(cli, ["cache", "info", "--cache-dir", str(tmp_path / "none")])
    assert empty.exit_code == 0 and "results: none" in empty.output
    analysed = runner.invoke(cli, ["analyze", str(project), "-q", "--cache-dir", str(cache_dir), "-f", "json"])
    assert analysed.exit_code == 0, analysed.output

    info = runner.invoke(cli, ["cache", "info", "--cache-dir", str(cache_dir)])
    assert info.exit_code == 0, info.output
    assert f"cache folder: {cache_dir}" in info.output
    stored = int(info.output.split("results: ")[1].split()[0])
    assert stored >= 3  # the two modules, the notebook's problem, the project and the whole result
    assert "GitHub clones and API answers: 3.0 kB" in info.output

    pruned = runner.invoke(cli, ["cache", "prune", "--cache-dir", str(cache_dir), "--max-mb", "0"])
    assert pruned.exit_code == 0 and f"dropped {stored} results" in pruned.output
    cleared = runner.invoke(cli, ["cache", "clear", "--cache-dir", str(cache_dir)])
    assert cleared.exit_code == 0 and "freed" in cleared.output
    assert not (cache_dir / "results.sqlite").exists() and not (cache_dir / "github").exists()
    again = runner.invoke(cli, ["cache", "info", "--cache-dir", str(cache_dir)])
    assert "results: none" in again.output and "GitHub clones and API answers: none" in again.output


def test_cache_clear_never_deletes_through_a_link(runner: CliRunner, tmp_path: Path) -> None:
    elsewhere = tmp_path / "precious"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine\n")
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / "github").symlink_to(elsewhere, target_is_directory=True)
    (cache_dir / "results.sqlite").symlink_to(elsewhere / "keep.txt")
    cleared = runner.invoke(cli, ["cache", "clear", "--cache-dir", str(cache_dir)])
    assert cleared.exit_code == 0, cleared.output
    assert (elsewhere / "keep.txt").read_text() == "mine\n"
    assert not (cache_dir / "github").exists() and not (cache_dir / "github").is_symlink()
