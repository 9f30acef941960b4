"""`proofolio analyze TARGET`: collect, read, detect, score, report."""

from __future__ import annotations

import click
from rich.console import Console

from proofolio.cli.common import UserError, load_taxonomy_option
from proofolio.detectors.registry import default_registry
from proofolio.pipeline import AnalyzeOptions, analyze_sources
from proofolio.progress import progress_reporter
from proofolio.reporters import FORMATS, format_for_path, write_report
from proofolio.reporters.terminal import render_terminal
from proofolio.sources.local import LocalCollector, TargetError

FORMAT_CHOICES = ("terminal", *sorted(FORMATS))


@click.command()
@click.argument("target")
@click.option("-o", "--output", "outputs", multiple=True, metavar="FILE",
              help="Write a report; the format follows the suffix (.md, .json). Repeatable.")
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(FORMAT_CHOICES),
              help="Print this format to standard output (default: terminal). Repeatable.")
@click.option("--skills", "skills_file", metavar="FILE", help="Use this taxonomy TOML instead of the default.")
@click.option("--author-email", "author_emails", multiple=True, metavar="EMAIL",
              help="The candidate's commit email(s), for authorship in git repositories. Repeatable.")
@click.option("--select", "select", multiple=True, metavar="PREFIX",
              help="Run only detectors whose id starts with PREFIX (e.g. EVAL-). Repeatable.")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no terminal summary.")
def analyze(
    target: str,
    outputs: tuple[str, ...],
    formats: tuple[str, ...],
    skills_file: str | None,
    author_emails: tuple[str, ...],
    select: tuple[str, ...],
    quiet: bool,
) -> None:
    """Analyse TARGET, a project folder or a folder of projects/git repositories."""
    file_formats: list[tuple[str, str]] = []
    for output in outputs:
        fmt = format_for_path(output)
        if fmt is None:
            raise UserError(f"cannot tell the report format of {output!r}: use .md or .json")
        file_formats.append((fmt, output))
    stdout_formats = [f for f in formats if f != "terminal"]
    if len(stdout_formats) > 1:
        raise UserError("only one of --format md/json can go to standard output; use -o FILE for the others")
    show_terminal = "terminal" in formats or (not formats and not outputs)

    taxonomy = load_taxonomy_option(skills_file)
    registry = default_registry()
    if select:
        registry = registry.select(select)
        if not registry.metas():
            raise UserError(f"--select {' '.join(select)} matches no detector (see `proofolio detectors`)")
    try:
        collector = LocalCollector(target, author_emails)
    except TargetError as exc:
        raise UserError(str(exc)) from None

    err = Console(stderr=True)
    with progress_reporter(err, enabled=not quiet) as progress:
        try:
            sources = list(collector.collect())
        except TargetError as exc:
            raise UserError(str(exc)) from None
        if not sources:
            raise UserError(f"no project found in {target} (no .py or .ipynb files)")
        result = analyze_sources(target, sources, AnalyzeOptions(taxonomy, registry, progress))

    for fmt, output in file_formats:
        try:
            write_report(result, fmt, output)
        except OSError as exc:
            raise UserError(f"cannot write {output}: {exc.strerror or exc}") from None
        if not quiet:
            err.print(f"wrote {output}", highlight=False, markup=False)
    for fmt in stdout_formats:
        click.echo(FORMATS[fmt](result), nl=False)
    if show_terminal and not quiet:
        render_terminal(result, Console(highlight=False))


command = analyze
