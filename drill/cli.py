"""The command line: parse options, call the library, print. No SQL, no scheduling math."""

from __future__ import annotations

import json
import sys
from functools import cached_property

import click

from drill.errors import DrillError
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
        return Library(self.home, self.config, extra)

    def synced(self):
        from drill.home import iso
        from drill.library import sync

        sync(self.store, self.library, iso(self.clock().utc))
        return self.library


def company_deck(company: str, home: Home, config) -> str:
    """The deck that `--company X` adds: the framework's deck, or a deck named X."""
    from drill.decks import company_deck as deck_for
    from drill.decks import deck_paths
    from drill.library import Library

    library = Library(home, config)
    available = deck_paths([library.shipped, home.decks_dir])
    deck = deck_for(company, library.taxonomy.frameworks, available)
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


class DrillGroup(click.Group):
    """Turns DrillError into a one-line message and exit 1, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DrillError as exc:
            click.echo(f"drill: {exc}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("", err=True)
            sys.exit(130)


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
    click.option("--company", metavar="X", help="Add that company's framework deck (e.g. amazon)."),
]


def with_options(options):
    def decorate(fn):
        for option in reversed(options):
            fn = option(fn)
        return fn

    return decorate


@click.group(cls=DrillGroup, invoke_without_command=True)
@click.version_option(package_name="drill")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Drill behavioral interview stories and questions with spaced repetition.

    Run with no command for today's drill.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(daily)


@cli.command()
@with_options(session_options)
def daily(cards: int, minutes: float, company: str | None) -> None:
    """Today's drill: due cards first, then new ones, within the budget."""
    need_terminal("daily")
    app = App(company)
    from drill.session import Session
    from drill.ui.daily import run_daily

    session = Session(
        app.store, app.library, app.clock, "daily", max_cards=cards, max_minutes=minutes
    )
    run_daily(session)


@cli.command()
def where() -> None:
    """Print where drill keeps its files."""
    home = open_home()
    from drill.decks import shipped_decks_dir

    for label, path in (
        ("home", home.root),
        ("config", home.config_path),
        ("stories", home.stories_dir),
        ("decks", home.decks_dir),
        ("database", home.db_path),
        ("shipped decks", shipped_decks_dir()),
    ):
        click.echo(f"{label:14} {path}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(as_json: bool) -> None:
    """Counts for a shell prompt: due, new, reviews today, streak, next interview."""
    from drill.stats import status_counts

    app = App()
    app.synced()
    counts = status_counts(app.store, app.config, app.clock())
    if as_json:
        echo_json(counts)
        return
    click.echo(
        f"due {counts['due']} · new {counts['new']} · reviewed today {counts['reviews_today']} · "
        f"streak {counts['streak_days']}d"
    )
    click.echo(
        f"stories {counts['stories']} · questions {counts['questions']} · "
        f"mapped {counts['mapped_questions']}"
    )
    if counts["next_interview"]:
        click.echo(f"next interview {counts['next_interview']}")


@cli.command()
@click.option("--kind", type=click.Choice(["question", "pick", "story"]), help="Only this kind.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--all", "include_inactive", is_flag=True, help="Include inactive cards.")
def cards(kind: str | None, as_json: bool, include_inactive: bool) -> None:
    """One row per card with its FSRS state."""
    from drill.stats import card_rows

    app = App()
    app.synced()
    rows = card_rows(app.store, app.clock(), kind, include_inactive)
    if as_json:
        echo_json(rows)
        return
    click.echo(f"{'id':>5} {'kind':8} {'state':10} {'due':16} {'S':>7} {'D':>5} {'R':>5}  ref")
    for r in rows:
        due = (r["due"] or "")[:16].replace("T", " ")
        s = f"{r['stability']:.2f}" if r["stability"] is not None else "-"
        d = f"{r['difficulty']:.2f}" if r["difficulty"] is not None else "-"
        rr = f"{r['retrievability']:.2f}" if r["retrievability"] is not None else "-"
        click.echo(
            f"{r['id']:>5} {r['kind']:8} {r['state']:10} {due:16} {s:>7} {d:>5} {rr:>5}  {r['ref']}"
        )


@cli.command()
def undo() -> None:
    """Undo the last grade: the card returns exactly as it was."""
    app = App()
    row = app.store.undo_last()
    if row is None:
        click.echo("Nothing to undo.")
        return
    card = app.store.card(row["card_id"])
    ref = card["ref"] + (f" ({card['facet']})" if card["facet"] else "")
    click.echo(f"Undid grade {row['rating']} on {card['kind']} card {ref} from {row['at'][:16]}.")


from drill.cli_coach import analyze, coverage, lint  # noqa: E402
from drill.cli_data import doctor, export, import_backup, optimize, stats  # noqa: E402
from drill.cli_modes import cram, history, map_command, plan, rehearse  # noqa: E402
from drill.cli_story import mapping, story  # noqa: E402

for command in (
    story,
    mapping,
    plan,
    map_command,
    cram,
    rehearse,
    history,
    lint,
    coverage,
    analyze,
):
    cli.add_command(command)
for command in (stats, optimize, export, import_backup, doctor):
    cli.add_command(command)


def main() -> None:
    try:
        cli(prog_name="drill")
    except DrillError as exc:  # raised while building contexts
        click.echo(f"drill: {exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
