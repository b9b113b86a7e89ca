"""The store's SQL for the story plan (`drill assign`) and the mock loops (`drill loop`).

A mixin of `Store` kept in its own file so store.py stays under the size limit; it uses only
the store's connection helpers (`_all`, `_one`, `transaction`, `conn`).
"""

from __future__ import annotations

from collections.abc import Iterable


class LoopRecords:
    # --- the story plan ---------------------------------------------------------------------

    def plan_rows(self, framework: str) -> list[dict]:
        return self._all(
            "select target, story, pinned from assignments where framework = ? order by rowid",
            [framework],
        )

    def pins(self, framework: str) -> dict[str, str]:
        rows = self._all(
            "select target, story from assignments where framework = ? and pinned = 1",
            [framework],
        )
        return {r["target"]: r["story"] for r in rows}

    def pin(self, framework: str, target: str, story: str, now_iso: str) -> None:
        with self.transaction():
            self.conn.execute(
                "insert into assignments (framework, target, story, pinned, created) "
                "values (?, ?, ?, 1, ?) on conflict(framework, target) do update set "
                "story = excluded.story, pinned = 1, created = excluded.created",
                [framework, target, story, now_iso],
            )

    def unpin(self, framework: str, target: str | None = None) -> int:
        """Drop one pin (or all of the framework's); the next `drill assign` re-solves."""
        with self.transaction():
            sql = "delete from assignments where framework = ? and pinned = 1"
            params = [framework]
            if target is not None:
                sql += " and target = ?"
                params.append(target)
            return self.conn.execute(sql, params).rowcount

    def save_plan(
        self, framework: str, picks: Iterable[tuple[str, str | None]], now_iso: str
    ) -> None:
        """Replace the solved rows of a plan; pinned rows stay as the user set them."""
        with self.transaction():
            pinned = {r["target"] for r in self.plan_rows(framework) if r["pinned"]}
            self.conn.execute(
                "delete from assignments where framework = ? and pinned = 0", [framework]
            )
            self.conn.executemany(
                "insert into assignments (framework, target, story, pinned, created) "
                "values (?, ?, ?, 0, ?)",
                [(framework, t, s, now_iso) for t, s in picks if t not in pinned],
            )

    # --- mock loops -------------------------------------------------------------------------

    def add_loop(self, row: dict) -> int:
        with self.transaction():
            cursor = self.conn.execute(
                f"insert into loops ({', '.join(row)}) values ({', '.join('?' * len(row))})",
                list(row.values()),
            )
            return cursor.lastrowid

    def update_loop(self, loop_id: int, fields: dict) -> None:
        """Save what was said so far: called after every answer, so quitting loses nothing."""
        sets = ", ".join(f"{k} = ?" for k in fields)
        with self.transaction():
            self.conn.execute(f"update loops set {sets} where id = ?", [*fields.values(), loop_id])

    def loops(self) -> list[dict]:
        return self._all("select * from loops order by id")

    def loop(self, loop_id: int | None = None) -> dict | None:
        """One loop by id, or the last one."""
        if loop_id is None:
            return self._one("select * from loops order by id desc limit 1")
        return self._one("select * from loops where id = ?", [loop_id])
