"""`drill plan`, `drill map`, `drill cram`, `drill rehearse`, `drill history`."""

from __future__ import annotations

import re
from datetime import timedelta

import click

from drill.cli.common import (
    App,
    company_option,
    company_option_for,
    complete_company,
    complete_question,
    echo_json,
    json_option,
    need_terminal,
)
from drill.errors import DrillError


def parse_in(value: str) -> timedelta:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([dhm])\s*", value or "")
    if not match:
        raise click.BadParameter(
            f"{value!r}: use a number and d, h or m, e.g. 2d", param_hint="--in"
        )
    amount, unit = float(match.group(1)), match.group(2)
    return timedelta(**{{"d": "days", "h": "hours", "m": "minutes"}[unit]: amount})


def parse_when(value: str, clock, what: str):
    """A time the user typed; without an offset it is read in the system's zone for that
    date (DST included), with DRILL_NOW set or not."""
    from drill.home import parse_moment

    try:
        return parse_moment(value, what)
    except DrillError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[-1], param_hint=what) from None


@click.group()
def plan() -> None:
    """Interview dates: until one, the daily drill follows a plan made for it."""


@plan.command("add")
@click.argument("company", shell_complete=complete_company)
@click.argument("when", metavar="DATETIME")
def plan_add(company: str, when: str) -> None:
    """Add an interview, e.g. drill plan add amazon "2026-12-03 10:00"."""
    from drill.home import iso
    from drill.interview import deck_for

    name = company.strip().lower()
    if not name:
        raise click.BadParameter("the company is blank; name it, e.g. amazon", param_hint="COMPANY")
    app = App()
    clock = app.clock()
    moment = parse_when(when, clock, "DATETIME")
    if moment <= clock.now:
        raise click.BadParameter(f"{when!r} is in the past", param_hint="DATETIME")
    local = clock.local(moment).strftime("%a %d %b %Y %H:%M")
    for row in app.store.plans():
        if row["company"] == name and row["at"] == iso(moment):
            raise DrillError(f"plan {row['id']} is already {name} on {local} (`drill plan list`)")
    deck = deck_for(app.home, name)
    plan_id = app.store.add_plan(name, iso(moment), iso(clock.utc))
    click.echo(f"Plan {plan_id}: {name} on {local}.")
    if deck:
        click.echo(
            f"The {deck} deck joins the daily drill until then; "
            f"`drill plan show {plan_id}` shows the plan."
        )
    else:
        click.echo(
            f"drill: no framework or deck named {name!r}: the plan covers your configured "
            "decks and every story (`drill coverage` lists the frameworks)",
            err=True,
        )


@plan.command("show")
@click.argument("plan_id", type=int, metavar="ID")
@json_option
def plan_show(plan_id: int, as_json: bool) -> None:
    """The plan for an interview: reviews day by day, predicted recall at interview time."""
    from drill.home import parse_iso
    from drill.interview import build, render, to_json

    app = App()
    clock = app.clock()
    row = next((p for p in app.store.plans() if p["id"] == plan_id), None)
    if row is None:
        raise DrillError(f"no plan with id {plan_id} (`drill plan list`)")
    if parse_iso(row["at"]) <= clock.utc:
        when = clock.local(parse_iso(row["at"])).strftime("%a %d %b %Y %H:%M")
        raise DrillError(f"plan {plan_id} ({row['company']}, {when}) has passed: nothing to plan")
    library = app.synced()
    interview = build(app.store, library, clock, row)
    if as_json:
        echo_json(to_json(interview, clock))
        return
    import shutil
    import sys

    from drill.charts import use_color

    width = min(100, shutil.get_terminal_size((80, 24)).columns)
    click.echo("\n".join(render(interview, clock, width, use_color(sys.stdout))))


@plan.command("list")
@json_option
def plan_list(as_json: bool) -> None:
    """List interviews, soonest first."""
    from drill.home import parse_iso

    app = App()
    clock = app.clock()
    rows = [
        {
            "id": p["id"],
            "company": p["company"],
            "at": clock.local(parse_iso(p["at"])).isoformat(),
            "past": parse_iso(p["at"]) <= clock.utc,
        }
        for p in app.store.plans()
    ]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo('No interviews planned. `drill plan add amazon "2026-12-03 10:00"` adds one.')
    for row in rows:
        past = " (past)" if row["past"] else ""
        click.echo(f"{row['id']:>3}  {row['company']:16} {row['at'][:16].replace('T', ' ')}{past}")


@plan.command("rm")
@click.argument("plan_id", type=int, metavar="ID")
def plan_rm(plan_id: int) -> None:
    """Remove an interview by its id (see `drill plan list`)."""

    if not App().store.remove_plan(plan_id):
        raise DrillError(f"no plan with id {plan_id} (`drill plan list`)")
    click.echo(f"Removed plan {plan_id}.")


@click.command("map")
@click.option(
    "--seconds",
    type=click.FloatRange(1, 120),
    default=8,
    show_default=True,
    help="Deadline per pick.",
)
@click.option(
    "--cards",
    type=click.IntRange(1, 1000),
    default=20,
    show_default=True,
    help="Stop after this many picks.",
)
@company_option
def map_command(seconds: float, cards: int, company: str | None) -> None:
    """Pick sprint: name the story for each question before the countdown ends."""

    need_terminal("map")
    app = App(company)
    from drill.modes import MapSession
    from drill.ui.modes import run_map

    run_map(
        MapSession(
            app.store, app.library, app.clock, max_cards=cards, max_minutes=600, seconds=seconds
        )
    )


@click.command()
@company_option_for("The loop's company (its framework deck).")
@click.option("--at", "at", metavar="DATETIME", help="Interview time, e.g. '2026-12-03 10:00'.")
@click.option("--in", "in_", metavar="2d", help="Interview in this long (d, h or m).")
@click.option(
    "--minutes",
    type=click.FloatRange(1, 600),
    default=30,
    show_default=True,
    help="Stop after this many minutes.",
)
@click.option("--no-reschedule", is_flag=True, help="Log reviews as cram; leave schedules alone.")
def cram(company, at, in_, minutes, no_reschedule) -> None:
    """Before an interview: every relevant card, weakest at interview time first."""
    from drill.home import parse_iso

    if at and in_:
        raise click.UsageError("give --at or --in, not both")
    need_terminal("cram")
    app = App(company)
    clock = app.clock()
    if at:
        interview = parse_when(at, clock, "--at")
    elif in_:
        interview = clock.now + parse_in(in_)
    else:
        from drill.interview import upcoming

        plan = upcoming(app.store, clock.utc, company)
        if plan is None:
            raise click.UsageError(
                "no interview ahead: give --at or --in, or add one with `drill plan add`"
            )
        interview = parse_iso(plan["at"])
        planned = plan["company"]
        if not company and app.library.company_deck(planned):
            app = App(planned)  # a plan for a company without a deck crams every card
    if interview <= clock.now:
        raise click.BadParameter("the interview time is in the past", param_hint="--at")
    deck = app.library.extra_decks[0] if app.company else None
    from drill.modes import CramSession
    from drill.ui.modes import run_cram

    session = CramSession(
        app.store,
        app.library,
        app.clock,
        max_cards=10_000,
        max_minutes=minutes,
        interview=interview,
        deck=deck,
        reschedule=not no_reschedule,
    )
    run_cram(session)


@click.command()
@click.argument("question", required=False, shell_complete=complete_question)
@click.option(
    "--seconds",
    type=click.IntRange(10, 1800),
    default=180,
    show_default=True,
    help="Time budget for the answer.",
)
def rehearse(question: str | None, seconds: int) -> None:
    """Answer a question aloud or typed against the clock, then face one follow-up."""
    from drill.home import iso
    from drill.library import Library, sync
    from drill.modes import weakest_question
    from drill.session import Session

    need_terminal("rehearse")
    app = App()
    library = app.library
    if question:
        chosen = library.find_question(question)
        if chosen.deck not in library.deck_names:
            library = Library(app.home, app.config, (chosen.deck,))
    session = Session(app.store, library, app.clock, "rehearse", kinds=("question",))
    sync(app.store, library, iso(app.clock().utc))
    if question:
        card = app.store.card_for("question", chosen.id)
        prompt = session.prompt_for(card)
    else:
        prompt = session.next_card() or weakest_question(session)
    if prompt is None:
        raise DrillError("no question to rehearse: check `decks` in config.toml")
    from drill.ui.modes import run_rehearse

    run_rehearse(session, prompt, seconds)


@click.command()
@click.argument("rehearsal_id", type=int, required=False, metavar="[ID]")
@json_option
def history(rehearsal_id: int | None, as_json: bool) -> None:
    """List your rehearsals, or show one in full."""
    import json

    store = App().store
    if rehearsal_id is not None:
        row = store.rehearsal(rehearsal_id)
        if row is None:
            raise DrillError(f"no rehearsal {rehearsal_id} (`drill history`)")
        row = {**row, "analysis": json.loads(row["analysis"]) if row["analysis"] else None}
        if as_json:
            echo_json(row)
            return
        import textwrap

        from drill.charts import text_width

        def say(text: str, rest: str = "") -> None:  # each line of it wrapped to the terminal
            for line in text.splitlines() or [""]:
                click.echo(
                    textwrap.fill(
                        line, text_width(), subsequent_indent=rest, break_on_hyphens=False
                    )
                    if line.strip()
                    else ""
                )

        say(f"#{row['id']} {row['at'][:16]}  {row['question']}  story: {row['story'] or '-'}")
        say(f"answer ({row['seconds']:.0f}s of {row['budget_seconds']}s):")
        say(row["text"] or "(spoken, not typed)")
        say(f"follow-up: {row['followup']}", "  ")
        say(row["followup_text"] or "(spoken, not typed)")
        names = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
        rating = row["rating"]
        graded = (
            f"{rating} ({names.get(rating, '?')})"
            if rating is not None
            else "ungraded (stopped before the grade)"
        )
        click.echo(f"grade: {graded}")
        return
    import textwrap

    from drill.charts import text_width

    rows = store.rehearsals()
    if as_json:
        echo_json(
            [{**r, "analysis": json.loads(r["analysis"]) if r["analysis"] else None} for r in rows]
        )
        return
    if not rows:
        click.echo("No rehearsals yet: `drill rehearse`.")
    for r in rows:
        words = len((r["text"] or "").split())
        grade = f"grade {r['rating']}" if r["rating"] is not None else "ungraded"
        line = (
            f"{r['id']:>4}  {r['at'][:16].replace('T', ' ')}  {r['seconds']:>5.0f}s "
            f"{words:>4}w  {grade:8}  {r['question']}  ({r['story'] or '-'})"
        )
        wrapped = textwrap.wrap(
            line, text_width(), subsequent_indent=" " * 6, break_on_hyphens=False
        )
        click.echo("\n".join(wrapped))
    from drill.loop import history_lines  # the mock loops (`drill loop`)

    for line in history_lines(store.loops()):
        click.echo(line)


COMMANDS = (plan, map_command, cram, rehearse, history)
