"""The store's queries for FSRS parameters: the optimizer's log, adopting and reverting.

A part of `Store` (it inherits them), kept apart so each file stays readable; like store.py,
it is where SQL is spoken.
"""

from __future__ import annotations

import json
from collections.abc import Iterable


class ParameterQueries:
    """Parameters, the logs the optimizer and a replay read, and card states they replace."""

    def parameters(self) -> list[float] | None:
        row = self._one("select parameters from params order by id desc limit 1")
        return json.loads(row["parameters"]) if row else None

    def optimizer_reviews(self) -> list[dict]:
        """The review log fsrs-rs learns from: no cram, no pre-interview, no schedule-free ones."""
        return self._all(
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

    def memory_log(self, card_ids: Iterable[int] | None = None) -> list[dict]:
        """Every review that changed a card's schedule, by card then time: what a replay of
        the card's memory reads (card_id, at, rating, and `before`, the card's state before)."""
        sql = "select card_id, at, rating, before from reviews where rescheduled = 1"
        params: list = []
        if card_ids is not None:
            params = list(card_ids)
            sql += f" and card_id in ({','.join('?' * len(params))})"
        return self._all(sql + " order by card_id, at, id", params)

    def adopt_parameters(
        self,
        parameters: list[float],
        now_iso: str,
        log_loss: float | None,
        rmse: float | None,
        reviews: int,
        updates: dict[int, dict],
    ) -> int:
        """Store optimized parameters and the cards' recomputed states in one transaction.

        `updates` maps a card id to the fields that change (stability, difficulty, maybe due);
        each card's previous state is kept, so `revert_parameters` can put it back.
        """
        with self.transaction():
            params_id = self.conn.execute(
                "insert into params (parameters, created, source, log_loss, rmse, reviews, "
                "review_id) values (?, ?, 'optimized', ?, ?, ?, "
                "(select coalesce(max(id), 0) from reviews))",
                [json.dumps(parameters), now_iso, log_loss, rmse, reviews],
            ).lastrowid
            self._write_states(updates, params_id)
            return params_id

    def _write_states(self, updates: dict[int, dict], params_id: int | None = None) -> None:
        for card_id, fields in updates.items():
            if params_id is not None:
                self.conn.execute(
                    "insert into param_snapshots (params_id, card_id, stability, difficulty, "
                    "due) select ?, id, stability, difficulty, due from cards where id = ?",
                    [params_id, card_id],
                )
            sets = ", ".join(f"{k} = ?" for k in fields)
            self.conn.execute(f"update cards set {sets} where id = ?", [*fields.values(), card_id])

    def previous_parameters(self) -> tuple[dict, list[float] | None] | None:
        """The latest parameters row and the parameters before it (None: the defaults)."""
        rows = self._all("select * from params order by id desc limit 2")
        if not rows:
            return None
        return rows[0], json.loads(rows[1]["parameters"]) if len(rows) > 1 else None

    def revert_parameters(self, params_id: int, replayed: dict[int, dict]) -> int:
        """Drop parameters row `params_id` and give the cards their states back, in one
        transaction: a card not reviewed since that adoption gets its kept state back exactly;
        every other card gets `replayed` (its memory replayed under the parameters before).
        Returns how many cards got their kept state."""
        with self.transaction():
            row = self._one("select review_id from params where id = ?", [params_id])
            since = {
                r["card_id"]
                for r in self._all(
                    "select distinct card_id from reviews where id > ?", [row["review_id"] or 0]
                )
            }
            kept = {
                snap.pop("card_id"): snap
                for snap in self._all(
                    "select card_id, stability, difficulty, due from param_snapshots "
                    "where params_id = ?",
                    [params_id],
                )
                if snap["card_id"] not in since
            }
            self._write_states(kept)
            self._write_states({k: v for k, v in replayed.items() if k not in kept})
            self.conn.execute("delete from param_snapshots where params_id = ?", [params_id])
            self.conn.execute("delete from params where id = ?", [params_id])
            return len(kept)

    def parameters_row(self) -> dict | None:
        return self._one("select * from params order by id desc limit 1")
