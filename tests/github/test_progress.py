"""Progress bars appear on a terminal and nowhere else."""

from __future__ import annotations

import io

from rich.console import Console

from proofolio.progress import stage_bars


def test_bars_on_a_terminal() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80)
    with stage_bars(console) as stages:
        advance = stages.stage("cloning", 2)
        advance()
        advance()
        assert stages.analysis is not None
        stages.analysis("alex/churn", 1, 3)
        console.print("still here")
    text = out.getvalue()
    assert "cloning" in text and "still here" in text


def test_silent_when_not_a_terminal_or_quiet() -> None:
    for console, enabled in ((Console(file=io.StringIO(), force_terminal=False), True),
                             (Console(file=io.StringIO(), force_terminal=True), False)):
        with stage_bars(console, enabled) as stages:
            stages.stage("cloning", 1)()
            assert stages.analysis is None
        assert console.file.getvalue() == ""  # type: ignore[attr-defined]
