"""Shared fixtures: schema validation and git repositories built at test time."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from proofolio.reporters.json_report import load_schema
from support import CANDIDATE, OTHER, TRAIN_PY, VENDORED_PY, git


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Runs in tests (and the subprocesses they start) never touch the user's cache folder."""
    import os

    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))


@pytest.fixture(scope="session")
def validate_report() -> Callable[[str | dict[str, Any]], dict[str, Any]]:
    """Validate a JSON report (text or dict) against the shipped schema and return it."""
    validator = jsonschema.Draft202012Validator(load_schema())

    def check(report: str | dict[str, Any]) -> dict[str, Any]:
        data = json.loads(report) if isinstance(report, str) else report
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
        return data

    return check


@pytest.fixture()
def two_author_repo(tmp_path: Path) -> Path:
    """A git repo where the candidate wrote train.py and a teammate wrote metrics.py."""
    repo = tmp_path / "churn-model"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "remote", "add", "origin", "https://user:s3cret@github.com/alex-rivera/churn-model.git")
    (repo / "train.py").write_text(TRAIN_PY)
    (repo / "README.md").write_text("# Churn model\n\n## Problem\nPredict churn.\n\n## Setup\npip install -r requirements.txt\n")
    (repo / "requirements.txt").write_text("pandas==2.2.0\nscikit-learn==1.5.0\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "Train a model", author=CANDIDATE)
    (repo / "metrics.py").write_text(VENDORED_PY)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "Add metrics", author=OTHER)
    return repo
