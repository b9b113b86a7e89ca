"""The everyday commands: the daily drill, where files live, status, cards, undo."""

from __future__ import annotations

import click

from drill.cli.common import (
    App,
    echo_json,
    json_option,
    need_terminal,
    session_options,
    with_options,
)
from drill.home import open_home


@click.command()
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


@click.command()
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


@click.command()
@json_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "prompt"]),
    help="prompt: one short segment for a shell prompt, empty when there is nothing to do.",
)
@click.option("--color", is_flag=True, help="Colour the prompt segment (ANSI codes).")
def status(as_json: bool, fmt: str | None, color: bool) -> None:
    """Counts for a shell prompt: due, new, reviews today, streak, next interview.

    Due and new are what today's drill would show. Fast enough to run in every prompt.
    """
    from drill.stats import status_counts
    from drill.status import render

    if as_json and fmt not in (None, "json"):
        raise click.UsageError("give --json or --format, not both")
    app = App()
    app.synced()
    counts = status_counts(app.store, app.config, app.clock(), company=True)
    if counts["next_interview"] and fmt != "prompt":  # the plan's predicted readiness
        from drill.interview import readiness

        counts["interview_readiness"] = readiness(app.store, app.library, app.clock())
        from drill.assign import planned_readiness  # the story plan (`drill assign`)

        counts["planned_loop"] = planned_readiness(
            app.store, app.clock().utc, app.config.desired_retention
        )
    if errors := own_story_errors(app):
        counts["story_errors"] = [str(problem) for problem in errors]
    # color=True: the codes asked for are kept even when the output is not a terminal
    click.echo(render(counts, "json" if as_json else fmt or "text", color), nl=False, color=color)


def own_story_errors(app: App) -> list:
    """When none of the user's story files parses (the examples stand in), what to fix; the
    stories are parsed only when their files exist and none of them is drilled."""
    from drill.bank import story_files

    own = {path.stem for path in story_files(app.home.stories_dir)}
    if not own or own & {card.ref for card in app.store.cards(["story"])}:
        return []
    return app.library.own_story_errors[:3]


@click.command()
@click.option("--kind", type=click.Choice(["question", "pick", "story"]), help="Only this kind.")
@json_option
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


@click.command()
def undo() -> None:
    """Undo the last grade: the card returns exactly as it was."""
    app = App()
    row = app.store.undo_last()
    if row is None:
        click.echo("Nothing to undo.")
        return
    card = app.store.card(row["card_id"])
    ref = card.ref + (f" ({card.facet})" if card.facet else "")
    click.echo(f"Undid grade {row['rating']} on {card.kind} card {ref} from {row['at'][:16]}.")


COMMANDS = (daily, where, status, cards, undo)
