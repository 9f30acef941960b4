"""What every command shares: the one-line user error (exit 2) and taxonomy loading."""

from __future__ import annotations

import click

from proofolio.detectors.registry import default_registry
from proofolio.taxonomy import Taxonomy, TaxonomyError, load_default_taxonomy, load_taxonomy


class UserError(click.ClickException):
    """A one-line message and exit code 2: the run cannot proceed as asked."""

    exit_code = 2

    def show(self, file=None) -> None:  # type: ignore[no-untyped-def, override]
        click.echo(f"error: {self.format_message()}", err=True)


def load_taxonomy_option(path: str | None) -> Taxonomy:
    """The taxonomy named by --skills, or the default; patterns are checked against the detectors."""
    known = [m.id for m in default_registry().metas()]
    try:
        return load_taxonomy(path, known) if path else load_default_taxonomy(known)
    except TaxonomyError as exc:
        raise UserError(str(exc)) from None
