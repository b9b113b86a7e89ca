"""The store's card queries: the card set, the queue's candidates, and each review with the
card update it makes (committed together; undo puts the card back exactly).

A part of `Store` (it inherits them), kept apart so each file stays readable; like store.py,
it is where SQL is spoken. Cards leave here as `Card`s.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from drill.cards import Card, sibling_group
from drill.errors import DrillError
from drill.home import iso

TYPE_CHECKING = False
if TYPE_CHECKING:
    from drill.cards import Kind
    from drill.records import Review
    from drill.scheduling import Memory

CARD_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")


def _identity(card: Card) -> tuple:
    return card.kind, card.ref, card.facet, card.memory


class CardQueries:
    """Cards and their reviews."""

    # --- cards --------------------------------------------------------------------------------

    def _cards(self, sql: str, params: Iterable = ()) -> list[Card]:
        return [Card.from_row(row) for row in self._all(sql, params)]

    def cards_by_id(self, ids: Iterable[int], awake_at: str | None = None) -> list[Card]:
        """The cards of `ids`; with `awake_at`, only those not buried (skipped) at that time."""
        ids = list(ids)
        if not ids:
            return []
        sql = f"select * from cards where id in ({','.join('?' * len(ids))})"
        if awake_at is not None:
            sql += " and (buried_until is null or buried_until <= ?)"
            ids.append(awake_at)
        return self._cards(sql, ids)

    def card_for(self, kind: Kind, ref: str, facet: str = "") -> Card | None:
        cards = self._cards(
            "select * from cards where kind = ? and ref = ? and facet = ?", [kind, ref, facet]
        )
        return cards[0] if cards else None

    def card(self, card_id: int) -> Card | None:
        cards = self._cards("select * from cards where id = ?", [card_id])
        return cards[0] if cards else None

    def cards(self, kinds: Iterable[Kind] | None = None, active: bool | None = True) -> list[Card]:
        sql, params = "select * from cards where 1", []
        if active is not None:
            sql += " and active = ?"
            params.append(int(active))
        if kinds:
            kinds = list(kinds)
            sql += f" and kind in ({','.join('?' * len(kinds))})"
            params += kinds
        return self._cards(sql + " order by id", params)

    def sync_cards(self, wanted: Iterable[Card], now_iso: str) -> dict:
        """Make the active card set exactly `wanted` (their kind, ref, facet and position).

        Cards leave by going inactive with their history, and come back the same way.
        """
        with self.transaction():
            existing = {
                (r["kind"], r["ref"], r["facet"]): r
                for r in self._all("select id, kind, ref, facet, active, position from cards")
            }
            keys = set()
            added = revived = 0
            for card in wanted:
                kind, ref, facet, position = card.kind, card.ref, card.facet, card.position
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
        """Sibling group -> ids of its cards reviewed on that study day, outside cram."""
        rows = self.conn.execute(  # plain tuples: this runs before every card of a session
            "select distinct c.id, c.kind, c.ref from reviews r join cards c "
            "on c.id = r.card_id where r.day = ? and r.mode != 'cram'",
            [day],
        )
        out: dict[tuple[str, str], set[int]] = {}
        for card_id, kind, ref in rows:
            out.setdefault(sibling_group(kind, ref), set()).add(card_id)
        return out

    def new_introduced(self, day: str) -> dict[str, int]:
        """How many new cards of each kind the daily limit has spent on that study day.

        A new card is spent by its first review that really scheduled it: a cram without
        rescheduling leaves it new, so it is not spent. Pick cards, which only the map sprint
        shows (within its own `--cards` budget), are not held to the daily limit either.
        """
        rows = self._all(
            "select c.kind, count(*) as n from reviews r join cards c on c.id = r.card_id "
            "where r.day = ? and r.rescheduled = 1 and c.kind != 'pick' "
            "and json_extract(r.before, '$.state') = 'new' group by c.kind",
            [day],
        )
        return {r["kind"]: r["n"] for r in rows}

    def record_review(
        self,
        card_id: int,
        after: Memory | None,
        review: Review,
        expect_before: Card | None = None,
    ) -> int:
        """Store a review and the card's new memory in one transaction; with no `after`, log
        the review and leave the schedule alone. With `expect_before`, refuse (StaleCard) if
        the card is no longer that card in that state (another session, an import).

        The card row is re-read inside the transaction: `before` is what was really there, so
        undo is exact even if another session touched the card meanwhile.
        """
        if self.replaced():
            raise DrillError(
                f"{self.path} was replaced meanwhile (an import?); this grade was not saved, "
                "start drill again"
            )
        with self.transaction():
            before = self._one("select * from cards where id = ?", [card_id])
            if before is None:
                raise DrillError(f"card {card_id} no longer exists")
            if expect_before is not None and _identity(Card.from_row(before)) != _identity(
                expect_before  # the same card (an import may have put another in its place)
            ):  # in the same state
                raise StaleCard(card_id)
            snapshot = {k: before[k] for k in (*CARD_FIELDS, "buried_until")}
            if after is not None:
                row = after.to_row()
                sets = ", ".join(f"{k} = ?" for k in row)
                self.conn.execute(
                    f"update cards set {sets}, buried_until = null where id = ?",
                    [*row.values(), card_id],
                )
            cursor = self.conn.execute(
                "insert into reviews (card_id, at, day, rating, mode, duration_ms, latency_ms, "
                "story, answer, before, pre_interview, rescheduled) "
                "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    card_id,
                    iso(review.at),
                    review.day,
                    review.rating,
                    review.mode,
                    review.duration_ms,
                    review.latency_ms,
                    review.story,
                    json.dumps(review.answer) if review.answer is not None else None,
                    json.dumps(snapshot),
                    int(review.pre_interview),
                    int(review.rescheduled),
                ],
            )
            return cursor.lastrowid

    def undo_last(self, review_id: int | None = None) -> dict | None:
        """Delete the last review (or the given one) and put its card back exactly as it was."""
        with self.transaction():
            if review_id is None:
                row = self._one("select * from reviews order by id desc limit 1")
            else:
                row = self._one("select * from reviews where id = ?", [review_id])
            if row is None:
                return None
            if self._scalar(
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

    def queue_cards(
        self,
        kinds: Iterable[Kind],
        now_iso: str,
        horizon_iso: str,
        new_limits: dict[str, int],
        buried_refs: Iterable[str] = (),
    ) -> list[Card]:
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
        cards = self._cards(
            f"select * from cards where {where} and state != 'new' and due <= ?",
            [*kinds, now_iso, horizon_iso],
        )
        not_buried = f"and ref not in ({','.join('?' * len(buried))}) " if buried else ""
        for kind in kinds:
            cards += self._cards(
                f"select * from cards where {where} and state = 'new' and kind = ? "
                f"{not_buried}order by position, id limit ?",
                [*kinds, now_iso, kind, *buried, new_limits.get(kind, 0)],
            )
        return cards


class StaleCard(DrillError):
    """Another session reviewed this card since it was shown."""

    def __init__(self, card_id: int):
        super().__init__(f"card {card_id} was reviewed in another session meanwhile")
        self.card_id = card_id
