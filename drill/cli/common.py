"""What every command shares: the lazily opened home, store and library, and option blocks."""

from __future__ import annotations

import json
import sys
from functools import cached_property

import click

from drill.home import Clock, Home, clock_from_env, open_home


class App:
    """What every command needs, opened lazily so fast commands stay fast."""

    def __init__(self, company: str | None = None):
        self.company = company

    @cached_property
    def home(self) -> Home:
        return open_home()

    @cached_property
    def config(self):
        return self.home.config()

    def clock(self) -> Clock:
        return clock_from_env()

    @cached_property
    def store(self):
        from drill.store import Store

        return Store(self.home.db_path)

    @cached_property
    def library(self):
        from drill.library import Library

        extra: tuple[str, ...] = ()
        if self.company:
            extra = (company_deck(self.company, self.home, self.config),)
        return Library(self.home, self.config, extra + self.planned_decks())

    def planned_decks(self) -> tuple[str, ...]:
        """The decks of companies with an interview ahead join every command's cards."""
        from drill.home import parse_iso

        now = self.clock().utc
        if not self.home.db_path.exists() or all(
            parse_iso(p["at"]) <= now for p in self.store.plans()
        ):
            return ()
        from drill.interview import planned_decks

        return planned_decks(self.store, self.home, now)

    def synced(self):
        from drill.home import iso
        from drill.library import sync

        sync(self.store, self.library, iso(self.clock().utc))
        return self.library


def company_deck(company: str, home: Home, config) -> str:
    """The deck that `--company X` adds: the framework's deck, or a deck named X."""
    from drill.library import Library

    library = Library(home, config)
    deck = library.company_deck(company)
    if deck is not None:
        return deck
    known = sorted(library.taxonomy.frameworks)
    raise click.BadParameter(
        f"no framework or deck named {company!r} (known: {', '.join(known)})",
        param_hint="--company",
    )


def need_terminal(what: str) -> None:
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        click.echo(
            f"drill {what}: needs an interactive terminal (stdin is not a TTY); "
            "scripts can use `drill status --json` and `drill cards --json`",
            err=True,
        )
        sys.exit(2)


def echo_json(value) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


# --- shell completion: values from the home, never an error -------------------------------


def _completions(values, incomplete: str) -> list[str]:
    return sorted(v for v in set(values) if v.startswith(incomplete))


def complete_story(ctx, param, incomplete: str) -> list[str]:
    """The user's story ids (file names in stories/), for `drill completion`."""
    try:
        return _completions((p.stem for p in open_home().stories_dir.glob("*.md")), incomplete)
    except Exception:  # completion must never print a traceback into the shell
        return []


def complete_company(ctx, param, incomplete: str) -> list[str]:
    """Framework and deck names: what `--company` and `plan add` take."""
    try:
        from drill.decks import deck_paths
        from drill.library import Library

        home = open_home()
        library = Library(home, home.config())
        names = [*library.taxonomy.frameworks, *deck_paths([library.shipped, home.decks_dir])]
        return _completions(names, incomplete)
    except Exception:
        return []


def complete_question(ctx, param, incomplete: str) -> list[str]:
    """Question ids of every deck (`core/x`)."""
    try:
        from drill.library import Library

        home = open_home()
        return _completions(Library(home, home.config()).all_questions(), incomplete)
    except Exception:
        return []


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def company_option_for(help: str):
    """`--company X`, completed from the frameworks and decks, with this command's help."""
    return click.option("--company", metavar="X", help=help, shell_complete=complete_company)


company_option = company_option_for("Add that company's framework deck (e.g. amazon).")

session_options = [
    click.option(
        "--cards",
        type=click.IntRange(1, 1000),
        default=20,
        show_default=True,
        help="Stop after this many cards.",
    ),
    click.option(
        "--minutes",
        type=click.FloatRange(0.5, 600),
        default=10,
        show_default=True,
        help="Stop after this many minutes.",
    ),
    company_option,
]


def with_options(options):
    def decorate(fn):
        for option in reversed(options):
            fn = option(fn)
        return fn

    return decorate
