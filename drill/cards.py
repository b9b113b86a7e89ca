"""A card, in the one shape domain code sees: what it drills, where it stands, its memory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from drill.home import iso, parse_iso
from drill.scheduling import Memory, recall_at

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a prompt's status
if TYPE_CHECKING:  # reads cards, and importing typing would cost it more than the query
    from typing import Literal, TypedDict

    Kind = Literal["question", "pick", "story"]
    Mode = Literal["daily", "cram", "map", "rehearse", "loop"]  # what a review was part of
    State = Literal["new", "learning", "review", "relearning"]

    class CardRow(TypedDict):
        """A row of `cards` as sqlite gives it (`created` is the store's own)."""

        id: int
        kind: Kind
        ref: str
        facet: str
        active: int
        state: State
        step: int | None
        stability: float | None
        difficulty: float | None
        due: str | None
        last_review: str | None
        reps: int
        lapses: int
        buried_until: str | None
        position: int | None
else:  # at run time the aliases are plain names; only type checkers read their values
    Kind = Mode = State = str
    CardRow = dict


def sibling_group(kind: str, ref: str) -> tuple[str, str]:
    """The sibling rule: a story's facets are siblings, and so are a question's cards (its
    `question` and `pick`); siblings are never shown on the same study day."""
    return ("story" if kind == "story" else "question", ref)


@dataclass(frozen=True)
class Card:
    """One card: a question to answer, a question to pick a story for, or a story's facet."""

    id: int
    kind: Kind
    ref: str  # question id ("core/x") or story id
    facet: str = ""  # story facet, "" for question and pick cards
    active: bool = True
    position: int = 0  # order of introduction for new cards
    buried_until: datetime | None = None  # skipped until then
    memory: Memory = field(default_factory=Memory)

    @classmethod
    def from_row(cls, row: CardRow | dict) -> Card:
        return cls(
            id=row["id"],
            kind=row["kind"],
            ref=row["ref"],
            facet=row["facet"],
            active=bool(row["active"]),
            position=row["position"] or 0,
            buried_until=parse_iso(row["buried_until"]),
            memory=Memory.from_row(row),
        )

    def to_row(self) -> CardRow:
        return CardRow(
            id=self.id,
            kind=self.kind,
            ref=self.ref,
            facet=self.facet,
            active=int(self.active),
            position=self.position,
            buried_until=iso(self.buried_until) if self.buried_until else None,
            **self.memory.to_row(),
        )

    @property
    def group(self) -> tuple[str, str]:
        """Siblings share a group (`sibling_group`)."""
        return sibling_group(self.kind, self.ref)

    @property
    def new(self) -> bool:
        return self.memory.state == "new"

    @property
    def label(self) -> str:
        """The card as people name it: `story#facet` or the question id."""
        return self.ref + (f"#{self.facet}" if self.facet else "")

    def awake(self, at: datetime) -> bool:
        """Not skipped at `at` (a skip buries a card until the next study day)."""
        return self.buried_until is None or self.buried_until <= at

    def recall_at(self, at: datetime, parameters: Sequence[float]) -> float:
        """Predicted recall at `at` on exact elapsed time; 0 for a card never reviewed."""
        return recall_at(self.memory, at, parameters)
