"""`drill assign` (which story answers which principle) and `drill loop` (a mock loop)."""

from __future__ import annotations

import json
import textwrap

import click

from drill.cli.common import App, company_option, echo_json, json_option, need_terminal
from drill.errors import DrillError


def planned_company(app: App) -> str | None:
    """The next planned interview's company, when it names a framework."""
    from drill.home import iso

    now = iso(app.clock().utc)
    for plan in app.store.plans():
        if plan["at"] > now and plan["company"] in app.library.taxonomy.frameworks:
            return plan["company"]
    return None


def resolve(company: str | None) -> tuple[App, str | None]:
    """The app for the run and the framework the plan is for (None: the required categories)."""
    app = App(company)
    if company is None:
        planned = planned_company(app)
        if planned:
            app = App(planned)
    name = (app.company or "").lower()
    return app, (name if name in app.library.taxonomy.frameworks else None)


def target_names(library, framework: str | None) -> dict[str, str]:
    from drill.assign import targets_for

    return {t.id: t.name for t in targets_for(library.taxonomy, framework)}


def solved_plan(app: App, framework: str | None, cap: int):
    from drill.assign import plan_for
    from drill.home import iso

    library = app.synced()
    now = app.clock().utc
    plan = plan_for(app.store, library, now, framework, cap, app.config.level)
    app.store.save_plan(plan.framework, [(p.target, p.story) for p in plan.picks], iso(now))
    return plan


def render_plan(plan, example_bank: bool) -> list[str]:
    what = "principles" if plan.framework != "categories" else "required categories"
    lines = [
        f"Story plan for {plan.framework}: {len(plan.covered)} of {len(plan.picks)} {what} "
        f"covered; a story answers at most {plan.cap}."
    ]
    if example_bank:
        lines.append("(the example stories: your own replace them once you write one)")
    lines.append(f"  {'principle':26} {'story':22} {'depth':7} {'level':6} drilled uses")
    uses = plan.uses()
    for p in plan.picks:
        if p.story is None:
            lines.append(f"  {p.name[:26]:26} (no story)")
            continue
        story = p.story[:21] + ("*" if p.pinned else "")
        lines.append(
            f"  {p.name[:26]:26} {story:22} {p.depth or '-':7} {p.level:6} "
            f"{p.drilled:>7.0%} {uses[p.story]:>4}"
        )
    if any(p.pinned for p in plan.picks):
        lines.append("  * pinned (`drill assign unset PRINCIPLE` releases it)")
    if plan.uncovered:
        lines += textwrap.wrap(f"Uncovered: {', '.join(plan.uncovered)}", 79)
    if plan.suggestion:
        s = plan.suggestion
        about = f" about {s.category}" if s.category else ""
        lines += textwrap.wrap(
            f"Write next: one story{about} that proves {' and '.join(s.targets)} "
            f"(covers {s.gain} more; tag them in its front matter).",
            79,
        )
    lines += [f"Note: {problem}" for problem in plan.problems]
    return lines


@click.group(invoke_without_command=True)
@company_option
@click.option(
    "--cap",
    type=click.IntRange(1, 16),
    default=2,
    show_default=True,
    help="Most principles one story may answer.",
)
@json_option
@click.pass_context
def assign(ctx: click.Context, company: str | None, cap: int, as_json: bool) -> None:
    """Which story answers which principle in a loop, with pins and what is uncovered."""
    if ctx.invoked_subcommand is not None:
        return
    app, framework = resolve(company)
    plan = solved_plan(app, framework, cap)
    if as_json:
        echo_json(plan.to_dict())
        return
    for line in render_plan(plan, app.library.bank.only_examples):
        click.echo(line)


def pin_scope(app: App, target: str) -> str:
    """The plan a principle or required category belongs to."""
    from drill.assign import CATEGORIES

    taxonomy = app.library.taxonomy
    for framework in taxonomy.frameworks.values():
        if any(p.id == target for p in framework.principles):
            return framework.id
    if target in taxonomy.required:
        return CATEGORIES
    raise click.BadParameter(
        f"{target!r} is neither a principle of a framework nor a required category "
        "(`drill assign --json` lists them)",
        param_hint="PRINCIPLE",
    )


@assign.command("set")
@click.argument("principle")
@click.argument("story")
def assign_set(principle: str, story: str) -> None:
    """Pin STORY to PRINCIPLE; the plan keeps it and solves the rest around it."""
    from drill.home import iso

    app = App()
    scope = pin_scope(app, principle)
    if story not in app.library.stories:
        raise click.BadParameter(
            f"no story {story!r} in play (`drill story list`)", param_hint="STORY"
        )
    app.store.pin(scope, principle, story, iso(app.clock().utc))
    click.echo(f"Pinned {story} to {principle} ({scope} plan).")


@assign.command("unset")
@click.argument("principle", required=False)
@click.option("--all", "everything", is_flag=True, help="Remove every pin.")
def assign_unset(principle: str | None, everything: bool) -> None:
    """Remove the pin of PRINCIPLE (or every pin with --all)."""
    app = App()
    if principle is None and not everything:
        raise click.UsageError("name a PRINCIPLE, or give --all")
    if everything:
        scopes = [*app.library.taxonomy.frameworks, "categories"]
        removed = sum(app.store.unpin(scope) for scope in scopes)
    else:
        removed = app.store.unpin(pin_scope(app, principle), principle)
    if principle and not removed:
        raise DrillError(f"no pin on {principle} (`drill assign` marks pins)")
    click.echo(f"Removed {removed} pin{'s' * (removed != 1)}.")


@click.command("loop")
@company_option
@click.option(
    "--interviewers",
    type=click.IntRange(1, 6),
    default=4,
    show_default=True,
    help="How many interviewers.",
)
@click.option(
    "--seconds",
    type=click.IntRange(30, 1800),
    default=180,
    show_default=True,
    help="Time budget per answer.",
)
@click.option("--last", is_flag=True, help="Show the last loop's debrief instead.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "md", "json"]),
    default="text",
    show_default=True,
    help="With --last: how to print it.",
)
@json_option
def loop(company, interviewers, seconds, last, fmt, as_json) -> None:
    """A mock loop: interviewers who own principles, one story each, and a debrief."""
    if as_json:
        fmt = "json"
    if last or fmt != "text":
        show_last(fmt)
        return
    need_terminal("loop")
    app, mock, session, save, names = prepare_loop(company, interviewers, seconds)
    from drill.ui.loop import run_loop

    run_loop(mock, session, names, save)
    click.echo(last_debrief_text(app.store))


def prepare_loop(company: str | None, interviewers: int, seconds: int, timer=None):
    """Solve the plan, seat the interviewers, open the loop's record: all but the terminal."""
    from drill.loop import debrief, recent, seat_interviewers

    app, framework = resolve(company)
    plan = solved_plan(app, framework, 2)
    library = app.library
    names = target_names(library, framework)
    if framework:
        questions = [q for q in library.questions.values() if q.principles]
        tags = lambda q: q.principles  # noqa: E731
    else:
        questions = list(library.questions.values())
        tags = lambda q: q.categories  # noqa: E731
    past = [json.loads(r["transcript"]) for r in app.store.loops()]
    seated = seat_interviewers(
        interviewers,
        [p.target for p in plan.picks],
        questions,
        {p.target: p.story for p in plan.picks},
        *recent(past),
        tags=tags,
    )
    if not seated:
        raise DrillError(
            "no question in the active decks is tagged with this plan's principles; "
            "try --company amazon"
        )
    mock, session, save = start_loop(app, plan.framework, seated, seconds, names, debrief, timer)
    return app, mock, session, save, names


def start_loop(app: App, framework: str, seated, seconds: int, names, debrief, timer=None):

    from drill.coach import analyze
    from drill.home import iso
    from drill.loop import MockLoop
    from drill.session import Session

    library = app.library
    level = app.config.level

    def analysis(text: str, story: str | None, budget: int) -> dict:
        return analyze(text, library.stories.get(story) if story else None, budget).to_dict()

    def whole(round_: dict) -> dict:
        said = "\n".join(t["text"] for t in round_["turns"] if t["text"])
        return analysis(said, round_["story"], seconds)

    mock = MockLoop(seated, seconds, analysis)
    transcript = mock.to_dict()
    loop_id = app.store.add_loop(
        {
            "at": iso(app.clock().utc),
            "company": app.company,
            "framework": framework,
            "interviewers": len(seated),
            "budget_seconds": seconds,
            "level": level,
            "transcript": json.dumps(transcript),
            "debrief": json.dumps(debrief(transcript, level, names, whole)),
            "finished": 0,
        }
    )

    def save(state: MockLoop) -> None:
        data = state.to_dict()
        report = debrief(data, level, names, whole)
        app.store.update_loop(
            loop_id,
            {
                "transcript": json.dumps(data),
                "debrief": json.dumps(report),
                "finished": int(state.finished),
            },
        )

    session = Session(app.store, library, app.clock, "loop", kinds=("question",), max_minutes=10**6)
    return mock, session, save


def last_debrief_text(store) -> str:
    from drill.loop import render_debrief

    row = store.loop()
    return (
        render_debrief(json.loads(row["debrief"]))
        + f"\nKept as loop {row['id']}."
        + (" `drill loop --last --format md` exports it.")
    )


def show_last(fmt: str) -> None:
    from drill.loop import debrief_markdown, render_debrief

    store = App().store
    row = store.loop()
    if row is None:
        raise DrillError("no mock loop yet: `drill loop --company amazon` runs one")
    report, transcript = json.loads(row["debrief"]), json.loads(row["transcript"])
    if fmt == "json":
        echo_json({**row, "transcript": transcript, "debrief": report})
    elif fmt == "md":
        click.echo(debrief_markdown(report, transcript, row["at"][:16].replace("T", " ")), nl=False)
    else:
        click.echo(f"Loop {row['id']} · {row['at'][:16].replace('T', ' ')}")
        click.echo(render_debrief(report))


COMMANDS = (assign, loop)
