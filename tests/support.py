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

TRAIN_PY = '''"""Train a churn model."""
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split, cross_val_score


def train(path: str) -> float:
    df = pd.read_csv(path)
    df = df.dropna()
    X, y = df.drop(columns=["churned"]), df["churned"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    model = RandomForestClassifier(random_state=0)
    scores = cross_val_score(model, X_train, y_train, cv=5)
    return float(scores.mean())
'''

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
