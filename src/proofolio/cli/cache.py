"""`proofolio cache info|prune|clear`: see and bound what re-runs keep on disk.

Every analysis keeps per-file results (results.sqlite) and, for GitHub targets, lean clones
and remembered API answers (github/). Results are pruned to --cache-max-mb at the end of
each run; clones are kept until cleared, since a re-run fetches only what changed.
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import click

from proofolio.cache import DEFAULT_MAX_BYTES, ResultCache
from proofolio.cli.common import GITHUB_CACHE, RESULTS_CACHE, UserError, cache_root
from proofolio.limits import human_bytes

_CACHE_DIR = click.option("--cache-dir", type=click.Path(file_okay=False), metavar="DIR",
                          help="The cache folder (default: the user cache folder, as for analyze).")


@click.group()
def command() -> None:
    """Show, prune or clear the cache of analysis results and GitHub clones."""


@command.command()
@_CACHE_DIR
def info(cache_dir: str | None) -> None:
    """Where the cache is and what it holds."""
    root = cache_root(cache_dir)
    click.echo(f"cache folder: {root}")
    results = root / RESULTS_CACHE
    if results.exists():
        cache = _open(results)
        try:
            stats = cache.stats()
        finally:
            cache.close()
        days = ""
        if stats["results"]:
            days = f", last used {_day(stats['oldest_day'])} .. {_day(stats['newest_day'])}"
        click.echo(f"results: {stats['results']} stored ({human_bytes(stats['bytes'])} in use, file "
                   f"{human_bytes(_file_bytes(results))}){days}")
    else:
        click.echo("results: none")
    clones = root / GITHUB_CACHE
    click.echo(f"GitHub clones and API answers: {human_bytes(_tree_bytes(clones))}" if clones.exists()
               else "GitHub clones and API answers: none")


@command.command()
@_CACHE_DIR
@click.option("--max-mb", type=click.IntRange(min=0), default=DEFAULT_MAX_BYTES >> 20, show_default=True,
              metavar="MB", help="Drop the least recently used results until the cache is under this size.")
def prune(cache_dir: str | None, max_mb: int) -> None:
    """Drop the least recently used results over a size (analyze does this after every run)."""
    results = cache_root(cache_dir) / RESULTS_CACHE
    if not results.exists():
        click.echo("results: none")
        return
    cache = _open(results)
    try:
        before = cache.size()
        dropped = cache.prune(max_mb << 20)
        after = cache.size()
    finally:
        cache.close()
    click.echo(f"dropped {dropped} results: {human_bytes(before)} -> {human_bytes(after)} in use "
               f"(file {human_bytes(_file_bytes(results))})")


@command.command()
@_CACHE_DIR
def clear(cache_dir: str | None) -> None:
    """Delete every cached result, clone and API answer (the next run starts cold)."""
    root = cache_root(cache_dir)
    freed = 0
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{root / RESULTS_CACHE}{suffix}")
        try:
            if path.is_file() and not path.is_symlink():
                freed += path.stat().st_size
            if path.exists() or path.is_symlink():
                path.unlink()
        except OSError as exc:
            raise UserError(f"cannot clear {path}: {exc.strerror or exc}") from None
    clones = root / GITHUB_CACHE
    try:
        if clones.is_symlink():  # never follow it: what it points at is not the cache's to delete
            clones.unlink()
        elif clones.exists():
            freed += _tree_bytes(clones)
            shutil.rmtree(clones)  # removes links inside, never what they point at
    except OSError as exc:
        raise UserError(f"cannot clear {clones}: {exc.strerror or exc}") from None
    click.echo(f"cleared {root}: {human_bytes(freed)} freed")


def _open(path: Path) -> ResultCache:
    cache = ResultCache(path)
    if not cache.usable:  # it warned why (read-only, unusable)
        raise UserError(f"cannot open the results cache {path}")
    return cache


def _file_bytes(path: Path) -> int:
    return sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists())


def _tree_bytes(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _day(day: int) -> str:
    return "never" if day <= 0 else (datetime.date(1970, 1, 1) + datetime.timedelta(days=day)).isoformat()
