"""What every command shares: the one-line user error (exit 2) and taxonomy loading."""

from __future__ import annotations

import click

from proofolio.taxonomy import Taxonomy, TaxonomyError, load_default_taxonomy, load_taxonomy


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
