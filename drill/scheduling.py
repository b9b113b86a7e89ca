"""FSRS through py-fsrs, and the order cards come in: pure functions of cards and `now`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from drill.home import iso, parse_iso

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a prompt's status
if TYPE_CHECKING:  # py-fsrs is imported when first needed: a card can be drawn before that
    from fsrs import Card as FsrsCard
    from fsrs import Scheduler

    from drill.cards import Card, State

# py-fsrs's State values
STATE_NAMES = {1: "learning", 2: "review", 3: "relearning"}
STATE_BY_NAME = {name: state for state, name in STATE_NAMES.items()}
LEARN_AHEAD = timedelta(minutes=20)


@dataclass(frozen=True)
class Memory:
    """A card's FSRS state as stored: what py-fsrs needs, plus our counters."""

    state: State = "new"
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    @classmethod
    def from_row(cls, row: dict) -> Memory:
        return cls(
            state=row["state"],
            step=row["step"],
            stability=row["stability"],
            difficulty=row["difficulty"],
            due=parse_iso(row["due"]),
            last_review=parse_iso(row["last_review"]),
            reps=row["reps"],
            lapses=row["lapses"],
        )

    def to_row(self) -> dict:  # the memory's columns of a `CardRow`
        return {
            "state": self.state,
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": iso(self.due) if self.due else None,
            "last_review": iso(self.last_review) if self.last_review else None,
            "reps": self.reps,
            "lapses": self.lapses,
        }

    def to_fsrs(self, now: datetime) -> FsrsCard:
        from fsrs import Card, State

        if self.state == "new":
            return Card(card_id=1, due=now.astimezone(UTC))
        return Card(
            card_id=1,
            state=State(STATE_BY_NAME[self.state]),
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=self.due,
            last_review=self.last_review,
        )


_SCHEDULER: type | None = None


def _scheduler_class() -> type:
    """py-fsrs's Scheduler with fuzz kept inside its range.

    py-fsrs 6.3.2 draws a fuzzed interval as round(random() * (max - min + 1) + min), which
    lands one day past `max` for half a day's worth of the draw: about 1 review in 10 at a
    10-day interval. The reference scheduler (fsrs-rs, Anki) floors, so every day of
    [min, max] is equally likely and none outside is; this does the same.
    """
    global _SCHEDULER
    if _SCHEDULER is None:
        import random

        from fsrs import Scheduler
        from fsrs.scheduler import FUZZ_RANGES

        class FloorFuzzScheduler(Scheduler):
            def _get_fuzzed_interval(self, *, interval: timedelta) -> timedelta:
                days = interval.days
                if days < 2.5:
                    return interval
                delta = 1.0 + sum(
                    r["factor"] * max(min(float(days), r["end"]) - r["start"], 0.0)
                    for r in FUZZ_RANGES
                )
                high = min(round(days + delta), self.maximum_interval)
                low = min(max(2, round(days - delta)), high)
                return timedelta(days=int(random.random() * (high - low + 1)) + low)

        _SCHEDULER = FloorFuzzScheduler
    return _SCHEDULER


def make_scheduler(
    parameters: Sequence[float] | None = None,
    desired_retention: float = 0.9,
    fuzz: bool = True,
) -> Scheduler:
    Scheduler = _scheduler_class()

    kwargs = {"desired_retention": desired_retention, "enable_fuzzing": fuzz}
    if parameters:
        kwargs["parameters"] = tuple(parameters)
    return Scheduler(**kwargs)


def review(memory: Memory, rating: int, now: datetime, scheduler: Scheduler) -> Memory:
    """The card's memory after a review at `now` (any zone; py-fsrs gets UTC)."""
    from fsrs import Rating

    moment = now.astimezone(UTC)
    card, _ = scheduler.review_card(memory.to_fsrs(moment), Rating(rating), moment)
    lapse = rating == 1 and memory.state == "review"
    return Memory(
        state=STATE_NAMES[int(card.state)],
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
        reps=memory.reps + 1,
        lapses=memory.lapses + (1 if lapse else 0),
    )


def preview(memory: Memory, now: datetime, scheduler: Scheduler) -> dict[int, timedelta]:
    """The interval each grade would give, without fuzz, as Anki shows on its buttons."""
    plain = replace_scheduler(scheduler, fuzz=False)
    return {r: review(memory, r, now, plain).due - now.astimezone(UTC) for r in RATINGS}


def replace_scheduler(scheduler: Scheduler, fuzz: bool) -> Scheduler:
    return _scheduler_class()(
        parameters=scheduler.parameters,
        desired_retention=scheduler.desired_retention,
        learning_steps=scheduler.learning_steps,
        relearning_steps=scheduler.relearning_steps,
        maximum_interval=scheduler.maximum_interval,
        enable_fuzzing=fuzz,
    )


def recall_at(memory: Memory, at: datetime, parameters: Sequence[float]) -> float:
    """Predicted probability of recall at `at`, on exact elapsed time; 0 for a card never
    reviewed. Every recall drill shows or ranks by comes from here (py-fsrs's own
    `get_card_retrievability` floors elapsed time to whole days)."""
    if memory.state == "new" or memory.stability is None or memory.last_review is None:
        return 0.0
    elapsed = (at - memory.last_review).total_seconds() / 86400
    return recall(memory.stability, elapsed, parameters)


def parameters_or_default(parameters: Sequence[float] | None) -> tuple[float, ...]:
    """The stored parameters, or py-fsrs's defaults when none were ever optimized."""
    if parameters:
        return tuple(parameters)
    from fsrs.scheduler import DEFAULT_PARAMETERS

    return tuple(DEFAULT_PARAMETERS)


def format_interval(delta: timedelta) -> str:
    seconds = max(0, delta.total_seconds())
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo".replace(".0mo", "mo")
    return f"{days / 365:.1f}y".replace(".0y", "y")


# --- the queue ------------------------------------------------------------------------------


def overdue_ratio(card: Card, now: datetime) -> float:
    memory = card.memory
    assert memory.due is not None
    interval = (memory.due - memory.last_review) if memory.last_review else timedelta(0)
    late = (now - memory.due).total_seconds()
    return late / max(interval.total_seconds(), 60.0)


def build_queue(
    cards: Iterable[Card],
    now: datetime,
    reviewed_today: dict,
    new_allowed: int,
    bury_siblings: bool = True,
    learn_ahead: bool = True,
    stories_first: bool = False,
    at_risk: Sequence[Card] = (),
) -> list[Card]:
    """Due cards, most overdue relative to their interval first, then new ones.

    `reviewed_today` maps a sibling group to the card ids reviewed in it today: the other
    cards of that group are buried until tomorrow. At most one card per group is queued.
    `at_risk` (cards an interview makes urgent, most at risk first) go between due and new.
    """
    now = now.astimezone(UTC)
    due: list[Card] = []
    ahead: list[Card] = []
    new: list[Card] = []
    for card in cards:
        seen = reviewed_today.get(card.group)
        if bury_siblings and seen and card.id not in seen:
            continue
        if card.memory.state == "new":
            new.append(card)
        elif card.memory.due and card.memory.due <= now:
            due.append(card)
        elif learn_ahead and card.memory.state != "review" and card.memory.due <= now + LEARN_AHEAD:
            ahead.append(card)
    due.sort(key=lambda c: (-overdue_ratio(c, now), c.id))
    new.sort(key=lambda c: (c.position, c.id))
    taken: set = set()

    def one_per_group(cards: list[Card]) -> list[Card]:
        kept = []
        for card in cards:
            if not bury_siblings or card.group not in taken:
                taken.add(card.group)
                kept.append(card)
        return kept

    due = one_per_group(due)
    due += one_per_group([c for c in at_risk if not (bury_siblings and c.group in reviewed_today)])
    queue = due + _interleave(one_per_group(new), stories_first)[: max(0, new_allowed)]
    if not queue:
        ahead.sort(key=lambda c: c.memory.due)
        queue = ahead[:1]
    return queue


def _interleave(cards: list[Card], stories_first: bool) -> list[Card]:
    """Alternate questions and story facets so a session mixes both kinds."""
    questions = [c for c in cards if c.kind != "story"]
    stories = [c for c in cards if c.kind == "story"]
    first, second = (stories, questions) if stories_first else (questions, stories)
    out: list[Card] = []
    for index in range(max(len(questions), len(stories))):
        out += first[index : index + 1] + second[index : index + 1]
    return out


def recall(stability: float, elapsed_days: float, parameters: Sequence[float]) -> float:
    """FSRS-6 forgetting curve on exact elapsed time (fractional days, never floored)."""
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return (1 + factor * max(elapsed_days, 0.0) / stability) ** decay
