"""`drill stats`, `drill optimize`, `drill export`, `drill import`, `drill doctor`."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import click

from drill.cli.common import App, echo_json, json_option
from drill.errors import DrillError

# --- stats ------------------------------------------------------------------------------------


@click.command()
@click.option(
    "--days",
    type=click.IntRange(1, 3660),
    default=91,
    show_default=True,
    help="How many study days back the review figures cover.",
)
@json_option
def stats(days: int, as_json: bool) -> None:
    """Reviews per day, true retention, due forecast, weakest stories, readiness."""
    from drill.stats import progress

    app = App()
    library = app.synced()
    figures = progress(app.store, library, app.config, app.clock(), days)
    if as_json:
        echo_json(figures)
        return
    from drill.charts import use_color
    from drill.report import render_stats

    for line in render_stats(figures, use_color(sys.stdout)):
        click.echo(line)


# --- optimize ---------------------------------------------------------------------------------


PROGRESS_CARDS = 2000  # a home with more cards than this shows a progress bar while replaying


def _replayed(app: App, parameters, reschedule: bool, label: str) -> dict[int, dict]:
    """Every card's memory replayed from its log under `parameters` (see optimize.replay)."""
    from drill.optimize import replay

    log = app.store.memory_log()
    cards = len({r["card_id"] for r in log})
    retention = app.config.desired_retention
    if cards < PROGRESS_CARDS:
        return replay(log, parameters, retention, reschedule)
    with click.progressbar(length=cards, label=label, file=sys.stderr) as bar:
        return replay(log, parameters, retention, reschedule, bar.update)


def _revert(app: App, as_json: bool) -> None:
    store = app.store
    latest = store.previous_parameters()
    if latest is None or latest[0]["source"] != "optimized":
        raise DrillError("no optimized parameters to revert: the defaults are in use")
    row, previous = latest
    replayed = _replayed(app, previous, False, "Replaying reviews")
    restored = store.revert_parameters(row["id"], replayed)
    result = {
        "reverted": row["id"],
        "parameters": previous,
        "source": "optimized" if previous else "default",
        "restored_cards": restored,
        "replayed_cards": len(replayed) - restored,
    }
    if as_json:
        echo_json(result)
        return
    click.echo(
        f"Back to the {result['source']} parameters; {restored} cards got their earlier state "
        f"back, {result['replayed_cards']} were replayed from their log."
    )


@click.command()
@click.option("--dry-run", is_flag=True, help="Fit and compare, but keep the current parameters.")
@click.option(
    "--reschedule",
    is_flag=True,
    help="When adopting, also move due dates to what the new memory states give.",
)
@click.option(
    "--revert",
    is_flag=True,
    help="Go back to the parameters and card states before the last adoption.",
)
@json_option
def optimize(dry_run: bool, reschedule: bool, revert: bool, as_json: bool) -> None:
    """Fit FSRS parameters to your review log; keep them only if they predict it better.

    Adopting recomputes every card's stability and difficulty from its log under the new
    parameters (due dates are kept unless --reschedule); --revert undoes that.
    """
    from drill.home import iso
    from drill.optimize import TooLittleHistory, fit

    app = App()
    store = app.store
    if revert:
        if dry_run or reschedule:
            raise click.UsageError("--revert takes no other option but --json")
        _revert(app, as_json)
        return
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
    recomputed = 0
    if adopted:
        updates = _replayed(app, result.fitted, reschedule, "Recomputing memory states")
        recomputed = len(updates)
        store.adopt_parameters(
            result.fitted,
            iso(app.clock().utc),
            result.after.log_loss,
            result.after.rmse,
            result.items,
            updates,
        )
    if as_json:
        echo_json(
            {
                "adopted": adopted,
                "recomputed_cards": recomputed,
                "rescheduled": adopted and reschedule,
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
    click.echo("(a review is usable when it comes a day or more after the card's previous one).")
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
        click.echo(f"Recomputed the memory of {recomputed} cards from their review logs;")
        click.echo(
            "due dates moved to match."
            if reschedule
            else "due dates kept (`drill optimize --reschedule` moves them)."
        )
        click.echo("`drill optimize --revert` goes back to the parameters and states before.")
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
    app = App()
    if fmt == "json":
        from drill import backup

        _emit(backup.dump_backup(backup.build_backup(app.home, app.store)), output)
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
    from drill.files import output_with

    counted: list[int] = []
    output_with(
        output,
        lambda tmp: counted.append(
            ex.write_apkg(tmp, stories, questions, mappings, app.clock().now.timestamp())
        ),
    )
    notes = counted[0]
    click.echo(
        f"Wrote {output}: {notes} cards ({len(questions)} questions, "
        f"{notes - len(questions)} story facets). Import it in Anki with File > Import.",
        err=True,
    )


def _emit(text: str, output: Path | None) -> None:
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    from drill.files import write_output

    write_output(output, text)
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
    from drill import backup

    try:
        raw = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    except OSError as exc:
        raise DrillError(f"{file}: cannot read: {exc.strerror}") from None
    app = App()
    store = app.store
    schema = {table: store.table_info(table) for table in backup.TABLE_KEYS}
    data = backup.parse_backup(raw, str(file), schema)
    done = backup.restore_backup(app.home, store, data, force, app.clock().now)
    if done.set_aside:
        click.echo(f"The previous home was copied to {done.set_aside}.")
    click.echo(
        f"Restored {done.stories} stor{'ies' if done.stories != 1 else 'y'} and "
        f"{done.reviews} reviews into {app.home.root}."
    )


# --- doctor -----------------------------------------------------------------------------------


@click.command()
@click.option("--fix", "apply", is_flag=True, help="Apply the safe fixes (never deletes history).")
@json_option
def doctor(apply: bool, as_json: bool) -> None:
    """Check the database (integrity, schema, orphans) and the bank; exit 1 on problems."""
    from drill import doctor as dr
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
        done = dr.fix(store, library, report, iso(App().clock().utc))
        report = dr.examine(store, Library(home, home.config()))
    if as_json:
        echo_json({"findings": [f.to_dict() for f in report.findings], "fixed": done})
    else:
        for line in done:
            click.echo(f"fixed: {line}")
        if not report.problems:  # notes alone (a daily copy, say) are no problem
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


COMMANDS = (stats, optimize, export, import_backup, doctor)
