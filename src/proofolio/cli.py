"""The `proofolio` command line: analyze, detectors, skills.

Exit codes: 0 success (problems inside single files are in the report), 2 when the run
cannot proceed (bad target, bad taxonomy, bad option), 1 for an unexpected internal error.
"""

from __future__ import annotations

import sys

import click
from rich.console import Console

from proofolio import __version__
from proofolio.detectors.registry import default_registry
from proofolio.docgen import detector_doc_text
from proofolio.pipeline import AnalyzeOptions, analyze_sources
from proofolio.progress import progress_reporter
from proofolio.reporters import FORMATS, format_for_path, write_report
from proofolio.reporters.terminal import render_terminal
from proofolio.sources.local import LocalCollector, TargetError
from proofolio.taxonomy import Taxonomy, TaxonomyError, load_default_taxonomy, load_taxonomy

FORMAT_CHOICES = ("terminal", *sorted(FORMATS))


class UserError(click.ClickException):
    """A one-line message and exit code 2: the run cannot proceed as asked."""

    exit_code = 2

    def show(self, file=None) -> None:  # type: ignore[no-untyped-def, override]
        click.echo(f"error: {self.format_message()}", err=True)


def _taxonomy(path: str | None) -> Taxonomy:
    known = [m.id for m in default_registry().metas()]
    try:
        return load_taxonomy(path, known) if path else load_default_taxonomy(known)
    except TaxonomyError as exc:
        raise UserError(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="proofolio", message="%(prog)s %(version)s")
def cli() -> None:
    """Turn a machine-learning candidate's code into evidence an employer can check."""


@cli.command()
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

    taxonomy = _taxonomy(skills_file)
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


@cli.group(invoke_without_command=True)
@click.option("--skill", "skill", metavar="ID", help="Only detectors that report evidence for this skill.")
@click.pass_context
def detectors(ctx: click.Context, skill: str | None) -> None:
    """List detectors: id, skill and one line each."""
    if ctx.invoked_subcommand is not None:
        return
    metas = [m for m in default_registry().metas() if skill is None or m.skill == skill]
    if not metas:
        raise UserError(f"no detector for skill {skill!r}")
    width = max(len(m.id) for m in metas)
    skill_width = max(len(m.skill) for m in metas)
    for meta in metas:
        click.echo(f"{meta.id:<{width}}  {meta.skill:<{skill_width}}  {meta.title}")


@detectors.command("show")
@click.argument("detector_id")
def detectors_show(detector_id: str) -> None:
    """Print one detector's documentation."""
    meta = default_registry().get(detector_id)
    if meta is None:
        raise UserError(f"unknown detector {detector_id!r} (see `proofolio detectors`)")
    click.echo(detector_doc_text(meta))


@cli.command()
@click.option("--skills", "skills_file", metavar="FILE", help="Show this taxonomy TOML instead of the default.")
def skills(skills_file: str | None) -> None:
    """Show the skill taxonomy in use: ids, names, levels and which detectors count."""
    taxonomy = _taxonomy(skills_file)
    levels = ", ".join(f"{level.value} >= {threshold}" for level, threshold in taxonomy.thresholds)
    click.echo(f"taxonomy: {taxonomy.name} (version {taxonomy.version}, sha256 {taxonomy.ref.sha256[:12]})")
    click.echo(f"levels: {levels}")
    for skill in taxonomy.skills:
        click.echo("")
        click.echo(f"{skill.id} — {skill.name}")
        if skill.description:
            click.echo(f"  {skill.description}")
        weights = ", ".join(f"{pattern} ({weight:g})" for pattern, weight in skill.detectors)
        click.echo(f"  detectors: {weights}")
        if skill.requires_history:
            click.echo("  needs git history (not assessed for plain folders)")


def main() -> None:
    """Console-script entry point."""
    try:
        cli.main(prog_name="proofolio")
    except KeyboardInterrupt:  # pragma: no cover - interactive
        click.echo("interrupted", err=True)
        sys.exit(130)


__all__ = ["cli", "main"]
