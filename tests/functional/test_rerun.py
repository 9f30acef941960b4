"""An unchanged re-run is recalled from the cache; any change is analysed again, and matches a fresh run."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import proofolio.rerun
from proofolio.cli import cli
from support import PORTFOLIO


def _age(root: Path, seconds: int = 120) -> None:
    """Files written more than a timestamp tick ago: their stat signatures can be trusted."""
    past = time.time() - seconds
    for path in root.rglob("*"):
        os.utime(path, (past, past), follow_symlinks=False)


@pytest.fixture()
def portfolio(tmp_path: Path) -> Path:
    root = tmp_path / "portfolio"
    shutil.copytree(PORTFOLIO, root, ignore=shutil.ignore_patterns(".git"))
    _age(root)
    return root


def _analyze(root: Path, cache: Path | None, *extra: str) -> dict:
    args = ["analyze", str(root), "--format", "json", "--quiet", "--jobs", "1", *extra]
    args += ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    report.pop("generated_at")
    report.pop("digest")
    return report


def _forbid_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("the run was analysed again instead of recalled")

    monkeypatch.setattr(proofolio.rerun, "analyze_sources", fail)


def test_unchanged_rerun_is_recalled_and_equal(portfolio: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    cold = _analyze(portfolio, cache)
    with monkeypatch.context() as patch:
        _forbid_analysis(patch)
        assert _analyze(portfolio, cache) == cold


def test_a_changed_file_is_analysed_again_and_matches_a_fresh_run(portfolio: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = _analyze(portfolio, cache)
    script = portfolio / "pdf-renamer" / "train_extra.py"
    script.write_text(
        "from sklearn.model_selection import train_test_split\nfrom sklearn.svm import SVC\n\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\nSVC().fit(X_train, y_train)\n"
    )
    _age(portfolio)
    warm = _analyze(portfolio, cache)
    assert warm != cold
    assert warm == _analyze(portfolio, None)
    assert any(e["location"]["path"] == "train_extra.py" for a in warm["assessments"] for e in a["evidence"]) or any(
        w["path"] == "train_extra.py" for w in warm["workflows"])


def test_a_file_written_just_now_is_not_trusted(portfolio: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file modified within the last timestamp tick may change again unseen: no recall while it is racy."""
    cache = tmp_path / "cache"
    readme = portfolio / "churn-prediction" / "README.md"
    racy = time.time() + 60  # "modified just now" for the whole test, whatever the machine's speed
    os.utime(readme, (racy, racy))
    _analyze(portfolio, cache)  # its signature would be the same next time: only the racy rule stops a recall
    with monkeypatch.context() as patch:
        _forbid_analysis(patch)
        with pytest.raises(AssertionError, match="analysed again"):
            _analyze(portfolio, cache)


def test_a_different_selection_is_not_recalled(portfolio: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    _analyze(portfolio, cache)
    with monkeypatch.context() as patch:
        _forbid_analysis(patch)
        with pytest.raises(AssertionError, match="analysed again"):
            _analyze(portfolio, cache, "--select", "EVAL-")


def test_an_account_with_another_pull_request_is_another_project() -> None:
    """Cached repository-detector results are keyed by everything a source holds, pull requests included."""
    from proofolio.models import SourceInfo
    from proofolio.pipeline import project_identity
    from proofolio.sources.github_contributions import AccountSource, PullRequest

    def account(*states: str) -> AccountSource:
        pulls = tuple(PullRequest("org/lib", n, "Fix", f"https://github.com/org/lib/pull/{n}", state, None, "2025-01-01")
                      for n, state in enumerate(states, 1))
        return AccountSource(info=SourceInfo("github:alex", "git", "https://github.com/alex"), root=Path("."),
                             files=[], has_history=True, pull_requests=pulls)

    assert project_identity(account("open")) == project_identity(account("open"))
    assert project_identity(account("open")) != project_identity(account("closed"))
    assert project_identity(account("open")) != project_identity(account("open", "open"))


def test_a_recalled_run_writes_what_the_analysed_run_wrote(portfolio: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same JSON text (digest included, the date being fixed) and views decoded from the recalled sections."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the Markdown shows the date

    def reports(name: str) -> tuple[str, str]:
        out = tmp_path / name
        args = ["analyze", str(portfolio), "--quiet", "--jobs", "1", "--cache-dir", str(cache),
                "-o", f"{out}.json", "-o", f"{out}.md"]
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return Path(f"{out}.json").read_text("utf-8"), Path(f"{out}.md").read_text("utf-8")

    cold = reports("cold")
    with monkeypatch.context() as patch:
        _forbid_analysis(patch)
        assert reports("warm") == cold
