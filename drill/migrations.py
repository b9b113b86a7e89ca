"""Numbered schema migrations, applied in a transaction each after a backup copy of drill.db.

`PRAGMA user_version` holds the number of the last migration applied, so an up-to-date
database is recognised without importing sqlite-utils.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from drill.errors import DrillError

MIGRATIONS: list[Callable] = []


def migration(fn: Callable) -> Callable:
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_initial(db) -> None:
    db["cards"].create(
        {
            "id": int,
            "kind": str,  # question | pick | story
            "ref": str,  # question id ("core/x") or story id
            "facet": str,  # story facet, "" for question and pick cards
            "active": int,
            "state": str,  # new | learning | review | relearning
            "step": int,
            "stability": float,
            "difficulty": float,
            "due": str,  # UTC ISO
            "last_review": str,
            "reps": int,
            "lapses": int,
            "buried_until": str,  # UTC ISO: skipped until then
            "position": int,  # order of introduction for new cards
            "created": str,
        },
        pk="id",
        not_null={"kind", "ref", "facet", "active", "state", "reps", "lapses"},
        defaults={"facet": "", "active": 1, "state": "new", "reps": 0, "lapses": 0},
    )
    db["cards"].create_index(["kind", "ref", "facet"], unique=True)
    db["cards"].create_index(["active", "due"])
    db["reviews"].create(
        {
            "id": int,
            "card_id": int,
            "at": str,  # UTC ISO
            "day": str,  # local study day, YYYY-MM-DD
            "rating": int,
            "mode": str,  # daily | map | cram | rehearse
            "duration_ms": int,
            "latency_ms": int,
            "story": str,  # the story picked, for question and pick cards
            "answer": str,  # JSON of what was typed
            "before": str,  # JSON of the card row before the review, for exact undo
            "pre_interview": int,  # 1 within 48 h before an interview: kept out of optimizing
            "rescheduled": int,  # 0 when the review left the schedule alone (cram --no-reschedule)
        },
        pk="id",
        foreign_keys=[("card_id", "cards", "id")],
        not_null={"card_id", "at", "day", "rating", "mode"},
        defaults={"pre_interview": 0, "rescheduled": 1},
    )
    db["reviews"].create_index(["card_id"])
    db["reviews"].create_index(["day"])
    db["mappings"].create({"question": str, "story": str, "created": str}, pk=("question", "story"))
    db["plans"].create(
        {"id": int, "company": str, "at": str, "created": str}, pk="id", not_null={"company", "at"}
    )
    db["params"].create(
        {
            "id": int,
            "parameters": str,  # JSON list of floats
            "created": str,
            "source": str,  # default | optimized
            "log_loss": float,
            "rmse": float,
            "reviews": int,
        },
        pk="id",
    )
    db["meta"].create({"key": str, "value": str}, pk="key")


@migration
def m002_rehearsals(db) -> None:
    db["rehearsals"].create(
        {
            "id": int,
            "at": str,
            "question": str,
            "story": str,
            "text": str,
            "seconds": float,  # time spent narrating
            "budget_seconds": int,
            "followup": str,
            "followup_text": str,
            "followup_seconds": float,
            "analysis": str,  # JSON
            "rating": int,
        },
        pk="id",
    )


@migration
def m003_queue_index(db) -> None:
    # the queue's new cards and the status counts: a search instead of a scan of every card
    db["cards"].create_index(["active", "kind", "state", "position"], if_not_exists=True)


@migration
def m004_parameter_snapshots(db) -> None:
    # `drill optimize --revert`: the card states each adoption replaced, and the last review
    # it had seen (cards reviewed after it are replayed, not restored)
    if "review_id" not in db["params"].columns_dict:  # re-run on a re-numbered schema
        db["params"].add_column("review_id", int)
    db["param_snapshots"].create(
        {
            "params_id": int,
            "card_id": int,
            "stability": float,  # the card's values before that adoption, exactly
            "difficulty": float,
            "due": str,
        },
        pk=("params_id", "card_id"),
        if_not_exists=True,
    )


@migration
def m005_loop(db) -> None:
    # the story plan of `drill assign` (pins kept apart from solved rows) and the mock loops
    db["assignments"].create(
        {"framework": str, "target": str, "story": str, "pinned": int, "created": str},
        pk=("framework", "target"),
        not_null={"framework", "target", "pinned"},
        defaults={"pinned": 0},
        if_not_exists=True,
    )
    db["loops"].create(
        {
            "id": int,
            "at": str,  # UTC ISO, when the loop started
            "company": str,
            "framework": str,  # the plan's key: a framework id or "categories"
            "interviewers": int,
            "budget_seconds": int,
            "level": str,  # the target level the debrief reads against
            "transcript": str,  # JSON: every round said so far, saved after each answer
            "debrief": str,  # JSON
            "finished": int,  # 0 when the user quit mid-loop
        },
        pk="id",
        not_null={"at", "transcript"},
        if_not_exists=True,
    )


LATEST = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, path: Path | None) -> int:
    """Bring the schema up to date; returns how many migrations ran.

    A copy of the database is taken before the first pending migration; each migration and
    its version bump commit together, so a failure leaves the last good schema in place.
    """
    version = schema_version(conn)
    if version > LATEST:
        raise DrillError(
            f"{path}: made by a newer drill (schema {version}, this one knows {LATEST}); "
            "upgrade drill"
        )
    if version == LATEST:
        return 0
    import shutil

    from sqlite_utils import Database

    if path is not None and version > 0 and path.exists():
        from drill.files import write_with

        backup = path.with_name(f"{path.name}.bak-v{version}")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try:  # whole or not at all: a full disk leaves no partial copy behind
            write_with(backup, lambda tmp: shutil.copyfile(path, tmp))
        except OSError as exc:
            raise DrillError(
                f"{path}: cannot copy it to {backup.name} before upgrading ({exc.strerror}); "
                "nothing was changed"
            ) from None
    db = Database(conn)
    ran = 0
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(conn) >= number:  # another process got there first
                conn.execute("ROLLBACK")
                continue
            step(db)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except Exception as exc:
            conn.execute("ROLLBACK")
            raise DrillError(
                f"{path}: migration {step.__name__} failed ({exc}); the database is unchanged"
            ) from None
        ran += 1
    return ran
