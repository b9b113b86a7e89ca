"""Review logs built on purpose: exact rows through the store, or simulated from known FSRS."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from drill.records import Review
from drill.scheduling import Memory

DAY_START = 4  # config default: the study day starts at 04:00 local


def study_day(moment: datetime) -> str:
    return (moment - timedelta(hours=DAY_START)).date().isoformat()


def log_review(
    store,
    card_id: int,
    at: datetime,
    rating: int,
    *,
    state: str = "review",
    interval_days: float = 3.0,
    stability: float | None = None,
    mode: str = "daily",
    duration_ms: int | None = 10_000,
    latency_ms: int | None = None,
    pre_interview: int = 0,
    rescheduled: int = 1,
) -> int:
    """Record a review; the card is left in `state`, due `interval_days` after `at`.

    The next review of the same card then sees exactly that state as its `before`.
    """
    after = Memory(
        state=state,
        step=None if state == "review" else 0,
        stability=stability if stability is not None else max(interval_days, 0.1),
        difficulty=5.0,
        due=at + timedelta(days=interval_days),
        last_review=at,
        reps=1,
        lapses=0,
    )
    review = Review(
        at=at,
        day=study_day(at),
        rating=rating,
        mode=mode,
        duration_ms=duration_ms,
        latency_ms=latency_ms,
        pre_interview=bool(pre_interview),
        rescheduled=bool(rescheduled),
    )
    return store.record_review(card_id, after, review)


# Parameters far from the defaults: slow forgetting after a first Good/Easy, faster decay.
TRUE_PARAMETERS = (
    1.0, 3.0, 12.0, 30.0, 6.0, 0.5, 2.0, 0.01, 1.2, 0.3, 1.2,
    1.8, 0.1, 0.4, 1.9, 0.4, 2.5, 0.5, 0.1, 0.1, 0.3,
)  # fmt: skip


def simulate(cards: int = 200, days: int = 200, seed: int = 7) -> list[dict]:
    """Review rows (card_id, at, day, rating, before_state) drawn from TRUE_PARAMETERS.

    Each card starts on a random day in the first half, is reviewed when due, and is recalled
    with the probability the true model predicts: Again on a fail, mostly Good on a pass.
    """
    from fsrs import Card, Rating, Scheduler

    rng = random.Random(seed)
    truth = Scheduler(
        parameters=TRUE_PARAMETERS, enable_fuzzing=False, learning_steps=(), relearning_steps=()
    )
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    end = start + timedelta(days=days)
    rows = []
    for card_id in range(1, cards + 1):
        card = Card(card_id=card_id)
        at = start + timedelta(days=rng.randrange(days // 2), minutes=rng.randrange(600))
        state = "new"
        while at < end:
            if state == "new":
                rating = rng.choice([1, 2, 3, 3, 3, 4])
            elif rng.random() < truth.get_card_retrievability(card, at):
                rating = rng.choices([2, 3, 4], [0.1, 0.8, 0.1])[0]
            else:
                rating = 1
            rows.append(
                {
                    "card_id": card_id,
                    "at": at,
                    "day": study_day(at),
                    "rating": rating,
                    "before_state": state,
                }
            )
            card, _ = truth.review_card(card, Rating(rating), at)
            state = "review"
            at = max(card.due, at + timedelta(days=1)) + timedelta(minutes=rng.randrange(300))
    return rows
