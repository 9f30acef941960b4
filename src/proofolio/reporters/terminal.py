"""The terminal summary printed after ``proofolio analyze``: a glance, not the full report.

Candidate text is wrapped in ``rich.text.Text`` objects (built from ``rich.markup.escape``d
strings where markup is used), so ``[bold]`` in a file name is not markup, ``:smile:`` is not an
emoji and an ANSI escape in a path is shown, not obeyed. Styles degrade to plain text on a
console without colour, which is what tests and pipes get.
"""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from proofolio.links import display_location
from proofolio.models import Level, Location, Result
from proofolio.reporters._text import one_line
from proofolio.reporters.markdown import LEVEL_TEXT, level_bar

__all__ = ["LEVEL_STYLE", "render_terminal"]

LEVEL_STYLE: dict[Level, str] = {
    Level.NOT_ASSESSED: "dim",
    Level.NONE: "red",
    Level.EMERGING: "yellow",
    Level.DEMONSTRATED: "cyan",
    Level.STRONG: "bold green",
}
TOP_EVIDENCE = 3
TOP_PROBLEMS = 5


def _text(value: str, style: str = "") -> Text:
    """Plain, single-line, visible text: never parsed as markup or emoji."""
    return Text(one_line(value), style=style)


def _skills_table(result: Result) -> Table:
    table = Table(title=Text.from_markup(f"Skills in [bold]{escape(one_line(result.target))}[/bold]"), title_justify="left")
    table.add_column("Skill", no_wrap=True)
    table.add_column("Level", no_wrap=True)
    table.add_column("Score", justify="right")
    table.add_column("", no_wrap=True)
    table.add_column("Evidence", justify="right")
    for a in result.assessments:
        score = "—" if a.level == Level.NOT_ASSESSED else str(a.score)
        table.add_row(
            _text(a.name),
            _text(LEVEL_TEXT[a.level], LEVEL_STYLE[a.level]),
            Text(score),
            Text(level_bar(a.score), style=LEVEL_STYLE[a.level]),
            Text(str(a.evidence_count)),
        )
    return table


def _evidence_lines(result: Result, console: Console) -> None:
    multi_repo = len({s.name for s in result.sources}) > 1
    for a in result.assessments:
        if not a.evidence:
            continue
        console.print(Text.assemble(_text(a.name, "bold"), " — ", _text(LEVEL_TEXT[a.level], LEVEL_STYLE[a.level])))
        console.print(Text.assemble("  ", _text(a.reason)))
        for caveat in a.caveats:
            console.print(Text.assemble("  ", Text("caveat: ", style="yellow"), _text(caveat)))
        for ev in a.evidence:
            if ev.severity is None:
                continue
            where = display_location(ev.location, with_repo=multi_repo)
            line = Text.assemble("  ", Text(f"negative ({ev.severity.value}): ", style="red"), _text(where, "underline"))
            if ev.remediation:
                line.append_text(Text.assemble(" — ", _text(ev.remediation)))
            console.print(line)
        for ev in [e for e in a.evidence if e.severity is None][:TOP_EVIDENCE]:
            where = display_location(ev.location, with_repo=multi_repo)
            console.print(Text.assemble("  ", _text(where, "underline"), "  ", _text(ev.detector, "dim"), f" ({ev.confidence.value})"))
        hidden = a.evidence_count - min(TOP_EVIDENCE, len(a.evidence))
        if hidden > 0:
            console.print(Text(f"  …and {hidden} more", style="dim"))


def _problems(result: Result, console: Console) -> None:
    if not result.problems:
        console.print(Text("No problems: every file was read and every detector ran.", style="dim"))
        return
    kinds = Counter(p.kind for p in result.problems)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    word = "problem" if len(result.problems) == 1 else "problems"
    console.print(Text.assemble(Text(f"{len(result.problems)} {word}", style="yellow"), ": ", _text(summary)))
    for p in result.problems[:TOP_PROBLEMS]:
        where = display_location(Location(p.repo, None, p.path, p.line, None, p.cell), with_repo=True)
        console.print(Text.assemble("  ", _text(where), "  ", _text(p.kind, "dim"), ": ", _text(p.reason)))
    if len(result.problems) > TOP_PROBLEMS:
        console.print(Text(f"  …and {len(result.problems) - TOP_PROBLEMS} more in the report", style="dim"))


def render_terminal(result: Result, console: Console) -> None:
    """Print the skills table, the top evidence per skill, and a problems summary."""
    console.print(_skills_table(result))
    _evidence_lines(result, console)
    _problems(result, console)
