"""The daily work on drill.db: cards, reviews, mappings, plans. Every review and its card
update commit together. SQL lives here and in its neighbours: `database.py` (opening the
file safely), `store_cards.py` (cards, given out as `Card`, and their reviews), `upkeep.py`
(doctor's and the backup's queries) and `store_params.py` (FSRS parameters: the optimizer's
log, adopting and reverting)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from drill.database import (
    connect,
    create,
    database_error,
    file_identity,
    open_read_only,
    rescue_deleted_log,
    take_daily_backup,
    when_unlocked,
    writable,
)
from drill.errors import DrillError
from drill.migrations import LATEST, migrate, schema_version
from drill.store_cards import CardQueries, StaleCard  # noqa: F401  (raised by record_review)
from drill.store_loop import LoopRecords
from drill.store_params import ParameterQueries
from drill.upkeep import Upkeep

TYPE_CHECKING = False
if TYPE_CHECKING:
    from drill.records import Rehearsal


def _dict_row(cursor: sqlite3.Cursor, row: tuple) -> dict:
    return {col[0]: value for col, value in zip(cursor.description, row, strict=True)}


@dataclass(frozen=True)
class StatusCounts:
    """What `drill status` is made of, as the drill would see it today (daily kinds only)."""

    due: int  # sibling groups with a card due now, not buried: the drill shows one of each
    new: int  # groups with a new card and none due, not buried: before the daily limit
    introduced: int  # new cards the daily limit has already spent today
    reviews_today: int
    stories: int
    questions: int
    mapped_questions: int
    streak_days: int  # consecutive study days with reviews up to today (or yesterday)
    next_company: str | None
    next_at: str | None  # UTC ISO


class Store(Upkeep, ParameterQueries, CardQueries, LoopRecords):  # see store_cards, store_loop
    """drill.db: cards, reviews, mappings, plans, parameters, rehearsals, story plans, loops."""

    def __init__(self, path: Path | str):
        self.path = Path(path) if path != ":memory:" else None
        self.read_only = False
        self._backed_up = False
        if self.path is not None and not self.path.exists():
            create(self.path)
        if self.path is not None and self.path.is_file() and self.path.stat().st_size == 0:
            raise DrillError(
                f"{self.path} is empty (0 bytes): its history is not in it. If this home is "
                "new, delete the file; otherwise `drill doctor` names the backup to restore"
            )
        try:
            if self.path is not None and not writable(self.path):
                self.conn = open_read_only(self.path)
                self.read_only = True
            else:
                self.conn = connect(path)
                # switching to WAL takes an exclusive lock that the busy timeout does not cover
                when_unlocked(lambda: self.conn.execute("PRAGMA journal_mode = WAL"))
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            if schema_version(self.conn) != LATEST:
                if self.read_only:
                    raise DrillError(f"{path} needs an upgrade, but it is read-only")
                when_unlocked(lambda: migrate(self.conn, self.path))
            self._identity = file_identity(self.path)
        except sqlite3.DatabaseError as exc:
            raise database_error(self.path, exc) from None

    def replaced(self) -> bool:
        """Has another drill.db taken this one's place (an import swapped the home in)?"""
        return self.path is not None and file_identity(self.path) != self._identity

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the lock up front, so two sessions queue, not fail."""
        if self.conn.in_transaction:
            yield self.conn
            return
        if not self._backed_up and not self.read_only and self.path is not None:
            self._backed_up = True
            take_daily_backup(self.conn, self.path)
        if not self.read_only and self.path is not None:
            rescue_deleted_log(self.conn, self.path)
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise database_error(self.path, exc) from None
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _cursor(self, sql: str, params: Iterable) -> sqlite3.Cursor:
        cursor = self.conn.cursor()
        cursor.row_factory = _dict_row
        return cursor.execute(sql, tuple(params))

    def _all(self, sql: str, params: Iterable = ()) -> list[dict]:
        return self._cursor(sql, params).fetchall()

    def _one(self, sql: str, params: Iterable = ()) -> dict | None:
        return self._cursor(sql, params).fetchone()

    def _scalar(self, sql: str, params: Iterable = ()):
        row = self.conn.execute(sql, tuple(params)).fetchone()
        return row[0] if row else None

    # --- meta ---------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self._one("select value from meta where key = ?", [key])
        return row["value"] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute(
                "insert into meta (key, value) values (?, ?) "
                "on conflict(key) do update set value = excluded.value",
                [key, value],
            )

    def _resync(self) -> None:
        """Make the next command re-sync the cards with the bank (mappings or ids changed)."""
        self.conn.execute("delete from meta where key = 'sync_signature'")

    # --- mappings -----------------------------------------------------------------------------

    def mappings(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for row in self._all("select question, story from mappings order by question, story"):
            out.setdefault(row["question"], set()).add(row["story"])
        return out

    def mapped_stories(self, question: str) -> set[str]:
        """One question's stories: what a card on screen needs, without reading every mapping."""
        rows = self.conn.execute("select story from mappings where question = ?", [question])
        return {story for (story,) in rows}

    def map_story(self, question: str, story: str, now_iso: str) -> None:
        with self.transaction():
            self.conn.execute(
                "insert or ignore into mappings (question, story, created) values (?, ?, ?)",
                [question, story, now_iso],
            )
            self._resync()

    def unmap_story(self, question: str, story: str | None = None) -> int:
        with self.transaction():
            if story is None:
                cur = self.conn.execute("delete from mappings where question = ?", [question])
            else:
                cur = self.conn.execute(
                    "delete from mappings where question = ? and story = ?", [question, story]
                )
            self._resync()
            return cur.rowcount

    def rename_story(self, old: str, new: str) -> None:
        with self.transaction():
            self.conn.execute(
                "update cards set ref = ? where kind = 'story' and ref = ?", [new, old]
            )
            self.conn.execute("update mappings set story = ? where story = ?", [new, old])
            self.conn.execute("update reviews set story = ? where story = ?", [new, old])
            self._resync()

    def purge_story(self, story: str) -> None:
        """Forget a story entirely: its cards, their reviews, its mappings."""
        with self.transaction():
            ids = "select id from cards where kind = 'story' and ref = ?"
            self.conn.execute(f"delete from reviews where card_id in ({ids})", [story])
            self.conn.execute("delete from cards where kind = 'story' and ref = ?", [story])
            self.conn.execute("delete from mappings where story = ?", [story])
            self._resync()

    # --- plans and parameters -----------------------------------------------------------------

    def plans(self) -> list[dict]:
        return self._all("select * from plans order by at, id")

    def add_plan(self, company: str, at_iso: str, now_iso: str) -> int:
        with self.transaction():
            cur = self.conn.execute(
                "insert into plans (company, at, created) values (?, ?, ?)",
                [company, at_iso, now_iso],
            )
            return cur.lastrowid

    def remove_plan(self, plan_id: int) -> int:
        with self.transaction():
            return self.conn.execute("delete from plans where id = ?", [plan_id]).rowcount

    # --- rehearsals --------------------------------------------------------------------------

    def add_rehearsal(self, rehearsal: Rehearsal) -> int:
        row = asdict(rehearsal)
        columns = ", ".join(row)
        with self.transaction():
            cursor = self.conn.execute(
                f"insert into rehearsals ({columns}) values ({', '.join('?' * len(row))})",
                list(row.values()),
            )
            return cursor.lastrowid

    def rehearsals(self) -> list[dict]:
        return self._all("select * from rehearsals order by id")

    def rehearsal(self, rehearsal_id: int) -> dict | None:
        return self._one("select * from rehearsals where id = ?", [rehearsal_id])

    # --- the queue ----------------------------------------------------------------------------

    def streak(self, today: str, yesterday: str) -> int:
        """Consecutive study days with reviews, ending today (or yesterday, if none yet
        today): one index seek per day of the streak, from its end back to its first gap."""
        reviewed_today = self._scalar(
            "select exists (select 1 from reviews where day = ?)", [today]
        )
        return self._scalar(
            "with recursive d(day) as (select ?1 where exists "
            "(select 1 from reviews where day = ?1) union all select date(day, '-1 day') "
            "from d where exists (select 1 from reviews where day = date(d.day, '-1 day'))) "
            "select count(*) from d",
            [today if reviewed_today else yesterday],
        )

    def status_counts(self, now_iso: str, day: str, yesterday: str) -> StatusCounts:
        """Counts for `drill status` in a few index searches: a shell prompt runs this.

        Due and new count sibling groups as the daily queue does: a group whose other card
        was reviewed today (outside cram) is buried, a skipped card is buried until its time,
        and a group shows one card a day, a due one before a new one.
        """
        groups = self._one(
            "with seen as (select distinct r.card_id, c.kind = 'story' as story, c.ref "
            "from reviews r join cards c on c.id = r.card_id "
            "where r.day = ? and r.mode != 'cram'), "
            "showable as (select c.kind = 'story' as story, c.ref, max(c.state != 'new') as due "
            "from cards c where c.active = 1 and c.kind in ('question', 'story') "
            "and (c.state = 'new' or c.due <= ?) "
            "and (c.buried_until is null or c.buried_until <= ?) "
            "and not exists (select 1 from seen s where s.story = (c.kind = 'story') "
            "and s.ref = c.ref and s.card_id != c.id) group by 1, 2) "
            "select coalesce(sum(due), 0) as due, coalesce(sum(1 - due), 0) as new "
            "from showable",
            [day, now_iso, now_iso],
        )
        plan = self._one(
            "select company, at from plans where at > ? order by at limit 1", [now_iso]
        )
        return StatusCounts(
            due=groups["due"],
            new=groups["new"],
            introduced=sum(self.new_introduced(day).values()),
            reviews_today=self._scalar("select count(*) from reviews where day = ?", [day]),
            stories=self._scalar(
                "select count(distinct ref) from cards where active = 1 and kind = 'story'"
            ),
            questions=self._scalar(
                "select count(*) from cards where active = 1 and kind = 'question'"
            ),
            mapped_questions=self._scalar(
                "select count(distinct m.question) from mappings m join cards c "
                "on c.kind = 'question' and c.ref = m.question and c.active = 1"
            ),
            streak_days=self.streak(day, yesterday),
            next_company=plan["company"] if plan else None,
            next_at=plan["at"] if plan else None,
        )

    def next_due(self, kinds, now_iso: str) -> str | None:
        kinds = tuple(kinds)
        return self._scalar(
            f"select min(due) from cards where active = 1 and kind in "
            f"({','.join('?' * len(kinds))}) and state != 'new' and due > ?",
            [*kinds, now_iso],
        )

    def study_days(self) -> list[str]:
        # one index seek per distinct day, instead of a scan of every review
        return [
            r["day"]
            for r in self._all(
                "with recursive d(day) as (select min(day) from reviews union all "
                "select (select min(day) from reviews where day > d.day) from d "
                "where d.day is not null) select day from d where day is not null"
            )
        ]

    # --- progress and data --------------------------------------------------------------------

    BACKUP_TABLES = {  # table -> the order its rows are written in, so backups are byte-stable
        "cards": "id",
        "reviews": "id",
        "mappings": "question, story",
        "plans": "id",
        "params": "id",
        "rehearsals": "id",
        "assignments": "framework, target",
        "loops": "id",
    }

    def review_log(self, since_day: str | None = None) -> list[dict]:
        """Reviews with their card and the card's state before them, oldest first.

        A left join: reviews of cards that no longer exist still count as time spent.
        """
        sql = (
            "select r.id, r.card_id, c.kind, c.ref, c.facet, r.at, r.day, r.rating, r.mode, "
            "r.duration_ms, r.latency_ms, r.pre_interview, r.rescheduled, "
            "json_extract(r.before, '$.state') as before_state, "
            "json_extract(r.before, '$.due') as before_due, "
            "json_extract(r.before, '$.last_review') as before_last_review, "
            "json_extract(r.before, '$.stability') as before_stability "
            "from reviews r left join cards c on c.id = r.card_id"
        )
        params: list = []
        if since_day is not None:
            sql += " where r.day >= ?"
            params.append(since_day)
        return self._all(sql + " order by r.at, r.id", params)

    def review_durations(self, since_day: str) -> list[int]:
        """Milliseconds spent on each review since that study day (the user's pace)."""
        sql = "select duration_ms from reviews where day >= ? and duration_ms is not null"
        return [row[0] for row in self.conn.execute(sql, [since_day])]

    def total_duration_ms(self) -> int:
        return self._scalar("select coalesce(sum(duration_ms), 0) from reviews") or 0

    def due_cards(self) -> list[dict]:
        """Active cards already studied, with when they are due: the forecast's input."""
        return self._all(
            "select id, kind, due from cards where active = 1 and state != 'new' "
            "and due is not null order by due"
        )

    def review_count(self) -> int:
        return self._scalar("select count(*) from reviews")
