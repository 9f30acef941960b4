"""The single walk: a detector that fails loses only itself, on that file, with a visible problem."""

from __future__ import annotations

import ast
from typing import ClassVar

from proofolio.detectors.base import DetectorMeta, FileContext, FileDetector
from proofolio.detectors.engine import detect_file
from proofolio.detectors.registry import default_registry
from proofolio.documents import read_document

META = DetectorMeta("TEST-boom", "python", "boom", "", "", "", "")


class Boom(FileDetector):
    meta = META
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)

    def __init__(self) -> None:
        self.visits = 0

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        self.visits += 1
        raise ValueError("bad detector")


def test_a_failing_detector_is_dropped_for_the_file_and_the_others_still_see_everything() -> None:
    source = b"import pandas as pd\ndf = pd.read_csv('a.csv')\ndf = df.dropna()\nprint(df.describe())\n"
    boom = Boom()
    others = default_registry().file_detectors()
    found, problems = detect_file(read_document("a.py", source), [boom, *others], "r", None)
    assert boom.visits == 1  # not called again after it failed
    assert [(p.kind, p.reason) for p in problems] == [("detector-error", "TEST-boom failed: ValueError: bad detector")]
    assert {(e.detector, e.location.line) for e in found} >= {("PRE-data-loading", 2), ("PRE-missing-values", 3)}
