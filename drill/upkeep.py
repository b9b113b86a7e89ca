"""drill.db's upkeep: the schema as it is, integrity, orphans, the JSON backup's rows.

`drill doctor` and `drill import`/`export` use these; the daily work is in `store.py`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

from drill.database import BUSY_SECONDS, file_identity, writable
from drill.migrations import migrate, schema_version


class Upkeep:
    """Mixed into `Store`: queries for doctor and the backup (they use its connection)."""

    conn: sqlite3.Connection
    path: Path | None

    @classmethod
    def open_unmigrated(cls, path: Path | str):
        """Open without migrating, so `drill doctor` can look at a schema as it is."""
        store = cls.__new__(cls)
        store.path = Path(path)
        store.read_only = not writable(store.path)
        store._backed_up = True  # doctor looks; it never takes a backup of what it examines
        uri = f"file:{path}?mode=ro" if store.read_only else str(path)
        store.conn = sqlite3.connect(
            uri, uri=store.read_only, timeout=BUSY_SECONDS, isolation_level=None
        )
        store.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
        store.conn.execute("PRAGMA foreign_keys = ON")
        store._identity = file_identity(store.path)
        return store

    def migrate(self) -> int:
        return migrate(self.conn, self.path)

    def schema_version(self) -> int:
        return schema_version(self.conn)

    def table_names(self) -> set[str]:
        return {r["name"] for r in self._all("select name from sqlite_master where type = 'table'")}

    def table_info(self, table: str) -> list[dict]:
        """Columns of a table: name, notnull, dflt_value, pk (PRAGMA table_info)."""
        return self._all(f"PRAGMA table_info({table})")

    def backup_rows(self) -> dict[str, list[dict]]:
        """Every row of every table a backup holds, in a stable order."""
        return {
            table: self._all(f"select * from {table} order by {order}")
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
            self.conn.execute("delete from param_snapshots")  # not in backups: no revert after
            self._resync()
            write_files()

    def checkpoint(self) -> None:
        """Fold the write-ahead log into drill.db, so copying the file copies everything."""
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def integrity_check(self) -> list[str]:
        return [r[0] for r in self.conn.execute("PRAGMA integrity_check").fetchall()]

    def foreign_key_check(self) -> list[dict]:
        return self._all("PRAGMA foreign_key_check")

    def orphan_reviews(self) -> dict[int, int]:
        """card id -> how many reviews point at it, for cards that no longer exist."""
        rows = self._all(
            "select r.card_id, count(*) as n from reviews r left join cards c "
            "on c.id = r.card_id where c.id is null group by r.card_id order by r.card_id"
        )
        return {r["card_id"]: r["n"] for r in rows}

    def card_refs(self) -> list[dict]:
        """Every card's identity, with how many reviews it has."""
        return self._all(
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
            self._resync()
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
