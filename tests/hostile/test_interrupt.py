"""Ctrl-C during a run: exit 130 with one line, the cache stays intact, a re-run completes."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from corpus import generate  # noqa: E402

SCRIPT = Path(sys.executable).parent / "proofolio"


def test_interrupt_leaves_a_sound_cache_and_a_rerun_completes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    generate(corpus, scale=0.05)
    cache = tmp_path / "cache"
    args = [str(SCRIPT), "analyze", str(corpus), "--cache-dir", str(cache), "-j", "2", "--format", "json", "-q"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    db = cache / "results.sqlite"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not db.exists():  # wait until results are being stored
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err  # 300 files take seconds: the signal lands mid-run
    assert err.strip().splitlines()[-1] == "interrupted"
    assert out == ""
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rerun = subprocess.run(args, capture_output=True, text=True, timeout=300)
    fresh = subprocess.run([*args[:3], "--no-cache", "-j", "1", "--format", "json", "-q"], capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0 and fresh.returncode == 0, rerun.stderr + fresh.stderr
    strip = lambda text: {k: v for k, v in json.loads(text).items() if k not in ("generated_at", "digest")}  # noqa: E731
    assert strip(rerun.stdout) == strip(fresh.stdout)


@pytest.mark.parametrize("delay", [0.0, 0.1, 0.2, 0.3])
def test_interrupt_while_workers_start_prints_one_line(tmp_path: Path, delay: float) -> None:
    """Ctrl-C while the worker pool starts: no half-started worker outlives the run to print a traceback.

    A cold run starts its workers (in the background) as soon as it opens the cache, so the
    delays after the cache file appears cover the pool's start-up.
    """
    corpus = tmp_path / "corpus"
    generate(corpus, scale=0.01)
    cache = tmp_path / "cache"
    args = [str(SCRIPT), "analyze", str(corpus), "--cache-dir", str(cache), "-j", "2", "--format", "json", "-q"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (cache / "results.sqlite").exists():
        time.sleep(0.01)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    if proc.returncode == 0:
        pytest.skip("the run finished before the signal")  # a fast machine: nothing to check
    assert proc.returncode == 130, err
    assert err.strip().splitlines() == ["interrupted"], err
    assert out == ""
