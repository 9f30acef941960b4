"""`proofolio match REPORT.json POSTING`: which of a posting's requirements the report covers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console

from proofolio.cli.common import UserError, load_taxonomy_option
from proofolio.matching import cover, load_vocabulary, read_posting, scan_posting
from proofolio.matching.posting import PostingError
from proofolio.matching.render import render_coverage_json, render_coverage_markdown, render_coverage_terminal
from proofolio.reporters.json_report import ReportFormatError, digest_status, result_from_dict


@click.command()
@click.argument("report")
@click.argument("posting")
@click.option("-f", "--format", "fmt", type=click.Choice(["terminal", "md", "json"]), default="terminal",
              show_default=True, help="How to print the coverage.")
@click.option("--skills", "skills_file", metavar="FILE",
              help="The taxonomy the report was made with, when it is not the default.")
def match(report: str, posting: str, fmt: str, skills_file: str | None) -> None:
    """Match a job POSTING (text, .md or .html file; - for stdin) against a JSON REPORT."""
    try:
        data = json.loads(Path(report).read_text("utf-8"))
        result = result_from_dict(data)
    except FileNotFoundError:
        raise UserError(f"report not found: {report}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ReportFormatError) as exc:
        raise UserError(f"{report} is not a proofolio JSON report: {exc}") from None
    if digest_status(data) is False:
        click.echo(f"warning: the digest of {report} does not match its content: it was edited "
                   "(run `proofolio verify` to check its claims)", err=True)
    try:
        text = read_posting(posting)
    except PostingError as exc:
        raise UserError(str(exc)) from None
    taxonomy = load_taxonomy_option(skills_file)
    scan = scan_posting(text, taxonomy, load_vocabulary())
    requirements = scan.requirements
    if not requirements:
        raise UserError(f"found no skill or technology this proofolio knows in {posting}")
    name = "standard input" if posting == "-" else Path(posting).name
    coverage = cover(result, requirements, taxonomy, name, scan.unrecognised_lines)
    if fmt == "json":
        click.echo(render_coverage_json(coverage), nl=False)
    elif fmt == "md":
        click.echo(render_coverage_markdown(coverage), nl=False)
    else:
        # piped or redirected: wide enough that links are not folded over several lines (rich's 80 otherwise)
        render_coverage_terminal(coverage, Console(highlight=False, width=None if sys.stdout.isatty() else 200))


command = match
