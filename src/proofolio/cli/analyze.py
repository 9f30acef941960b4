"""`proofolio analyze TARGET`: collect, read, detect, score, report."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

import click

from proofolio.cache import DEFAULT_MAX_BYTES
from proofolio.cli.common import (
    RESULTS_CACHE,
    UserError,
    cache_root,
    load_taxonomy_option,
)
from proofolio.filework import FileRunner, WorkerConfig, default_jobs
from proofolio.limits import ReadLimits, human_bytes
from proofolio.models import Result
from proofolio.pipeline import AnalyzeOptions, analyze_sources
from proofolio.privacy import hide_report_emails
from proofolio.progress import Stages, stage_bars
from proofolio.reporters import (
    FORMATS,
    SUFFIX_FORMATS,
    Report,
    format_for_path,
    write_report,
)
from proofolio.rerun import report_or_recall
from proofolio.sources.base import Source
from proofolio.sources.local import CollectLimits, LocalCollector, TargetError
from proofolio.sources.targets import GitHubTarget, TargetSyntaxError, parse_target

if TYPE_CHECKING:
    from rich.console import Console

    from proofolio.detectors.registry import Registry
    from proofolio.sources.github import GitHubOptions

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
@click.option("--token", envvar="GITHUB_TOKEN", metavar="TOKEN",
              help="GitHub token (default: $GITHUB_TOKEN); never printed or stored.")
@click.option("--api-url", envvar="GITHUB_API_URL", default="https://api.github.com", show_default=True,
              metavar="URL", help="GitHub API base URL, e.g. GitHub Enterprise's /api/v3 (also $GITHUB_API_URL).")
@click.option("--max-repos", type=click.IntRange(min=1), metavar="N",
              help="GitHub: analyse at most N repositories, most recently pushed first.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="GitHub: only repositories pushed on or after this date.")
@click.option("--include-forks", is_flag=True, help="GitHub: analyse forks too (only the candidate's commits count).")
@click.option("--include-private", is_flag=True,
              help="GitHub: analyse private repositories the token can see too (excluded by default).")
@click.option("--offline", is_flag=True, help="GitHub: use the cached listing and clones only; no network.")
@click.option("--max-wait", type=click.FloatRange(min=0), default=60.0, show_default=True, metavar="SECONDS",
              help="GitHub: wait at most this long for a rate limit to reset, then report what is missing.")
@click.option("--cache-dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Where analysis results and GitHub clones are kept and reused (default: the user cache folder).")
@click.option("--no-cache", is_flag=True, help="Analyse every file afresh and store nothing.")
@click.option("--cache-max-mb", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES >> 20, show_default=True,
              metavar="MB", help="Keep the results cache under this size: the least recently used results go first.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes for analysis (default: the number of cores).")
@click.option("--max-file-bytes", type=click.IntRange(min=1), default=CollectLimits().max_file_bytes, show_default=True,
              metavar="BYTES", help="Skip any file larger than this (a problem entry says so).")
@click.option("--max-files", type=click.IntRange(min=1), default=CollectLimits().max_files, show_default=True,
              metavar="N", help="Collect at most N files per project.")
@click.option("--max-code-bytes", type=click.IntRange(min=1), default=ReadLimits().max_code_bytes, show_default=True,
              metavar="BYTES", help="Do not parse Python code larger than this (data-like files).")
@click.option("--show-emails", is_flag=True,
              help="Print email addresses in reports (by default they appear as <email:HASH>).")
@click.option("--max-cells", type=click.IntRange(min=1), default=ReadLimits().max_notebook_cells, show_default=True,
              metavar="N", help="Read at most N cells per notebook.")
def analyze(
    target: str,
    outputs: tuple[str, ...],
    formats: tuple[str, ...],
    skills_file: str | None,
    author_emails: tuple[str, ...],
    select: tuple[str, ...],
    quiet: bool,
    token: str | None,
    api_url: str,
    max_repos: int | None,
    since: datetime | None,
    include_forks: bool,
    include_private: bool,
    offline: bool,
    max_wait: float,
    cache_dir: str | None,
    no_cache: bool,
    cache_max_mb: int,
    jobs: int | None,
    max_file_bytes: int,
    max_files: int,
    max_code_bytes: int,
    max_cells: int,
    show_emails: bool,
) -> None:
    """Analyse TARGET: a project folder, a folder of projects/git repositories,
    a GitHub user (github:NAME, @NAME, https://github.com/NAME) or one GitHub repository
    (https://github.com/OWNER/REPO)."""
    file_formats: list[tuple[str, str]] = []
    for output in outputs:
        fmt = format_for_path(output)
        if fmt is None:
            raise UserError(f"cannot tell the report format of {output!r}: use one of {', '.join(SUFFIX_FORMATS)}")
        file_formats.append((fmt, output))
    stdout_formats = [f for f in formats if f != "terminal"]
    if len(stdout_formats) > 1:
        raise UserError("only one file format can go to standard output; use -o FILE for the others")
    show_terminal = "terminal" in formats or (not formats and not outputs)

    taxonomy = load_taxonomy_option(skills_file)
    registry = _selected_registry(select)
    github = _github_target(target)
    err = None if quiet else _stderr_console()
    root = cache_root(cache_dir)
    collect_limits = CollectLimits(max_file_bytes, max_files)
    worker = WorkerConfig(select, ReadLimits(max_code_bytes, max_cells), None if no_cache else str(root / RESULTS_CACHE))
    with stage_bars(err) as stages, FileRunner(jobs or default_jobs(), worker, cache_max_mb << 20) as runner:
        sources: Iterable[Source]
        if github is None:
            sources = _local_sources(target, author_emails, collect_limits)
        else:
            options = _github_options(
                api_url, token, max_repos, since, include_forks, author_emails, offline, max_wait, cache_dir,
                include_private, collect_limits,
            )
            sources = _github_sources(github, options, stages, err)
        options = AnalyzeOptions(taxonomy, registry, stages.analysis, runner)
        if isinstance(sources, list):  # local projects, all collected: an unchanged re-run is recalled
            report = report_or_recall(target, sources, options, runner)
        else:  # GitHub projects arrive as their clones finish; analysing them meanwhile wins
            report = Report(analyze_sources(target, sources, options))
            if err is not None:
                err.print(fetched_summary(report.result), highlight=False, markup=False)
    if not show_emails:
        report = hide_report_emails(report)

    for fmt, output in file_formats:
        try:
            write_report(report, fmt, output)
        except OSError as exc:
            raise UserError(f"cannot write {output}: {exc.strerror or exc}") from None
        if err is not None:
            err.print(f"wrote {output}", highlight=False, markup=False)
    for fmt in stdout_formats:
        click.echo(report.render(fmt), nl=False)
    if show_terminal and not quiet:
        from rich.console import Console

        from proofolio.reporters.terminal import render_terminal

        render_terminal(report.result, Console(highlight=False))


def _selected_registry(select: tuple[str, ...]) -> Registry | None:
    """The detectors --select keeps; None for all of them, loaded by the analysis only if it runs.

    Discovering the detectors imports every detector module: a recalled re-run never needs them.
    """
    if not select:
        return None
    from proofolio.detectors.registry import default_registry

    registry = default_registry().select(select)
    if not registry.metas():
        raise UserError(f"--select {' '.join(select)} matches no detector (see `proofolio detectors`)")
    return registry


def _stderr_console() -> Console:
    """Where progress and notes go; rich loads only for a run that shows them (not --quiet)."""
    from rich.console import Console

    return Console(stderr=True)


def fetched_summary(result: Result) -> str:
    """`downloaded 3.2 MB for 12 repositories (most: owner/big 1.9 MB)`: what lean clones cost this run."""
    fetched = [(s.fetched_bytes, s.name) for s in result.sources if s.fetched_bytes is not None]
    total = sum(size for size, _ in fetched)
    line = f"downloaded {human_bytes(total)} for {len(fetched)} repositor{'y' if len(fetched) == 1 else 'ies'}"
    if fetched and total:
        size, name = max(fetched)
        line += f" (most: {name} {human_bytes(size)})"
    return line


def _github_target(target: str) -> GitHubTarget | None:
    """The GitHub user/repository TARGET names; an existing path always stays local."""
    if os.path.exists(target):
        return None
    try:
        return parse_target(target)
    except TargetSyntaxError as exc:
        raise UserError(str(exc)) from None


def _local_sources(target: str, author_emails: tuple[str, ...], limits: CollectLimits) -> list[Source]:
    try:
        sources = list(LocalCollector(target, author_emails, limits).collect())
    except TargetError as exc:
        raise UserError(str(exc)) from None
    if not sources:
        raise UserError(f"no project found in {target} (no .py or .ipynb files)")
    return sources


def _github_options(
    api_url: str, token: str | None, max_repos: int | None, since: datetime | None, include_forks: bool,
    author_emails: tuple[str, ...], offline: bool, max_wait: float, cache_dir: str | None,
    include_private: bool = False, limits: CollectLimits | None = None,
):  # type: ignore[no-untyped-def]
    from proofolio.sources.github import (
        GitHubOptions,  # PyGithub loads only for GitHub targets
    )

    if not api_url.lower().startswith(("https://", "http://")):
        raise UserError(f"--api-url must be an http(s) URL: {api_url!r}")
    return GitHubOptions(
        cache_dir=cache_root(cache_dir),  # clones: <dir>/github
        api_url=api_url, token=(token or "").strip() or None, max_repos=max_repos,
        since=since.date() if since else None, include_forks=include_forks, include_private=include_private,
        author_emails=author_emails, offline=offline, max_wait=max_wait, limits=limits or CollectLimits(),
    )


def _github_sources(
    target: GitHubTarget, options: GitHubOptions, stages: Stages, err: Console | None
) -> Iterable[Source]:
    """Sources streamed from GitHub: analysis of one clone overlaps the cloning of the next."""
    from proofolio.sources.github import GitHubCollector
    from proofolio.sources.github_api import GitHubError

    def notify(message: str) -> None:
        if err is not None:
            err.print(message, highlight=False, markup=False)

    collector = GitHubCollector(target, options, stages, notify)
    try:
        listing_first = collector.collect()
        first = next(listing_first, None)
    except GitHubError as exc:
        raise UserError(str(exc)) from None
    if first is None:
        raise UserError(f"nothing to analyse for {target.label}: no public repository with content and no pull request")

    def chained() -> Iterable[Source]:
        yield first
        yield from listing_first

    return chained()


command = analyze
