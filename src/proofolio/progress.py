"""Progress on a terminal (rich), silence everywhere else.

rich's progress machinery loads only when bars are shown: a quiet run (scripts, CI, a
recalled re-run that takes a second) does not pay for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from threading import Lock
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from proofolio.pipeline import ProgressCallback

Advance = Callable[[], None]


class Stages:
    """Named bars for the stages of a run (listing, cloning, analysis); all no-ops when silent."""

    def __init__(self, bar: Progress | None) -> None:
        self._bar = bar
        self._lock = Lock()  # clones finish on worker threads
        self._projects: dict[str, TaskID] = {}

    def stage(self, description: str, total: int | None) -> Advance:
        """Start a bar; the returned callable advances it by one (thread-safe)."""
        bar = self._bar
        if bar is None:
            return lambda: None
        task = bar.add_task(description, total=total)

        def advance() -> None:
            with self._lock:
                bar.advance(task)

        return advance

    @property
    def analysis(self) -> ProgressCallback | None:
        """The pipeline's per-project callback (one bar per project), or None when silent."""
        bar = self._bar
        if bar is None:
            return None

        def update(project: str, done: int, total: int) -> None:
            if project not in self._projects:
                self._projects[project] = bar.add_task(project, total=total)
            bar.update(self._projects[project], completed=done)

        return update


@contextmanager
def stage_bars(console: Console | None, enabled: bool = True) -> Iterator[Stages]:
    """Bars on a terminal when enabled; a silent Stages otherwise (always without a console)."""
    if not enabled or console is None or not console.is_terminal:
        yield Stages(None)
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    ) as bar:
        yield Stages(bar)

