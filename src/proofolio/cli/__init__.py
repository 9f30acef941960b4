"""The `proofolio` command line.

Each command lives in its own module of this package and exposes ``command``; they are
found by discovery, so adding a command is adding a module. A module is imported only when
its command runs (or help lists them all): `analyze` does not pay for `verify`'s imports.
Exit codes: 0 success (problems inside single files are in the report), 2 when the run
cannot proceed (bad target, bad taxonomy, bad option), 1 for an unexpected internal error.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import warnings

import click

from proofolio import __version__


class _CommandModules(click.Group):
    """Commands discovered as this package's modules (one command per module, named after it)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in _command_modules() if self.get_command(ctx, name) is not None)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in _command_modules():
            command = getattr(importlib.import_module(f"{__name__}.{name}"), "command", None)
            if isinstance(command, click.Command):
                self.add_command(command, name)
        return self.commands.get(name)


def _command_modules() -> list[str]:
    return [info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_")]


@click.group(cls=_CommandModules, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="proofolio", message="%(prog)s %(version)s")
def cli() -> None:
    """Turn a machine-learning candidate's code into evidence an employer can check."""


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:  # type: ignore[no-untyped-def]
    """Warnings (e.g. an unusable cache) as one `warning: ...` line on stderr, no source excerpt."""
    click.echo(f"warning: {message}", err=True)


def main() -> None:
    """Console-script entry point: click's errors as one line, Ctrl-C as exit 130."""
    warnings.showwarning = _one_line_warning
    from proofolio.filework import tune_garbage_collector

    tune_garbage_collector()  # a console-script process only: not in tests that drive `cli` in-process
    try:
        cli.main(prog_name="proofolio", standalone_mode=False)
    except click.exceptions.Abort:  # click's form of KeyboardInterrupt
        click.echo("interrupted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:  # pragma: no cover - raised outside click's handling
        click.echo("interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)


__all__ = ["cli", "main"]
