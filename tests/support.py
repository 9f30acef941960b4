"""Helpers shared by test modules (importable as `support`; fixtures live in conftest.py)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORTFOLIO = ROOT / "examples" / "portfolio"


def git(cwd: Path, *args: str, author: tuple[str, str] | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if author:
        env.update(GIT_AUTHOR_NAME=author[0], GIT_AUTHOR_EMAIL=author[1],
                   GIT_COMMITTER_NAME=author[0], GIT_COMMITTER_EMAIL=author[1])
    out = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=cwd, env=env, check=True, capture_output=True, text=True,
    )
    return out.stdout.strip()


CANDIDATE = ("Alex Rivera", "alex@example.org")
OTHER = ("Sam Teammate", "sam@example.org")

# A small, typical training script (also one of the stand-in GitHub account's repositories).
TRAIN_PY = (ROOT / "fixtures" / "github" / "churn-model" / "train.py").read_text("utf-8")

VENDORED_PY = '''import numpy as np
from sklearn.metrics import accuracy_score


def evaluate(y_true, y_pred):
    return accuracy_score(y_true, y_pred)
'''


def write(root: Path, files: dict[str, str | bytes]) -> None:
    """Create files (and their folders) under root."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def commit_files(work: Path, files: dict[str, str | bytes], message: str = "one", author: tuple[str, str] = CANDIDATE) -> None:
    """A new git repository at ``work`` holding ``files`` in one commit by ``author``."""
    work.mkdir(parents=True, exist_ok=True)
    git(work, "init", "-q")
    write(work, files)
    git(work, "add", "-A")
    git(work, "commit", "-qm", message, author=author)


def serve_bare(work: Path, bare: Path) -> Path:
    """A bare clone of ``work`` at ``bare`` that allows partial clones (what GitHub serves)."""
    bare.parent.mkdir(parents=True, exist_ok=True)
    git(work.parent, "clone", "-q", "--bare", str(work), str(bare))
    git(bare, "config", "uploadpack.allowFilter", "true")
    return bare
