"""`proofolio detectors` and `proofolio detectors show ID`."""

from __future__ import annotations

import click

from proofolio.cli.common import UserError
from proofolio.detectors.registry import default_registry
from proofolio.docgen import detector_doc_text


@click.group(invoke_without_command=True)
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


command = detectors
