import math
from datetime import UTC, datetime, timedelta, timezone

from fsrs import Scheduler

from drill.cards import Card
from drill.scheduling import (
    Memory,
    build_queue,
    format_interval,
    make_scheduler,
    preview,
    recall_at,
    review,
)

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_first_review_matches_fsrs6_formulas():
    scheduler = make_scheduler(fuzz=False)
    w = scheduler.parameters
    for rating in (1, 2, 3, 4):
        after = review(Memory(), rating, T0, scheduler)
        assert math.isclose(after.stability, w[rating - 1], rel_tol=1e-9)
        d0 = w[4] - math.exp(w[5] * (rating - 1)) + 1
        assert math.isclose(after.difficulty, min(max(d0, 1), 10), rel_tol=1e-9)
        assert after.reps == 1 and after.last_review == T0


def test_sequence_matches_py_fsrs_directly_and_accepts_local_times():
    ours = make_scheduler(fuzz=False)
    theirs = Scheduler(enable_fuzzing=False)
    from fsrs import Card, Rating

    card = Card(card_id=1, due=T0)
    memory = Memory()
    moment = T0
    for days, rating in [(0, 3), (0, 3), (3, 3), (9, 1), (0, 3), (5, 4)]:
        moment = moment + timedelta(days=days, minutes=15)
        local = moment.astimezone(timezone(timedelta(hours=-5)))
        memory = review(memory, rating, local, ours)
        card, _ = theirs.review_card(card, Rating(rating), moment)
        assert memory.stability == card.stability
        assert memory.difficulty == card.difficulty
        assert memory.due == card.due
    assert memory.reps == 6 and memory.lapses == 1


def test_row_round_trip_is_exact():
    memory = review(Memory(), 3, T0, make_scheduler(fuzz=False))
    row = {**memory.to_row()}
    assert Memory.from_row(row) == memory


def test_preview_orders_intervals_and_formats_like_anki():
    scheduler = make_scheduler(fuzz=True)
    memory = review(Memory(), 3, T0, make_scheduler(fuzz=False))
    memory = review(memory, 3, T0 + timedelta(minutes=10), make_scheduler(fuzz=False))
    later = T0 + timedelta(days=3)
    intervals = preview(memory, later, scheduler)
    assert intervals[1] < intervals[2] < intervals[3] < intervals[4]
    assert format_interval(intervals[1]) == "10m"
    assert format_interval(timedelta(days=2, hours=3)) == "2d"
    assert format_interval(timedelta(days=45)) == "1.5mo"
    assert format_interval(timedelta(days=730)) == "2y"


def test_retrievability_decays_and_new_cards_have_none():
    scheduler = make_scheduler(fuzz=False)
    memory = review(Memory(), 3, T0, scheduler)
    assert recall_at(Memory(), T0, scheduler.parameters) == 0
    r1 = recall_at(memory, T0 + timedelta(days=1), scheduler.parameters)
    r10 = recall_at(memory, T0 + timedelta(days=10), scheduler.parameters)
    assert 1 > r1 > r10 > 0


def card(cid, kind="question", ref=None, state="review", due=None, last=None, position=0):
    memory = Memory(state=state, due=due, last_review=last, stability=1.0, difficulty=5.0)
    if state == "new":
        memory = Memory()
    return Card(cid, kind, ref or f"g{cid}", position=position, memory=memory)


def test_queue_due_most_overdue_relative_first_then_new_interleaved():
    now = T0
    a = card(1, due=now - timedelta(days=1), last=now - timedelta(days=11))  # 10% late
    b = card(2, due=now - timedelta(days=1), last=now - timedelta(days=3))  # 50% late
    c = card(3, due=now + timedelta(days=1), last=now - timedelta(days=1))  # not due
    new = [
        card(10 + i, kind="story" if i % 2 else "question", state="new", position=i)
        for i in range(6)
    ]
    queue = build_queue([a, b, c, *new], now, {}, new_allowed=3)
    assert [q.id for q in queue] == [2, 1, 10, 11, 12]


def test_queue_buries_siblings_reviewed_today_and_keeps_one_per_group():
    now = T0
    learning = card(
        1,
        "story",
        "x",
        state="learning",
        due=now - timedelta(minutes=1),
        last=now - timedelta(minutes=11),
    )
    sibling = card(2, "story", "x", state="new")
    twin_a = card(3, "question", "q", state="new", position=1)
    twin_b = card(4, "pick", "q", state="new", position=1)
    assert sibling.group == learning.group and twin_a.group == twin_b.group != sibling.group
    queue = build_queue([learning, sibling, twin_a, twin_b], now, {("story", "x"): {1}}, 10)
    assert [q.id for q in queue] == [1, 3]


def test_queue_learns_ahead_only_when_nothing_else():
    now = T0
    soon = card(1, state="learning", due=now + timedelta(minutes=5), last=now)
    assert [q.id for q in build_queue([soon], now, {}, 0)] == [1]
    fresh = card(2, state="new")
    assert [q.id for q in build_queue([soon, fresh], now, {}, 5)] == [2]
    assert build_queue([soon], now, {}, 0, learn_ahead=False) == []


def test_fuzz_stays_inside_its_range():
    """py-fsrs 6.3.2 rounds random()*(max-min+1)+min, which can land one day past max."""
    import random

    from fsrs.scheduler import FUZZ_RANGES

    random.seed(5)
    scheduler = make_scheduler(fuzz=True)
    plain = make_scheduler(fuzz=False)
    start = Memory(state="review", stability=9.0, difficulty=5.0, due=T0, last_review=T0)
    later = T0 + timedelta(days=9)
    days = review(start, 3, later, plain).due - later
    base = days.days
    delta = 1.0 + sum(
        r["factor"] * max(min(float(base), r["end"]) - r["start"], 0.0) for r in FUZZ_RANGES
    )
    low, high = max(2, round(base - delta)), round(base + delta)
    seen = {(review(start, 3, later, scheduler).due - later).days for _ in range(2000)}
    assert seen == set(range(low, high + 1))
