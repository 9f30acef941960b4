"""A 200 MB notebook of base64 image outputs: skipped by name of the limit, or read in bounded memory.

The notebooks are written cell by cell (one 1 MB base64 image reused), so the test itself
never holds them. Peak RSS is that of the installed console script, measured from a fresh
interpreter that starts it (``RUSAGE_CHILDREN``); ``-j 1`` keeps the reading in that process.
docs/performance.md sets the bound a run must stay under: 300 MB.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "proofolio"
MB = 1_000_000
PEAK_RSS_BOUND = 300 * MB  # docs/performance.md: peak RSS < 300 MB
MEASURE = (
    "import json, resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024\n"
    "print(json.dumps({'code': done.returncode, 'stderr': done.stderr.decode(), 'peak': peak}))\n"
)
CODE_CELL = "from sklearn.model_selection import cross_val_score\nscores = cross_val_score(model, X, y, cv=5)\n"


def write_notebook(path: Path, image_cells: int) -> int:
    """A valid nbformat 4 notebook: one code cell worth citing, then cells with a 1 MB PNG output each."""
    image = base64.b64encode(os.urandom(MB * 3 // 4)).decode("ascii")
    head = {"nbformat": 4, "nbformat_minor": 5, "metadata": {
        "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}}
    with path.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps(head)[:-1] + ', "cells": [')
        fh.write(json.dumps({"cell_type": "code", "execution_count": 1, "id": "cv", "metadata": {},
                             "outputs": [], "source": CODE_CELL}))
        for i in range(image_cells):
            cell = {"cell_type": "code", "execution_count": i + 2, "id": f"plot-{i}", "metadata": {},
                    "source": f"plt.plot(x, y{i})", "outputs": [{
                        "output_type": "display_data", "metadata": {},
                        "data": {"image/png": "@IMAGE@", "text/plain": "<Figure size 640x480 with 1 Axes>"}}]}
            fh.write(", " + json.dumps(cell).replace('"@IMAGE@"', f'"{image}"'))
        fh.write("]}\n")
    return path.stat().st_size


def measured(target: Path, report: Path, *extra: str) -> tuple[dict, int, float]:
    """(report, peak RSS in bytes, seconds) of `proofolio analyze TARGET` in one process."""
    command = [str(SCRIPT), "analyze", str(target), "-o", str(report), "-q", "-j", "1", "--no-cache", *extra]
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, timeout=300,
                          check=True)
    seconds = time.monotonic() - started
    result = json.loads(done.stdout)
    assert result["code"] == 0, result["stderr"]
    return json.loads(report.read_text("utf-8")), result["peak"], seconds


def cited(report: dict, path: str) -> set[str]:
    return {e["detector"] for a in report["assessments"] for e in a["evidence"] if e["location"]["path"] == path}


@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int]]:
    """A project with a 200 MB notebook and a small script; the notebook is deleted afterwards."""
    project = tmp_path_factory.mktemp("huge") / "project"
    project.mkdir()
    size = write_notebook(project / "plots.ipynb", 200)
    (project / "train.py").write_text("import pandas as pd\ndf = pd.read_csv('train.csv').dropna()\n")
    yield project, size
    (project / "plots.ipynb").unlink()


def test_a_200_mb_notebook_is_skipped_with_the_limit_named(huge: tuple[Path, int], tmp_path: Path) -> None:
    project, size = huge
    assert size > 200 * MB
    report, peak, seconds = measured(project, tmp_path / "r.json")
    assert [(p["path"], p["kind"], p["reason"]) for p in report["problems"]] == [
        ("plots.ipynb", "too-large", f"skipped: {size / MB:.1f} MB exceeds max_file_bytes=25000000"),
    ]
    assert cited(report, "train.py")  # the rest of the project is analysed
    assert peak < PEAK_RSS_BOUND, f"{peak / MB:.0f} MB"
    assert seconds < 30


def test_with_the_limit_raised_it_is_read_in_memory_proportional_to_its_size(
    huge: tuple[Path, int], tmp_path: Path,
) -> None:
    """Asked to, proofolio reads it: the code cell is cited, and memory stays a small multiple of
    the file (bytes, decoded text, parsed JSON: about 3x), never one copy per output or per cell."""
    project, size = huge
    report, peak, seconds = measured(project, tmp_path / "r.json", "--max-file-bytes", str(300 * MB))
    assert report["problems"] == []
    assert "EVAL-cross-validation" in cited(report, "plots.ipynb")
    assert peak < 5 * size, f"{peak / MB:.0f} MB for a {size / MB:.0f} MB notebook"
    assert seconds < 60


def test_a_notebook_just_under_the_limit_is_analysed_within_the_bound(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    size = write_notebook(project / "plots.ipynb", 24)
    assert 20 * MB < size < 25 * MB  # under max_file_bytes: analysed by default
    report, peak, _ = measured(project, tmp_path / "r.json")
    assert report["problems"] == []
    assert "EVAL-cross-validation" in cited(report, "plots.ipynb")
    assert peak < PEAK_RSS_BOUND, f"{peak / MB:.0f} MB"
