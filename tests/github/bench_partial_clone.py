"""Benchmark: which partial-clone filter lets authorship (`git log --numstat`) run locally.

Run: .venv/bin/python tests/github/bench_partial_clone.py [COMMITS]
Serves a repository of COMMITS commits (default 60) through the stand-in's git http-backend,
clones it with each filter, runs the authorship query proofolio runs, and prints the median
time of 3 rounds and how many HTTP requests the history query itself caused (lazy fetches).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from standin import StandIn
from support import git, serve_bare

FILTERS = ("--filter=blob:none", "--filter=blob:limit=1m", None)


def build(root: Path, commits: int) -> None:
    work = root / "work"
    work.mkdir()
    git(work, "init", "-q")
    for n in range(commits):
        (work / f"m{n % 7}.py").write_text("".join(f"x{i} = {i * n}\n" for i in range(40 + n)))
        git(work, "add", ".")
        git(work, "commit", "-qm", f"c{n}", author=("A", "a@example.org"))
    serve_bare(work, root / "bare" / "o" / "r.git")


def main() -> None:
    commits = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build(root, commits)
        server = StandIn(root / "bare").start()
        url = f"{server.base_url}/git/o/r.git"
        for flt in FILTERS:
            clone_times, log_times, lazy = [], [], []
            for round_ in range(3):
                dest = root / f"c{round_}-{(flt or 'full').replace('=', '_').replace(':', '_')}"
                start = time.perf_counter()
                subprocess.run(["git", "clone", "-q", "--single-branch", *([flt] if flt else []), url, str(dest)],
                               env=env, check=True)
                clone_times.append(time.perf_counter() - start)
                before = len(server.log)
                start = time.perf_counter()
                subprocess.run(["git", "-C", str(dest), "log", "--no-renames", "--numstat", "-z", "--format=%H"],
                               env=env, check=True, capture_output=True)
                log_times.append(time.perf_counter() - start)
                lazy.append(len(server.log) - before)
            print(f"{flt or 'full clone':24} clone {statistics.median(clone_times) * 1000:7.0f} ms   "
                  f"numstat {statistics.median(log_times) * 1000:7.0f} ms   requests during numstat: {lazy[0]}")
        server.stop()


if __name__ == "__main__":
    main()
