"""A report that cannot be written fails clearly and never replaces a good one with half a file."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "proofolio"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    for i in range(30):
        (root / f"m{i}.py").write_text("import pandas as pd\nfrom sklearn.metrics import f1_score\n"
                                       f"df = pd.read_csv('d{i}.csv').dropna()\nprint(f1_score(df.y, df.p))\n")
    return root


def _limit_file_size(max_bytes: int):  # type: ignore[no-untyped-def]
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG, like a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))
    return apply


def test_full_disk_keeps_the_previous_report(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text('{"previous": "good report"}')
    proc = subprocess.run([str(SCRIPT), "analyze", str(project), "-o", str(out), "-q"], capture_output=True, text=True,
                          timeout=120, preexec_fn=_limit_file_size(2000))
    assert proc.returncode == 2, proc.stderr
    warning, error = proc.stderr.splitlines()  # the cache cannot be written either: said once, run goes on
    assert warning.startswith("warning: proofolio cache ") and warning.endswith("running without it")
    assert error.startswith(f"error: cannot write {out}")
    assert out.read_text() == '{"previous": "good report"}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["proj", "report.json"]  # no temp file left behind


def test_read_only_location_is_a_clear_error(project: Path) -> None:
    """/proc refuses new files even to root: a read-only output path for every user."""
    target = "/proc/proofolio-report.md"
    proc = subprocess.run([str(SCRIPT), "analyze", str(project), "-o", target, "-q"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: cannot write {target}")
    assert proc.stderr.count("\n") == 1


def test_output_path_that_is_a_folder_is_a_clear_error(project: Path, tmp_path: Path) -> None:
    target = tmp_path / "taken.json"
    target.mkdir()
    proc = subprocess.run([str(SCRIPT), "analyze", str(project), "-o", str(target), "-q"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: cannot write {target}")
    assert target.is_dir()
