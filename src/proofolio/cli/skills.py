"""`proofolio skills`: the taxonomy in use."""

from __future__ import annotations

import click

from proofolio.cli.common import load_taxonomy_option


@click.command()
@click.option("--skills", "skills_file", metavar="FILE", help="Show this taxonomy TOML instead of the default.")
def skills(skills_file: str | None) -> None:
    """Show the skill taxonomy in use: ids, names, levels and which detectors count."""
    taxonomy = load_taxonomy_option(skills_file)
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


command = skills
