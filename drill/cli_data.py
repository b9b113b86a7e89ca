"""`drill stats`, `drill optimize`, `drill export`, `drill import`, `drill doctor`."""

from __future__ import annotations

import sys
import textwrap
from datetime import date, timedelta
from pathlib import Path

import click

from drill.errors import DrillError


def _app():
    from drill.cli import App

    return App()


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _duration(ms: int) -> str:
    minutes = round(ms / 60000)
    return f"{minutes // 60}h {minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"


# --- stats ------------------------------------------------------------------------------------


@click.command()
@click.option(
    "--days",
    type=click.IntRange(1, 3660),
    default=91,
    show_default=True,
    help="How many study days back the review figures cover.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(days: int, as_json: bool) -> None:
    """Reviews per day, true retention, due forecast, weakest stories, readiness."""
    from drill.cli import echo_json
    from drill.stats import progress

    app = _app()
    library = app.synced()
    figures = progress(app.store, library, app.config, app.clock(), days)
    if as_json:
        echo_json(figures)
        return
    from drill.charts import use_color

    for line in render_stats(figures, use_color(sys.stdout)):
        click.echo(line)


HEATMAP_DAYS = 371  # 53 weeks


def render_stats(f: dict, color: bool) -> list[str]:
    from drill.charts import bar_chart, heatmap

    out: list[str] = []

    def title(text: str) -> None:
        out.extend(["", click.style(text, bold=True) if color else text])

    per_day = {date.fromisoformat(r["day"]): r["reviews"] for r in f["reviews_per_day"]}
    studied = sum(1 for n in per_day.values() if n)
    title(
        f"Reviews, {f['from']} to {f['to']}: {f['reviews']} on {studied} of {f['days']} days "
        f"· streak {f['streak_days']}d"
    )
    start, end = date.fromisoformat(f["from"]), date.fromisoformat(f["to"])
    if (end - start).days >= HEATMAP_DAYS:  # a year is as much as 80 columns hold
        start = end - timedelta(days=HEATMAP_DAYS - 1)
        out.append(f"(the calendar shows the last {HEATMAP_DAYS} days)")
    out += heatmap(per_day, start, end, color)

    spent = f["time_spent_ms"]
    out.append(
        f"Time spent: {_duration(spent['window'])} in these days, {_duration(spent['total'])} "
        "in all"
    )

    title("True retention (reviews of cards in review, not rated Again)")
    for name, label in (("young", "young (interval < 21d)"), ("mature", "mature (≥ 21d)")):
        r = f["retention"][name]
        out.append(f"  {label:24} {_pct(r['retention']):>7}  of {r['reviews']} reviews")

    title("Due in the next 14 days (today includes overdue)")
    rows = [
        (date.fromisoformat(d["day"]).strftime("%a %d %b"), d["due"], str(d["due"]))
        for d in f["forecast"]
    ]
    out += bar_chart(rows, color=color)

    weak = f["weakest"]
    title("Weakest stories and facets (predicted recall now)")
    if weak["stories"]:
        for s in weak["stories"]:
            out.append(
                f"  {_pct(s['recall']):>6}  {_cut(s['title'], 52)} ({s['story']}, "
                f"{s['facets']} facet{'s' * (s['facets'] != 1)})"
            )
        out.append("")
        for c in weak["facets"]:
            out.append(f"  {_pct(c['recall']):>6}  {c['story']} · {c['facet']}")
    else:
        out.append("  no story facet reviewed yet")
    if weak["unstudied_facets"]:
        out.append(f"  ({weak['unstudied_facets']} facets not studied yet)")

    title("Pick latency by week (drill map): median, share right")
    if f["pick_latency"]:
        out += bar_chart(
            [
                (
                    f"wk {w['week'][5:]}",
                    w["median_ms"],
                    f"{w['median_ms'] / 1000:.1f}s  {_pct(w['right'])} of {w['picks']}",
                )
                for w in f["pick_latency"]
            ],
            color=color,
            code=214,
        )
    else:
        out.append("  no pick sprints in these days (`drill map`)")

    ready = f["readiness"]
    title("Readiness for the next interview")
    if ready is None:
        out.append('  no interview planned (`drill plan add amazon "2026-12-03 10:00"`)')
    else:
        scope = (
            f"the {ready['deck']} deck and its mapped stories"
            if ready["deck"]
            else ("all active cards (no deck for this company)")
        )
        out.append(
            f"  {ready['company']} at {ready['at'][:16].replace('T', ' ')}: average predicted "
            f"recall {_pct(ready['recall'])}"
        )
        out.append(f"  over {ready['cards']} cards of {scope}:")
        out.append(
            f"  {ready['unseen']} not studied yet, {ready['at_risk']} below your desired retention"
        )
    return out


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# --- optimize ---------------------------------------------------------------------------------


@click.command()
@click.option("--dry-run", is_flag=True, help="Fit and compare, but keep the current parameters.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def optimize(dry_run: bool, as_json: bool) -> None:
    """Fit FSRS parameters to your review log; keep them only if they predict it better."""
    from drill.cli import echo_json
    from drill.home import iso
    from drill.optimize import TooLittleHistory, fit

    app = _app()
    store = app.store
    rows = store.optimizer_reviews()
    try:
        result = fit(rows, store.parameters())
    except TooLittleHistory as exc:
        if as_json:
            echo_json(
                {"adopted": False, "reviews": exc.reviews, "usable": exc.items, "reason": str(exc)}
            )
        else:
            click.echo(f"drill optimize: {exc}")
        return
    adopted = result.better and not dry_run
    if adopted:
        store.add_parameters(
            result.fitted,
            iso(app.clock().utc),
            "optimized",
            result.after.log_loss,
            result.after.rmse,
            result.items,
        )
    if as_json:
        echo_json(
            {
                "adopted": adopted,
                "better": result.better,
                "dry_run": dry_run,
                "reviews": result.reviews,
                "usable": result.items,
                "current": {
                    "source": result.current_source,
                    "parameters": result.current,
                    "log_loss": result.before.log_loss,
                    "rmse": result.before.rmse,
                },
                "fitted": {
                    "parameters": result.fitted,
                    "log_loss": result.after.log_loss,
                    "rmse": result.after.rmse,
                },
            }
        )
        return
    click.echo(
        f"{result.reviews} reviews outside cram and the 48 h before interviews; "
        f"{result.items} usable"
    )
    click.echo("(a review is usable when it comes on a later day than the card's previous one).")
    if result.partial:
        click.echo(
            f"Under 64 usable reviews fsrs-rs fits only the first-review stabilities; "
            f"{64 - result.items} more for a full fit."
        )
    click.echo("")
    click.echo(f"{'parameters':22} {'log loss':>9} {'RMSE':>8}")
    click.echo(
        f"{'current (' + result.current_source + ')':22} {result.before.log_loss:>9.4f} "
        f"{result.before.rmse * 100:>7.2f}%"
    )
    click.echo(f"{'fitted':22} {result.after.log_loss:>9.4f} {result.after.rmse * 100:>7.2f}%")
    click.echo("")
    click.echo(
        textwrap.fill(
            ", ".join(f"{w:g}" for w in result.fitted),
            width=80,
            initial_indent="fitted parameters: ",
            subsequent_indent="  ",
        )
    )
    if adopted:
        click.echo("Adopted the fitted parameters: every review from now on uses them.")
    elif result.better:
        click.echo("Dry run: the fitted parameters are better, but nothing was stored.")
    else:
        click.echo("Kept the current parameters: the fitted ones do not predict your log better.")


# --- export and import ------------------------------------------------------------------------

FORMATS = {".apkg": "apkg", ".json": "json", ".md": "md"}


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["apkg", "json", "md"]),
    help="apkg: Anki package; json: full backup; md: cram sheet. "
    "Default: from the -o extension, else json.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path, allow_dash=True),
    help="Write here (json and md: default standard output; apkg: default drill.apkg).",
)
def export(fmt: str | None, output: Path | None) -> None:
    """Export an Anki package, a full JSON backup, or a Markdown cram sheet."""
    from drill import export as ex

    if fmt is None:
        fmt = FORMATS.get(output.suffix.lower(), "json") if output else "json"
    app = _app()
    if fmt == "json":
        _emit(ex.dump_backup(ex.build_backup(app.home, app.store)), output)
        return
    library = app.synced()
    mappings = app.store.mappings()
    stories = list(library.stories.values())
    if fmt == "md":
        _emit(ex.cram_sheet(stories, library.all_questions(), mappings), output)
        return
    if output is None or str(output) == "-":
        if output is not None:
            raise click.BadParameter(
                "an Anki package cannot go to standard output", param_hint="-o"
            )
        output = Path("drill.apkg")
    questions = list(library.questions.values())
    try:
        notes = ex.write_apkg(output, stories, questions, mappings, app.clock().now.timestamp())
    except OSError as exc:
        raise DrillError(f"cannot write {output}: {exc.strerror}") from None
    click.echo(
        f"Wrote {output}: {notes} cards ({len(questions)} questions, "
        f"{notes - len(questions)} story facets). Import it in Anki with File > Import.",
        err=True,
    )


def _emit(text: str, output: Path | None) -> None:
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    from drill.export import write_private_bytes

    try:
        write_private_bytes(output, text)
    except OSError as exc:
        raise DrillError(f"cannot write {output}: {exc.strerror}") from None
    click.echo(f"Wrote {output}.", err=True)


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True))
@click.option(
    "--force",
    is_flag=True,
    help="Replace a home in use; it is first copied to a folder beside it.",
)
def import_backup(file: Path, force: bool) -> None:
    """Restore a JSON backup (from `drill export --format json`) into an empty home."""
    from drill import export as ex

    try:
        raw = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    except OSError as exc:
        raise DrillError(f"{file}: cannot read: {exc.strerror}") from None
    app = _app()
    store = app.store
    schema = {table: store.table_info(table) for table in ex.TABLE_KEYS}
    data = ex.parse_backup(raw, str(file), schema)
    done = ex.restore_backup(app.home, store, data, force, app.clock().now)
    if done.set_aside:
        click.echo(f"The previous home was copied to {done.set_aside}.")
    click.echo(
        f"Restored {done.stories} stor{'ies' if done.stories != 1 else 'y'} and "
        f"{done.reviews} reviews into {app.home.root}."
    )


# --- doctor -----------------------------------------------------------------------------------


@click.command()
@click.option("--fix", "apply", is_flag=True, help="Apply the safe fixes (never deletes history).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def doctor(apply: bool, as_json: bool) -> None:
    """Check the database (integrity, schema, orphans) and the bank; exit 1 on problems."""
    from drill import doctor as dr
    from drill.cli import echo_json
    from drill.home import iso, open_home
    from drill.library import Library
    from drill.store import Store

    home = open_home()
    library = Library(home, home.config())
    if not home.db_path.exists():
        Store(home.db_path).close()  # a fresh home: create the database as any command would
    try:
        store = Store.open_unmigrated(home.db_path)
    except Exception as exc:  # sqlite3 cannot even open the file
        raise DrillError(f"{home.db_path}: cannot open: {exc}") from None
    report = dr.examine(store, library)
    done: list[str] = []
    if apply and report.fixable:
        done = dr.fix(store, library, report, iso(_app().clock().utc))
        report = dr.examine(store, Library(home, home.config()))
    if as_json:
        echo_json({"findings": [f.to_dict() for f in report.findings], "fixed": done})
    else:
        for line in done:
            click.echo(f"fixed: {line}")
        if not report.findings:
            click.echo(f"No problems found in {home.root}.")
        for finding in report.findings:
            mark = "problem" if finding.problem else "note"
            click.echo(_wrap(f"{mark}: {finding.message}", "", "  "))
            if finding.fix:
                click.echo(_wrap(f"--fix would {finding.fix}", "  ", "    "))
        if report.problems and not apply:
            fixable = sum(1 for f in report.problems if f.fix)
            if fixable:
                click.echo(
                    f"Run `drill doctor --fix` to apply {fixable} safe fix{'es' * (fixable != 1)}."
                )
    if report.problems:
        sys.exit(1)


def _wrap(text: str, first: str, rest: str) -> str:
    """Fill to 80 columns, breaking only at spaces, so paths stay whole (and clickable)."""
    return textwrap.fill(
        text,
        80,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
