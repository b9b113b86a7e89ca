"""The command line: parse options, call the library, print. No SQL, no scheduling math.

This module holds the group, the error boundary and `main`; each sibling module adds commands
and imports only `drill.cli.common`, so no module here imports the package back.
"""

from __future__ import annotations

import sqlite3
import sys

import click

from drill.cli import coach, core, data, loop, modes, shell, story
from drill.errors import DrillError


def for_terminal(text: str) -> str:
    """An error as a person reads it: in a terminal, wrapped at words so no command or path
    is broken across the edge; piped, one line for scripts and logs."""
    if not sys.stderr.isatty():
        return text
    import shutil
    import textwrap

    width = shutil.get_terminal_size((80, 24)).columns - 1
    return textwrap.fill(
        text,
        max(40, width),
        subsequent_indent="  ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def fail(message: str) -> None:
    click.echo(for_terminal(f"drill: {message}"), err=True)


class DrillGroup(click.Group):
    """Turns DrillError into a one-line message and exit 1, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DrillError as exc:
            fail(str(exc))
            sys.exit(1)
        except click.UsageError as exc:  # click prints it; wrapped like ours in a terminal
            text = for_terminal("Error: " + exc.format_message())[len("Error: ") :]
            exc.format_message = lambda: text
            raise
        except sqlite3.Error as exc:  # a lock past the timeout, a damaged or read-only file
            from drill.database import database_error
            from drill.home import home_dir

            fail(database_error(home_dir() / "drill.db", exc))
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("", err=True)
            sys.exit(130)


@click.group(cls=DrillGroup, invoke_without_command=True)
@click.version_option(package_name="drill")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Drill behavioral interview stories and questions with spaced repetition.

    Run with no command for today's drill.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(core.daily)


for module in (core, story, modes, coach, data, shell, loop):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    try:
        cli(prog_name="drill")
    except DrillError as exc:  # raised while building contexts
        fail(str(exc))
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
