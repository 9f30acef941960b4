"""proofolio parses; it never runs what it analyses — not code, notebooks, setup.py, git hooks or filters.

A repository is booby-trapped: if any of its code, hooks, filter drivers, fsmonitor or
textconv commands ran, a marker file would appear or a TCP connection would reach a
listener on loopback. After analysis: no marker, no connection.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

from support import git

SCRIPT = Path(sys.executable).parent / "proofolio"


def _trap(marker: Path, port: int, label: str) -> str:
    """Python that would leave a marker and phone home if it were ever executed."""
    return (
        "import socket, pathlib\n"
        f"pathlib.Path({str(marker / label)!r}).write_text('ran')\n"
        f"socket.create_connection(('127.0.0.1', {port}), timeout=1).sendall(b'{label}')\n"
    )


def test_nothing_from_the_repository_is_executed(tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    connections: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            connections.append(conn.recv(64))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()

    repo = tmp_path / "trap"
    repo.mkdir()
    git(repo, "init", "-q")
    shell = f"#!/bin/sh\ntouch {markers}/$(basename $0)\n"
    (repo / "setup.py").write_text("from setuptools import setup\n" + _trap(markers, port, "setup.py") + "setup(name='x')\n")
    (repo / "conftest.py").write_text(_trap(markers, port, "conftest"))
    (repo / "sitecustomize.py").write_text(_trap(markers, port, "sitecustomize"))
    (repo / "train.py").write_text("import pandas as pd\n" + _trap(markers, port, "train") + "df = pd.read_csv('a').dropna()\n")
    (repo / "evil.pth").write_text(f"import os; os.system('touch {markers}/pth')\n")
    (repo / "pylintrc").write_text(f"[MASTER]\ninit-hook='open(\"{markers}/pylint\", \"w\")'\n")
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}},
          "cells": [{"cell_type": "code", "source": _trap(markers, port, "notebook") + f"!touch {markers}/bang\n%system touch {markers}/magic\n",
                     "metadata": {}, "outputs": [], "execution_count": 1}]}
    (repo / "analysis.ipynb").write_text(json.dumps(nb))
    (repo / ".gitattributes").write_text("*.py filter=evil diff=evil\n*.ipynb filter=evil\n")
    (repo / "Makefile").write_text(f"all:\n\ttouch {markers}/make\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "trap", author=("Mallory", "mallory@example.org"))
    # Booby-trap the repository's own git configuration and hooks after committing.
    for key, value in [
        ("filter.evil.clean", f"touch {markers}/filter-clean; cat"),
        ("filter.evil.smudge", f"touch {markers}/filter-smudge; cat"),
        ("filter.evil.process", f"touch {markers}/filter-process"),
        ("diff.evil.textconv", f"touch {markers}/textconv; cat"),
        ("core.fsmonitor", f"touch {markers}/fsmonitor; echo"),
        ("core.pager", f"touch {markers}/pager; cat"),
        ("core.hooksPath", str(repo / ".git" / "hooks")),
    ]:
        git(repo, "config", key, value)
    hooks = repo / ".git" / "hooks"
    for hook in ("post-checkout", "pre-commit", "post-merge", "reference-transaction", "pre-auto-gc", "post-index-change"):
        (hooks / hook).write_text(shell)
        (hooks / hook).chmod(stat.S_IRWXU)
    (repo / "train.py").write_text((repo / "train.py").read_text() + "# modified after commit\n")  # status must look at it

    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    proc = subprocess.run([str(SCRIPT), "analyze", str(repo), "--format", "json", "-q"],
                          capture_output=True, text=True, timeout=120, env=env)
    stop.set()
    thread.join(timeout=2)
    listener.close()

    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["sources"][0]["kind"] == "git"  # git history was read, safely
    assert sorted(p.name for p in markers.iterdir()) == []
    assert connections == []
    # and the analysis still found the evidence in the trapped files
    assert any(e["location"]["path"] == "train.py" for a in report["assessments"] for e in a["evidence"])
