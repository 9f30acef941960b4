"""Progress on a terminal (rich), silence everywhere else."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from proofolio.pipeline import ProgressCallback


@contextmanager
def progress_reporter(console: Console, enabled: bool = True) -> Iterator[ProgressCallback | None]:
    """Yield a callback that shows one bar per project, or None when not on a terminal."""
    if not enabled or not console.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def update(project: str, done: int, total: int) -> None:
            if project not in tasks:
                tasks[project] = bar.add_task(project, total=total)
            bar.update(tasks[project], completed=done)

        yield update
