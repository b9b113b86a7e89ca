"""The only module that speaks SQL. Every review and its card update commit together."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from drill.errors import DrillError
from drill.migrations import LATEST, migrate, schema_version
from drill.store_loop import LoopRecords

CARD_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")


def _dict_row(cursor: sqlite3.Cursor, row: tuple) -> dict:
    return {col[0]: value for col, value in zip(cursor.description, row, strict=True)}


def _when_unlocked(action: Callable[[], object], seconds: float = 15.0) -> object:
    """Retry `action` while another process holds the database lock, up to `seconds`."""
    deadline = time.monotonic() + seconds
    delay = 0.005
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            message = str(exc)
            if ("locked" not in message and "busy" not in message) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.1)


class Store(LoopRecords):  # the plan and loop tables: drill/store_loop.py
    def __init__(self, path: Path | str):
        self.path = Path(path) if path != ":memory:" else None
        try:
            fresh = self.path is not None and not self.path.exists()
            self.conn = sqlite3.connect(str(path), timeout=15, isolation_level=None)
            if fresh:
                self.path.chmod(0o600)
            self.conn.execute("PRAGMA busy_timeout = 15000")
            # switching to WAL takes an exclusive lock that the busy timeout does not cover
            _when_unlocked(lambda: self.conn.execute("PRAGMA journal_mode = WAL"))
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            if schema_version(self.conn) != LATEST:
                _when_unlocked(lambda: migrate(self.conn, self.path))
        except sqlite3.DatabaseError as exc:
            raise DrillError(
                f"{path}: cannot open the database ({exc}); try `drill doctor`"
            ) from None

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the lock up front, so two sessions queue, not fail."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @property
    def db(self):
        """sqlite-utils over the same connection, for bulk writes off the hot path."""
        from sqlite_utils import Database

        return Database(self.conn, execute_plugins=False)

    def _cursor(self, sql: str, params: Iterable) -> sqlite3.Cursor:
        cursor = self.conn.cursor()
        cursor.row_factory = _dict_row
        return cursor.execute(sql, tuple(params))

    def all(self, sql: str, params: Iterable = ()) -> list[dict]:
        return self._cursor(sql, params).fetchall()

    def one(self, sql: str, params: Iterable = ()) -> dict | None:
        return self._cursor(sql, params).fetchone()

    def scalar(self, sql: str, params: Iterable = ()):
        row = self.conn.execute(sql, tuple(params)).fetchone()
        return row[0] if row else None

    # --- meta ---------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self.one("select value from meta where key = ?", [key])
        return row["value"] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute(
                "insert into meta (key, value) values (?, ?) "
                "on conflict(key) do update set value = excluded.value",
                [key, value],
            )

    # --- cards --------------------------------------------------------------------------------

    def cards_by_id(self, ids: Iterable[int]) -> list[dict]:
        ids = list(ids)
        if not ids:
            return []
        return self.all(f"select * from cards where id in ({','.join('?' * len(ids))})", ids)

    def card_for(self, kind: str, ref: str, facet: str = "") -> dict | None:
        return self.one(
            "select * from cards where kind = ? and ref = ? and facet = ?", [kind, ref, facet]
        )

    def card(self, card_id: int) -> dict | None:
        return self.one("select * from cards where id = ?", [card_id])

    def cards(self, kinds: Iterable[str] | None = None, active: bool | None = True) -> list[dict]:
        sql, params = "select * from cards where 1", []
        if active is not None:
            sql += " and active = ?"
            params.append(int(active))
        if kinds:
            kinds = list(kinds)
            sql += f" and kind in ({','.join('?' * len(kinds))})"
            params += kinds
        return self.all(sql + " order by id", params)

    def sync_cards(self, wanted: list[tuple[str, str, str, int]], now_iso: str) -> dict:
        """Make the active card set exactly `wanted` (kind, ref, facet, position).

        Cards leave by going inactive with their history, and come back the same way.
        """
        with self.transaction():
            existing = {
                (r["kind"], r["ref"], r["facet"]): r
                for r in self.all("select id, kind, ref, facet, active, position from cards")
            }
            keys = set()
            added = revived = 0
            for kind, ref, facet, position in wanted:
                key = (kind, ref, facet)
                keys.add(key)
                row = existing.get(key)
                if row is None:
                    self.conn.execute(
                        "insert into cards (kind, ref, facet, active, state, reps, lapses, "
                        "position, created) values (?, ?, ?, 1, 'new', 0, 0, ?, ?)",
                        [kind, ref, facet, position, now_iso],
                    )
                    added += 1
                elif not row["active"] or row["position"] != position:
                    revived += 0 if row["active"] else 1
                    self.conn.execute(
                        "update cards set active = 1, position = ? where id = ?",
                        [position, row["id"]],
                    )
            retired = [r["id"] for k, r in existing.items() if k not in keys and r["active"]]
            self.conn.executemany(
                "update cards set active = 0 where id = ?", [(i,) for i in retired]
            )
        return {"added": added, "revived": revived, "retired": len(retired)}

    def reviewed_today(self, day: str) -> dict[tuple[str, str], set[int]]:
        """(kind group, ref) -> ids of cards reviewed on that study day, outside cram."""
        rows = self.all(
            "select c.id, c.kind, c.ref from reviews r join cards c on c.id = r.card_id "
            "where r.day = ? and r.mode != 'cram'",
            [day],
        )
        out: dict[tuple[str, str], set[int]] = {}
        for row in rows:
            group = ("story" if row["kind"] == "story" else "question", row["ref"])
            out.setdefault(group, set()).add(row["id"])
        return out

    def new_introduced(self, day: str) -> dict[str, int]:
        """How many new cards of each kind had their first review on that study day."""
        rows = self.all(
            "select c.kind, count(*) as n from reviews r join cards c on c.id = r.card_id "
            "where r.day = ? and json_extract(r.before, '$.state') = 'new' group by c.kind",
            [day],
        )
        return {r["kind"]: r["n"] for r in rows}

    def record_review(
        self,
        card_id: int,
        after: dict,
        review: dict,
        expect_before: dict | None = None,
    ) -> int:
        """Store a review and the card's new state in one transaction.

        The card row is re-read inside the transaction: `before` is what was really there, so
        undo is exact even if another session touched the card meanwhile.
        """
        with self.transaction():
            before = self.card(card_id)
            if before is None:
                raise DrillError(f"card {card_id} no longer exists")
            if expect_before is not None and any(
                before[k] != expect_before[k] for k in CARD_FIELDS
            ):
                raise StaleCard(card_id)
            snapshot = {k: before[k] for k in (*CARD_FIELDS, "buried_until")}
            if after:  # an empty `after` logs the review and leaves the schedule alone
                sets = ", ".join(f"{k} = ?" for k in after)
                self.conn.execute(
                    f"update cards set {sets}, buried_until = null where id = ?",
                    [*after.values(), card_id],
                )
            cursor = self.conn.execute(
                "insert into reviews (card_id, at, day, rating, mode, duration_ms, latency_ms, "
                "story, answer, before, pre_interview, rescheduled) "
                "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    card_id,
                    review["at"],
                    review["day"],
                    review["rating"],
                    review["mode"],
                    review.get("duration_ms"),
                    review.get("latency_ms"),
                    review.get("story"),
                    json.dumps(review["answer"]) if review.get("answer") is not None else None,
                    json.dumps(snapshot),
                    int(review.get("pre_interview", 0)),
                    int(review.get("rescheduled", 1)),
                ],
            )
            return cursor.lastrowid

    def undo_last(self, review_id: int | None = None) -> dict | None:
        """Delete the last review (or the given one) and put its card back exactly as it was."""
        with self.transaction():
            if review_id is None:
                row = self.one("select * from reviews order by id desc limit 1")
            else:
                row = self.one("select * from reviews where id = ?", [review_id])
            if row is None:
                return None
            if self.scalar(
                "select 1 from reviews where card_id = ? and id > ?", [row["card_id"], row["id"]]
            ):
                raise DrillError(
                    f"cannot undo review {row['id']}: its card was reviewed again since "
                    "(in another session); undo that review first"
                )
            before = json.loads(row["before"])
            sets = ", ".join(f"{k} = ?" for k in before)
            self.conn.execute(
                f"update cards set {sets} where id = ?", [*before.values(), row["card_id"]]
            )
            self.conn.execute("delete from reviews where id = ?", [row["id"]])
            return row

    def bury(self, card_id: int, until_iso: str) -> None:
        with self.transaction():
            self.conn.execute(
                "update cards set buried_until = ? where id = ?", [until_iso, card_id]
            )

    # --- mappings -----------------------------------------------------------------------------

    def mappings(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for row in self.all("select question, story from mappings order by question, story"):
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
            self.conn.execute("delete from meta where key = 'sync_signature'")

    def unmap_story(self, question: str, story: str | None = None) -> int:
        with self.transaction():
            if story is None:
                cur = self.conn.execute("delete from mappings where question = ?", [question])
            else:
                cur = self.conn.execute(
                    "delete from mappings where question = ? and story = ?", [question, story]
                )
            self.conn.execute("delete from meta where key = 'sync_signature'")
            return cur.rowcount

    def rename_story(self, old: str, new: str) -> None:
        with self.transaction():
            self.conn.execute(
                "update cards set ref = ? where kind = 'story' and ref = ?", [new, old]
            )
            self.conn.execute("update mappings set story = ? where story = ?", [new, old])
            self.conn.execute("update reviews set story = ? where story = ?", [new, old])
            self.conn.execute("delete from meta where key = 'sync_signature'")

    def purge_story(self, story: str) -> None:
        """Forget a story entirely: its cards, their reviews, its mappings."""
        with self.transaction():
            ids = "select id from cards where kind = 'story' and ref = ?"
            self.conn.execute(f"delete from reviews where card_id in ({ids})", [story])
            self.conn.execute("delete from cards where kind = 'story' and ref = ?", [story])
            self.conn.execute("delete from mappings where story = ?", [story])
            self.conn.execute("delete from meta where key = 'sync_signature'")

    # --- plans and parameters -----------------------------------------------------------------

    def plans(self) -> list[dict]:
        return self.all("select * from plans order by at, id")

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

    def add_rehearsal(self, row: dict) -> int:
        columns = ", ".join(row)
        with self.transaction():
            cursor = self.conn.execute(
                f"insert into rehearsals ({columns}) values ({', '.join('?' * len(row))})",
                list(row.values()),
            )
            return cursor.lastrowid

    def rehearsals(self) -> list[dict]:
        return self.all("select * from rehearsals order by id")

    def rehearsal(self, rehearsal_id: int) -> dict | None:
        return self.one("select * from rehearsals where id = ?", [rehearsal_id])

    def parameters(self) -> list[float] | None:
        row = self.one("select parameters from params order by id desc limit 1")
        return json.loads(row["parameters"]) if row else None

    # --- the queue ----------------------------------------------------------------------------

    def queue_rows(
        self,
        kinds,
        now_iso: str,
        horizon_iso: str,
        new_limits: dict[str, int],
        buried_refs: Iterable[str] = (),
    ) -> list[dict]:
        """Cards that could be queued now: due (or learning within the horizon) and some new.

        New cards of `buried_refs` (questions and stories whose siblings were reviewed today)
        are left out here, so the limit counts only cards that can really be shown.
        """
        buried = list(buried_refs)
        kinds = tuple(kinds)
        where = (
            f"active = 1 and kind in ({','.join('?' * len(kinds))}) "
            "and (buried_until is null or buried_until <= ?)"
        )
        rows = self.all(
            f"select * from cards where {where} and state != 'new' and due <= ?",
            [*kinds, now_iso, horizon_iso],
        )
        not_buried = f"and ref not in ({','.join('?' * len(buried))}) " if buried else ""
        for kind in kinds:
            rows += self.all(
                f"select * from cards where {where} and state = 'new' and kind = ? "
                f"{not_buried}order by position, id limit ?",
                [*kinds, now_iso, kind, *buried, new_limits.get(kind, 0)],
            )
        return rows

    def next_due(self, kinds, now_iso: str) -> str | None:
        kinds = tuple(kinds)
        return self.scalar(
            f"select min(due) from cards where active = 1 and kind in "
            f"({','.join('?' * len(kinds))}) and state != 'new' and due > ?",
            [*kinds, now_iso],
        )

    def study_days(self) -> list[str]:
        # one index seek per distinct day, instead of a scan of every review
        return [
            r["day"]
            for r in self.all(
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

    @classmethod
    def open_unmigrated(cls, path: Path | str) -> Store:
        """Open without migrating, so `drill doctor` can look at a schema as it is."""
        store = cls.__new__(cls)
        store.path = Path(path)
        store.conn = sqlite3.connect(str(path), timeout=15, isolation_level=None)
        store.conn.execute("PRAGMA busy_timeout = 15000")
        store.conn.execute("PRAGMA foreign_keys = ON")
        return store

    def migrate(self) -> int:
        return migrate(self.conn, self.path)

    def schema_version(self) -> int:
        return schema_version(self.conn)

    def table_names(self) -> set[str]:
        return {r["name"] for r in self.all("select name from sqlite_master where type = 'table'")}

    def table_info(self, table: str) -> list[dict]:
        """Columns of a table: name, notnull, dflt_value, pk (PRAGMA table_info)."""
        return self.all(f"PRAGMA table_info({table})")

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
        return self.all(sql + " order by r.at, r.id", params)

    def total_duration_ms(self) -> int:
        return self.scalar("select coalesce(sum(duration_ms), 0) from reviews") or 0

    def due_cards(self) -> list[dict]:
        """Active cards already studied, with when they are due: the forecast's input."""
        return self.all(
            "select id, kind, due from cards where active = 1 and state != 'new' "
            "and due is not null order by due"
        )

    def optimizer_reviews(self) -> list[dict]:
        """The review log fsrs-rs learns from: no cram, no pre-interview, no schedule-free ones."""
        return self.all(
            "select id, card_id, at, day, rating, json_extract(before, '$.state') as before_state "
            "from reviews where mode != 'cram' and pre_interview = 0 and rescheduled = 1 "
            "order by card_id, at, id"
        )

    def add_parameters(
        self,
        parameters: list[float],
        now_iso: str,
        source: str,
        log_loss: float | None,
        rmse: float | None,
        reviews: int,
    ) -> int:
        with self.transaction():
            cur = self.conn.execute(
                "insert into params (parameters, created, source, log_loss, rmse, reviews) "
                "values (?, ?, ?, ?, ?, ?)",
                [json.dumps(parameters), now_iso, source, log_loss, rmse, reviews],
            )
            return cur.lastrowid

    def parameters_row(self) -> dict | None:
        return self.one("select * from params order by id desc limit 1")

    def review_count(self) -> int:
        return self.scalar("select count(*) from reviews")

    def backup_rows(self) -> dict[str, list[dict]]:
        """Every row of every table a backup holds, in a stable order."""
        return {
            table: self.all(f"select * from {table} order by {order}")
            for table, order in self.BACKUP_TABLES.items()
        }

    def restore(self, tables: dict[str, list[dict]], write_files: Callable[[], None]) -> None:
        """Replace the backed-up tables with `tables`, and write the files, in one transaction.

        If writing the files fails, the database is left as it was.
        """
        with self.transaction():
            for table in reversed(list(self.BACKUP_TABLES)):  # reviews before the cards they need
                self.conn.execute(f"delete from {table}")
            for table in self.BACKUP_TABLES:
                for row in tables.get(table, []):
                    columns = list(row)
                    self.conn.execute(
                        f"insert into {table} ({', '.join(columns)}) "
                        f"values ({', '.join('?' * len(columns))})",
                        [row[c] for c in columns],
                    )
            self.conn.execute("delete from meta where key = 'sync_signature'")
            write_files()

    def checkpoint(self) -> None:
        """Fold the write-ahead log into drill.db, so copying the file copies everything."""
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def integrity_check(self) -> list[str]:
        return [r[0] for r in self.conn.execute("PRAGMA integrity_check").fetchall()]

    def foreign_key_check(self) -> list[dict]:
        return self.all("PRAGMA foreign_key_check")

    def orphan_reviews(self) -> dict[int, int]:
        """card id -> how many reviews point at it, for cards that no longer exist."""
        rows = self.all(
            "select r.card_id, count(*) as n from reviews r left join cards c "
            "on c.id = r.card_id where c.id is null group by r.card_id order by r.card_id"
        )
        return {r["card_id"]: r["n"] for r in rows}

    def card_refs(self) -> list[dict]:
        """Every card's identity, with how many reviews it has."""
        return self.all(
            "select c.id, c.kind, c.ref, c.facet, c.active, c.reps, "
            "(select count(*) from reviews r where r.card_id = c.id) as reviews "
            "from cards c order by c.id"
        )

    def delete_mappings(self, pairs: Iterable[tuple[str, str]]) -> int:
        with self.transaction():
            count = 0
            for question, story in pairs:
                count += self.conn.execute(
                    "delete from mappings where question = ? and story = ?", [question, story]
                ).rowcount
            self.conn.execute("delete from meta where key = 'sync_signature'")
            return count

    def restore_lost_cards(self, card_ids: Iterable[int], now_iso: str) -> int:
        """Give reviews whose card vanished an inactive placeholder card, so no history is lost.

        The placeholder is a `question` card with ref `lost/<id>`; it is never scheduled.
        """
        with self.transaction():
            count = 0
            for card_id in card_ids:
                count += self.conn.execute(
                    "insert or ignore into cards (id, kind, ref, facet, active, state, reps, "
                    "lapses, created) values (?, 'question', ?, '', 0, 'new', 0, 0, ?)",
                    [card_id, f"lost/{card_id}", now_iso],
                ).rowcount
            return count


class StaleCard(DrillError):
    """Another session reviewed this card since it was shown."""

    def __init__(self, card_id: int):
        super().__init__(f"card {card_id} was reviewed in another session meanwhile")
        self.card_id = card_id
