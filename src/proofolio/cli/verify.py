"""`proofolio verify REPORT.json`: was the report edited, and do its claims hold at the commits?"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from proofolio.cli.common import UserError, load_taxonomy_option
from proofolio.reporters._text import one_line
from proofolio.taxonomy import Taxonomy
from proofolio.verify import Check, ReportUnusable, load_report, verify

LABEL = {"ok": ("ok", "green"), "mismatch": ("MISMATCH", "bold red"), "unchecked": ("unchecked", "yellow")}


def _taxonomy_for(sha256: str, skills_file: str | None) -> tuple[Taxonomy | None, str]:
    """The taxonomy whose hash is the report's, or None and why."""
    taxonomy = load_taxonomy_option(skills_file)
    if taxonomy.ref.sha256 == sha256:
        return taxonomy, ""
    which = f"--skills {skills_file}" if skills_file else "the default taxonomy"
    hint = "" if skills_file else "; pass the report's taxonomy with --skills FILE"
    return None, f"taxonomy differs (report sha256 {sha256[:12]}, {which} {taxonomy.ref.sha256[:12]}){hint}"


def _line(check: Check) -> Text:
    label, style = LABEL[check.outcome]
    return Text.assemble(Text(f"{label:<10}", style=style), Text(one_line(check.subject)), ": ", Text(one_line(check.detail)))


@click.command()
@click.argument("report")
@click.option("--skills", "skills_file", metavar="FILE",
              help="The taxonomy TOML the report was made with, when it is not the default.")
@click.option("-q", "--quiet", is_flag=True, help="Print only what did not match or could not be checked, and the summary.")
def verify_command(report: str, skills_file: str | None, quiet: bool) -> None:
    """Check REPORT (JSON) against its repositories re-obtained at the pinned commits.

    Exit 0 when everything checks out, 1 when something does not match or could not be
    checked, 2 when the report is unusable.
    """
    try:
        data, result = load_report(report)
    except ReportUnusable as exc:
        raise UserError(str(exc)) from None
    taxonomy, note = _taxonomy_for(result.taxonomy.sha256, skills_file)
    outcome = verify(data, result, taxonomy, base=Path(report).resolve().parent, taxonomy_note=note)
    console = Console(highlight=False, soft_wrap=True)
    for check in outcome.checks:
        if not quiet or check.outcome != "ok":
            console.print(_line(check))
    ok, bad, unknown = outcome.count("ok"), outcome.count("mismatch"), outcome.count("unchecked")
    verdict = "verified" if outcome.exit_code == 0 else ("NOT verified" if bad else "not fully verified")
    console.print(Text(f"{verdict}: {ok} match, {bad} do not match, {unknown} could not be checked"))
    raise SystemExit(outcome.exit_code)


command = verify_command
command.name = "verify"
