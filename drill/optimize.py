"""Fit FSRS parameters to the user's review log with fsrs-rs, and judge them on that same log.

The review log becomes fsrs-rs training items the way the scheduler saw the reviews: for each
card, its reviews in order with `delta_t` = whole 24-hour periods since the previous review
(py-fsrs's elapsed time: under 24 h is 0 and takes the same-day formula, whatever the study
day); one item per review that comes a day or more after the card's previous one, holding the
card's history up to and including it. So fsrs-rs fits the model that schedules: replaying a
card's log through py-fsrs and asking fsrs-rs for its memory state give the same stability and
difficulty (tests/test_optimize.py checks it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby

from drill.errors import DrillError

MIN_ITEMS = 8  # below this fsrs-rs returns its default parameters untouched
FULL_FIT_ITEMS = 64  # below this fsrs-rs fits only the first-review stabilities (w0-w3)

Item = list[tuple[int, int]]  # (rating, delta_t in days), oldest first


@dataclass(frozen=True)
class Evaluation:
    log_loss: float
    rmse: float  # RMSE over fsrs-rs's bins (as Anki shows it), a fraction: 0.05 = 5%


@dataclass(frozen=True)
class Fit:
    reviews: int  # reviews read from the log
    items: int  # of which usable: later-day reviews of cards whose first review is in the log
    current: list[float]
    current_source: str  # "default" or "optimized"
    fitted: list[float]
    before: Evaluation
    after: Evaluation

    @property
    def better(self) -> bool:
        """Adopt only what predicts this user's history better (lower log loss, as Anki)."""
        return self.after.log_loss < self.before.log_loss

    @property
    def partial(self) -> bool:
        return self.items < FULL_FIT_ITEMS


class TooLittleHistory(DrillError):
    def __init__(self, reviews: int, items: int):
        self.reviews = reviews
        self.items = items
        super().__init__(
            f"too little history to optimize: {items} usable review{'s' * (items != 1)} "
            f"(of {reviews} logged); fsrs-rs needs at least {MIN_ITEMS}, so {MIN_ITEMS - items} "
            f"more, and {FULL_FIT_ITEMS} for a full fit. A review is usable when it comes a day "
            "(24 hours) or more after the card's previous one, outside cram and the 48 hours "
            "before an interview."
        )


def elapsed_days(previous: datetime, at: datetime) -> int:
    """Elapsed time as py-fsrs counts it between two reviews: whole 24-hour periods, never
    negative (a clock that went backwards counts as no time)."""
    return max(0, (at - previous).days)


def _moment(value: str | datetime) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(UTC)


def build_items(rows: Iterable[dict]) -> list[Item]:
    """Training items from review rows ordered by card, time (card_id, at, rating, before_state).

    A card whose first logged review was not of a new card (its start was left out, e.g. in a
    cram) is skipped: fsrs-rs must see a history from the first review.
    """
    items: list[Item] = []
    for _, group in groupby(rows, key=lambda r: r["card_id"]):
        reviews = list(group)
        if reviews[0]["before_state"] not in ("new", None):
            continue
        history: Item = []
        previous: datetime | None = None
        for row in reviews:
            at = _moment(row["at"])
            delta = elapsed_days(previous, at) if previous is not None else 0
            previous = at
            history.append((int(row["rating"]), delta))
            if len(history) > 1 and delta > 0:
                items.append(list(history))
    return items


def _rs_items(items: Sequence[Item]):
    from fsrs_rs_python import FSRSItem, FSRSReview

    return [FSRSItem([FSRSReview(rating, delta) for rating, delta in item]) for item in items]


def evaluate(parameters: Sequence[float], items: Sequence[Item]) -> Evaluation:
    from fsrs_rs_python import FSRS

    result = FSRS(list(parameters)).evaluate(_rs_items(items))
    return Evaluation(float(result.log_loss), float(result.rmse_bins))


def clamp_to_scheduler(parameters: Sequence[float]) -> list[float]:
    """Round as Anki shows them and keep within py-fsrs's bounds, so the Scheduler accepts them."""
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    return [
        min(high, max(low, round(float(value), 4)))
        for value, low, high in zip(
            parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True
        )
    ]


def default_parameters() -> list[float]:
    from fsrs.scheduler import DEFAULT_PARAMETERS

    return list(DEFAULT_PARAMETERS)


def fit(
    rows: list[dict],
    current: Sequence[float] | None,
    relearning_steps: int = 1,
) -> Fit:
    """Fit parameters on the log and evaluate them and the current ones on the same items."""
    from fsrs_rs_python import FSRS

    items = build_items(rows)
    if len(items) < MIN_ITEMS:
        raise TooLittleHistory(len(rows), len(items))
    source = "optimized" if current else "default"
    current = list(current) if current else default_parameters()
    try:
        raw = FSRS(current).compute_parameters(
            _rs_items(items), enable_short_term=True, num_relearning_steps=relearning_steps
        )
        fitted = clamp_to_scheduler(raw)
        before, after = evaluate(current, items), evaluate(fitted, items)
    except (ValueError, RuntimeError) as exc:  # fsrs-rs reports bad or scarce data this way
        raise DrillError(f"fsrs-rs could not fit this review log: {exc}") from None
    return Fit(len(rows), len(items), current, source, fitted, before, after)


# --- memory states under new parameters ------------------------------------------------------


def replay(
    log: list[dict],
    parameters: Sequence[float] | None,
    desired_retention: float = 0.9,
    reschedule: bool = False,
    progress: Callable[[int], None] | None = None,
) -> dict[int, dict]:
    """Each card's memory recomputed from its log (`Store.memory_log`) under `parameters`.

    A card starts from the state its first logged review saw and is reviewed again, in order,
    by py-fsrs without fuzz: so under the parameters that scheduled them, the result is the
    stored stability and difficulty exactly. Returns card id -> the fields to store: stability
    and difficulty, and with `reschedule` the due date those give (else due dates are kept).
    `progress` is called with the number of cards done after each card.
    """
    from drill.scheduling import Memory, make_scheduler, review

    scheduler = make_scheduler(parameters, desired_retention, fuzz=False)
    out: dict[int, dict] = {}
    for card_id, group in groupby(log, key=lambda r: r["card_id"]):
        memory: Memory | None = None
        for row in group:
            if memory is None:
                memory = Memory.from_row(json.loads(row["before"]))
            memory = review(memory, int(row["rating"]), _moment(row["at"]), scheduler)
        fields = {"stability": memory.stability, "difficulty": memory.difficulty}
        if reschedule:
            fields["due"] = memory.to_row()["due"]
        out[card_id] = fields
        if progress is not None:
            progress(1)
    return out
