"""What every command shares: the one-line user error (exit 2), taxonomy loading, the cache folder."""

from __future__ import annotations

from pathlib import Path

import click

from proofolio.taxonomy import (
    Taxonomy,
    TaxonomyError,
    load_default_taxonomy,
    load_taxonomy,
)


class UserError(click.ClickException):
    """A one-line message and exit code 2: the run cannot proceed as asked."""

    exit_code = 2

    def show(self, file=None) -> None:  # type: ignore[no-untyped-def, override]
        click.echo(f"error: {self.format_message()}", err=True)


def load_taxonomy_option(path: str | None) -> Taxonomy:
    """The taxonomy named by --skills, its patterns checked against the detectors; or the default.

    The default taxonomy ships with the detectors and a test checks them together
    (tests/unit/test_taxonomy.py), so it is not checked again on every run: that would
    import every detector module, most of what a recalled re-run otherwise costs.
    """
    try:
        if path is None:
            return load_default_taxonomy()
        from proofolio.detectors.registry import default_registry

        return load_taxonomy(path, [m.id for m in default_registry().metas()])
    except TaxonomyError as exc:
        raise UserError(str(exc)) from None


RESULTS_CACHE = "results.sqlite"  # per-file analysis results, beside the GitHub clones
GITHUB_CACHE = "github"  # clones and remembered API answers, one folder per GitHub host


def user_cache_dir() -> Path:
    """The user cache folder of proofolio (default of --cache-dir)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("proofolio"))


def cache_root(cache_dir: str | None) -> Path:
    return Path(cache_dir) if cache_dir else user_cache_dir()
