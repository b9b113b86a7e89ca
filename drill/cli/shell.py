"""`drill completion`: the shell completion script, from click's own support."""

from __future__ import annotations

import click

SHELLS = ("bash", "zsh", "fish")


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the completion script for bash, zsh or fish (see the README to install it).

    It completes commands, options, story ids, question ids, and deck and company names.
    """
    from click.shell_completion import get_completion_class

    root = click.get_current_context().find_root().command
    script = get_completion_class(shell)(root, {}, "drill", "_DRILL_COMPLETE").source()
    click.echo(script)


COMMANDS = (completion,)
