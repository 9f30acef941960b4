"""Hostile and malformed files: each becomes a problem entry (path + reason), the run completes.

Files are built at test time; the installed console script analyses them in a subprocess,
exactly as a user would run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from proofolio.detectors.registry import default_registry
from proofolio.documents import read_document
from proofolio.limits import ReadLimits
from proofolio.pipeline import analyze_source
from proofolio.sources.local import LocalCollector

SCRIPT = Path(sys.executable).parent / "proofolio"


def analyze(target: Path, *extra: str) -> tuple[int, dict, str]:
    # run from inside the project: a file name that a shell would execute would leave its marker there
    proc = subprocess.run([str(SCRIPT), "analyze", str(target), "--format", "json", "-q", *extra],
                          capture_output=True, text=True, timeout=300, cwd=target)
    report = json.loads(proc.stdout) if proc.stdout else {}
    return proc.returncode, report, proc.stderr


def problems(report: dict) -> dict[str, tuple[str, str]]:
    return {p["path"]: (p["kind"], p["reason"]) for p in report["problems"]}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "proj"
    root.mkdir()
    w = lambda name, data: (root / name).write_bytes(data)  # noqa: E731
    w("good.py", b"import pandas as pd\ndf = pd.read_csv('x.csv')\ndf = df.fillna(0)\n")
    w("latin1.py", "# -*- coding: latin-1 -*-\nname = 'M\u00fcller'\nimport pandas as pd\ndf = pd.read_csv('a').dropna()\n".encode("latin-1"))
    w("bom.py", b"\xef\xbb\xbfimport numpy as np\nx = np.array([1])\n")
    w("nul.py", b"import os\x00\x00\n")
    w("py2.py", b"import pandas as pd\nprint 'rows', len(pd.read_csv('a').dropna())\n")
    w("deep.py", ("x = " + "(" * 5000 + "1" + ")" * 5000 + "\n").encode())
    w("chain.py", ("import pandas as pd\nx = pd.DataFrame()" + ".fillna(0)" * 600 + "\n").encode())
    w("oneline.py", b"x = [" + b"1," * 1_000_000 + b"]\n")
    w("binary.ipynb", bytes(range(256)) * 20)
    w("binary.py", b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8)
    w("empty.py", b"")
    w("empty.ipynb", b"")
    w("invalid.ipynb", b"{\"cells\": [")
    w("v3.ipynb", json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "code", "input": "import pandas as pd\ndf = pd.read_csv('a').dropna()", "language": "python", "outputs": []}]}]}).encode())
    w("nocells.ipynb", json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}}).encode())
    w("list_and_str.ipynb", json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "source": ["import pandas as pd\n", "df = pd.read_csv('a')\n"], "outputs": [{"output_type": "stream", "text": 42}], "metadata": {}},
        {"cell_type": "code", "source": "df = df.dropna()", "outputs": "not a list", "metadata": {}},
        {"cell_type": "code", "metadata": {}},
        "not a cell"]}).encode())
    for name in ("new\nline.py", "uni_\u00fc\u2603.py", "$(touch pwned); `id`.py", "-rf.py"):
        w(name, b"import pandas as pd\ndf = pd.read_csv('a.csv').dropna()\n")
    os.symlink("/etc/passwd", root / "outside.py")
    os.symlink("loop", root / "loop")
    (root / "sub").mkdir()
    os.symlink("..", root / "sub" / "up")
    os.symlink(root.parent, root / "sub" / "escape")
    return root


@pytest.fixture(scope="module")
def outcome(hostile: Path) -> tuple[int, dict, str]:
    return analyze(hostile)


def test_run_completes_with_exit_0_and_a_valid_report(outcome, validate_report) -> None:
    code, report, stderr = outcome
    assert code == 0, stderr
    validate_report(report)


@pytest.mark.parametrize(
    ("path", "kind", "reason_part"),
    [
        ("nul.py", "binary", "NUL bytes"),
        ("binary.py", "binary", "NUL bytes"),
        ("binary.ipynb", "invalid-notebook", "not UTF-8"),
        ("empty.ipynb", "invalid-notebook", "not valid JSON"),
        ("invalid.ipynb", "invalid-notebook", "not valid JSON"),
        ("nocells.ipynb", "invalid-notebook", "no cell list"),
        ("list_and_str.ipynb", "invalid-notebook", "read leniently"),
        ("deep.py", "syntax-error", "nested"),
        ("oneline.py", "too-large", "max_code_bytes=1000000"),
        ("py2.py", "python2", "rewrite"),
    ],
)
def test_each_bad_file_is_a_problem(outcome, path: str, kind: str, reason_part: str) -> None:
    found = problems(outcome[1])
    assert path in found, sorted(found)
    assert found[path][0] == kind
    assert reason_part in found[path][1]


def test_good_and_rescued_files_still_give_evidence(hostile: Path) -> None:
    (source,) = LocalCollector(hostile).collect()
    analysis = analyze_source(source, default_registry())
    files = {e.location.path for e in analysis.evidence}
    for path in ("good.py", "latin1.py", "py2.py", "v3.ipynb", "list_and_str.ipynb", "chain.py", "uni_\u00fc\u2603.py"):
        assert path in files, path


def _all_paths(report: dict) -> set[str]:
    return {e["location"]["path"] for a in report["assessments"] for e in a["evidence"]}


def test_symlinks_out_of_the_root_are_not_followed(outcome) -> None:
    report = json.dumps(outcome[1])
    assert "root:x:0:0" not in report
    assert "outside.py" not in _all_paths(outcome[1])
    assert not any("escape" in p for p in _all_paths(outcome[1]))


def test_odd_file_names_are_analysed_and_escaped_as_data(outcome, hostile: Path) -> None:
    counted = outcome[1]["stats"]["python_files"]
    assert counted >= 14
    assert {"new\nline.py", "uni_\u00fc\u2603.py", "$(touch pwned); `id`.py", "-rf.py"} <= _all_paths(outcome[1])
    assert not (hostile / "pwned").exists()


def test_read_limits_are_configurable_and_named() -> None:
    data = b"import pandas as pd\n" + b"x = 1\n" * 100
    doc = read_document("a.py", data, ReadLimits(max_code_bytes=100))
    assert doc.tree is None
    assert [(p.kind, p.reason) for p in doc.problems] == [("too-large", "skipped: 620 B of code exceeds max_code_bytes=100")]
    cells = [{"cell_type": "code", "source": f"x{i} = {i}", "metadata": {}, "outputs": [], "execution_count": None} for i in range(5)]
    nb = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}).encode()
    doc = read_document("n.ipynb", nb, ReadLimits(max_notebook_cells=3))
    assert [(p.kind, p.reason) for p in doc.problems] == [("too-many-cells", "5 cells: only the first 3 read (max_notebook_cells)")]
    assert len(doc.notebook.code_cells) == 3
