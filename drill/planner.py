"""Interview-date planning: which relevant cards to review on which day, under a daily cap.

The aim is recall at the interview time T: every relevant card at or above the desired
retention then, with as few reviews as possible and no day over the cap. For each card the
planner lists review schedules (sets of study days) and predicts, with the FSRS formulas at
grade Good, the card's recall at T after each; it then gives every card the cheapest schedule
that reaches the target and fits the days' remaining capacity, spreading the load, and spends
what capacity is left only on the cards that cannot reach it; a card already at the target gets
nothing. Cards go in order of what a review gains them (never-seen first, then the lowest
recall at T), so under a tight cap the cards left out are those that lose least, and cards
planned for one review each then trade days where that raises recall at T. Among
schedules of equal cost, fewer reviews inside the last 48 hours win; a review in the last
session before T (none after it to mend a lapse) counts double.

The plan is a pure function of the cards' current memories and `now`: re-planning after a
day's reviews (whatever their grades) is calling it again. No SQL, no terminal.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from drill.scheduling import recall

FINAL_WINDOW = timedelta(hours=48)
HORIZON_DAYS = 21  # earlier days keep the normal schedule: three weeks are enough to plan
MAX_REVIEWS = 4  # per card within the horizon
LAST_EXTRA = 1  # extra cost of a review in the last session before T: no later one mends a lapse
DAY_SECONDS = 86400.0
# py-fsrs's FSRS-6 defaults, copied so that a plan never costs the 50 ms of importing py-fsrs
# (tests/test_planner.py checks the copy)
DEFAULT_PARAMETERS = (
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
    1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
)  # fmt: skip
STABILITY_MIN = 0.001


@dataclass(frozen=True)
class PlanCard:
    """A relevant card's memory as the planner needs it; no stability means never reviewed."""

    id: int
    stability: float | None = None
    difficulty: float | None = None
    last_review: datetime | None = None
    group: str = ""  # what figures are gathered by, e.g. "story:x"
    priority: int = 0  # under a tight cap, higher goes first (the company's own questions)

    @property
    def new(self) -> bool:
        return (
            self.stability is None
            or self.stability <= 0
            or self.difficulty is None
            or self.last_review is None
        )


@dataclass(frozen=True)
class PlanDay:
    at: datetime  # when the day's reviews are assumed to happen (UTC)
    cards: tuple[int, ...]
    cap: int
    final: bool  # inside the last 48 hours before the interview


@dataclass(frozen=True)
class Plan:
    interview: datetime
    target: float
    days: tuple[PlanDay, ...]
    recall_now: dict[int, float]  # each card's recall at T if nothing more is reviewed
    recall_planned: dict[int, float]  # and if every planned review is graded Good

    def today(self) -> tuple[int, ...]:
        """The cards to review now: day 0 of the plan."""
        return self.days[0].cards if self.days else ()

    @property
    def reviews(self) -> int:
        return sum(len(day.cards) for day in self.days)

    @property
    def unreachable(self) -> list[int]:
        """Cards the plan cannot bring to the target by T within the cap."""
        return sorted(i for i, r in self.recall_planned.items() if r < self.target)

    def overall(self, planned: bool = True) -> float | None:
        values = (self.recall_planned if planned else self.recall_now).values()
        return sum(values) / len(values) if values else None

    def share_ready(self, planned: bool = True) -> float | None:
        values = list((self.recall_planned if planned else self.recall_now).values())
        return sum(v >= self.target for v in values) / len(values) if values else None


def daily_cap(minutes: float, seconds_per_card: float) -> int:
    """Cards a day within `minutes`, at the user's pace (at least one)."""
    return max(1, int(minutes * 60 // max(seconds_per_card, 1.0)))


class Fsrs:
    """The state changes py-fsrs applies on a Good review, on plain floats (fast, no objects).

    Like py-fsrs, the stability update counts whole elapsed days; recall at T is exact.
    """

    def __init__(self, parameters: Sequence[float]):
        w = self.w = tuple(parameters)
        self.s0 = max(w[2], STABILITY_MIN)
        self.d0 = _clamp_difficulty(w[4] - math.exp(w[5] * 2) + 1)
        self.d_easy = w[4] - math.exp(w[5] * 3) + 1
        self.decay = -w[20]
        self.factor = 0.9 ** (1 / self.decay) - 1
        self.short = math.exp(w[17] * w[18])
        self.grow = math.exp(w[8])

    def good(
        self, stability: float | None, difficulty: float | None, elapsed_days: float
    ) -> tuple[float, float]:
        w = self.w
        if stability is None or difficulty is None:
            return self.s0, self.d0
        days = math.floor(elapsed_days)
        if days < 1:
            after = stability * max(self.short * stability ** -w[19], 1.0)
        else:
            r = (1 + self.factor * days / stability) ** self.decay
            after = stability * (
                1
                + self.grow
                * (11 - difficulty)
                * stability ** -w[9]
                * (math.exp((1 - r) * w[10]) - 1)
            )
        return max(after, STABILITY_MIN), _clamp_difficulty(
            w[7] * self.d_easy + (1 - w[7]) * difficulty
        )


def _clamp_difficulty(value: float) -> float:
    return min(max(value, 1.0), 10.0)


class _Option(NamedTuple):  # a tuple: millions are made, a dataclass is far slower to build
    days: tuple[int, ...]
    recall: float  # at T
    effort: int  # reviews, one in the last session before T counting two
    final: int  # reviews in the final window


class _Options:
    """The schedules of up to `MAX_REVIEWS` reviews for one starting memory, shared by all
    cards that start alike (new cards), with their recall at T."""

    def __init__(
        self, fsrs: Fsrs, card: PlanCard, now: datetime, horizon: float, days, finals, first
    ):
        self.fsrs = fsrs
        self.horizon = horizon  # days from now to T
        self.offsets = days  # day index -> days from now
        self.finals = finals  # day index -> inside the last 48 hours
        self._days = (days, finals)
        self.dear = [horizon - off < 1 for off in days]  # no later session before T
        self.first = first  # the first day index a review may go on
        self.card = card
        self.age = None if card.new else (now - card.last_review).total_seconds() / DAY_SECONDS
        start = 0.0 if card.new else recall(card.stability, self.age + horizon, fsrs.w)
        self.options: list[_Option] = [_Option((), start, 0, 0)]
        self.limit = 0
        self._reaching: dict[tuple[float, bool], list[_Option]] = {}

    def build(self, limit: int) -> None:
        """Every schedule whose effort is at most `limit`, level by level (level n = n
        reviews); the arithmetic of `Fsrs.good` is inlined here, where nearly all the time
        of planning goes."""
        if limit <= self.limit:
            return
        self.limit = limit
        fsrs, w, horizon, offsets, finals = self.fsrs, self.fsrs.w, self.horizon, *self._days
        dear = self.dear
        factor, decay, floor = fsrs.factor, fsrs.decay, STABILITY_MIN
        card = self.card
        last = None if self.age is None else -self.age
        start = (None, None) if card.new else (card.stability, card.difficulty)
        prefixes = [((), *start, last, 0, 0)]
        options = [self.options[0]]
        for _ in range(min(limit, MAX_REVIEWS)):
            level = []
            for days, s, d, last, effort, final in prefixes:
                if s is None:
                    d2 = fsrs.d0
                else:
                    d2 = _clamp_difficulty(w[7] * fsrs.d_easy + (1 - w[7]) * d)
                    short = s * max(fsrs.short * s ** -w[19], 1.0)
                    grow = fsrs.grow * (11 - d) * s ** -w[9]
                for j in range(days[-1] + 1 if days else self.first, len(offsets)):
                    cost = effort + (1 + LAST_EXTRA if dear[j] else 1)
                    if cost > limit:
                        continue
                    off = offsets[j]
                    if s is None:
                        s2 = fsrs.s0
                    else:
                        elapsed = int(off - last)  # whole days, as py-fsrs counts them
                        if elapsed < 1:
                            s2 = short
                        else:
                            r = (1 + factor * elapsed / s) ** decay
                            s2 = max(s * (1 + grow * (math.exp((1 - r) * w[10]) - 1)), floor)
                    at_t = (1 + factor * (horizon - off) / s2) ** decay
                    late = final + finals[j]
                    level.append((days + (j,), s2, d2, off, cost, late))
                    options.append(_Option(days + (j,), at_t, cost, late))
            if not level:
                break
            prefixes = level
        self.options = options

    def reaching(self, target: float, spare: bool = False) -> list[_Option]:
        """Options that reach `target`, cheapest first (the same list for the same question).

        Every option as cheap as the cheapest is there; with `spare`, those one effort dearer
        too, so a plan can trade one more review for a day with room.
        """
        if (target, spare) in self._reaching:
            return self._reaching[target, spare]
        cheapest = None
        for limit in range(1, 2 * MAX_REVIEWS + 1):
            self.build(limit)
            cheapest = min((o.effort for o in self.options if o.recall >= target), default=None)
            if cheapest is not None:
                break
        found: list[_Option] = []
        if cheapest is not None:
            self.build(cheapest + spare)
            limit = cheapest + spare
            found = [o for o in self.options if o.recall >= target and 0 < o.effort <= limit]
            found.sort(key=lambda o: (o.effort, o.final, -o.recall))
        self._reaching[target, spare] = found
        return found


def plan(
    cards: Iterable[PlanCard],
    now: datetime,
    interview: datetime,
    parameters: Sequence[float],
    target: float,
    cap: int | Sequence[int],
    done_today: int = 0,
    reviewed_today: Iterable[int] = (),
) -> Plan:
    """The reviews, day by day from `now` (day 0) to the interview, as described above.

    `cap` is cards a day (or a list, day by day; the last value holds for later days);
    `done_today` reviews already made today count against day 0, and cards in
    `reviewed_today` are not planned again today.
    """
    now, interview = now.astimezone(UTC), interview.astimezone(UTC)
    cards = list(cards)
    fsrs = Fsrs(parameters)
    horizon = (interview - now).total_seconds() / DAY_SECONDS
    days_ahead = [k for k in range(max(0, math.ceil(horizon))) if k < horizon]
    offsets = [float(k) for k in days_ahead]
    window = next((j for j, off in enumerate(offsets) if horizon - off <= HORIZON_DAYS), 0)
    per_day = [cap] if isinstance(cap, int) else list(cap) or [0]
    caps = [per_day[min(k, len(per_day) - 1)] for k in days_ahead]
    caps[:1] = [max(0, caps[0] - done_today)] if caps else []
    finals = [_in_final_window(horizon, off) for off in offsets]
    loads = [0] * len(offsets)
    chosen: dict[int, _Option] = {}
    again_today = set(reviewed_today)
    cache: dict[tuple, _Options] = {}

    def options_for(card: PlanCard) -> _Options:
        first = max(window, 1 if card.id in again_today else 0)
        key = (card.stability, card.difficulty, card.last_review, first)
        if key not in cache:
            cache[key] = _Options(fsrs, card, now, horizon, offsets, finals, first)
        return cache[key]

    def fits(option: _Option) -> bool:
        return all(loads[j] < caps[j] for j in option.days)

    def take(card: PlanCard, option: _Option) -> None:
        chosen[card.id] = option
        for j in option.days:
            loads[j] += 1

    recall_now = {c.id: options_for(c).options[0].recall for c in cards}
    needing = [c for c in cards if recall_now[c.id] < target]
    # most to gain first (under a tight cap the cards left out lose least), then the company's
    # own, then inflexible and cheap (that fits the most cards), judged by what one review
    # does: schedules of two or more are only built for cards being placed
    quick = {}
    for card in needing:
        options = options_for(card)
        options.build(1)
        single = [o.effort for o in options.options if o.days and o.recall >= target]
        quick[card.id] = (min(single), len(single)) if single else (3, 0)
    needing.sort(key=lambda c: (recall_now[c.id], -c.priority, *quick[c.id], c.id))
    capacity = sum(caps)
    full: set[int] = set()  # option lists (by identity) that found no room: loads only grow
    for card in needing:
        if sum(loads) >= capacity:
            break
        for spare in (False, True):
            found = options_for(card).reaching(target, spare)
            if not found or id(found) in full:
                continue
            best = _least_loaded(found, loads, caps)
            if best is not None:
                take(card, best)
                break
            full.add(id(found))
    # what is left of the cap goes only to the cards that cannot reach the target, most gain first
    short = [c for c in needing if c.id not in chosen]
    short.sort(key=lambda c: (recall_now[c.id], -c.priority, c.id))
    stuck: set[int] = set()
    for card in short:
        if sum(loads) >= capacity:
            break
        options = options_for(card)
        if id(options) in stuck:
            continue
        options.build(2)
        gains = [
            o for o in options.options if o.days and o.recall > recall_now[card.id] and fits(o)
        ]
        if gains:
            take(card, max(gains, key=lambda o: (o.recall - recall_now[card.id]) / len(o.days)))
        else:
            stuck.add(id(options))
    if short:  # the cap binds: trade days between single reviews where recall at T gains
        _swap_singles([c for c in cards if c.id in chosen], chosen, options_for, target)
    by_day: list[list[int]] = [[] for _ in offsets]
    for card_id, option in chosen.items():
        for j in option.days:
            by_day[j].append(card_id)
    groups = {c.id: c.group for c in cards}
    priority = {c.id: c.priority for c in cards}
    days = []
    for j, offset in enumerate(offsets):
        ids = by_day[j]
        days.append(
            PlanDay(
                now + timedelta(days=offset),
                _spread(sorted(ids, key=lambda i: (-priority[i], recall_now[i] == 0.0, i)), groups),
                caps[j],
                _in_final_window(horizon, offset),
            )
        )
    planned = {c.id: chosen[c.id].recall if c.id in chosen else recall_now[c.id] for c in cards}
    return Plan(interview, target, tuple(days), recall_now, planned)


def _swap_singles(cards, chosen: dict, options_for, target: float, rounds: int = 3) -> None:
    """Under a binding cap, exchange the days of cards planned for one review each when the
    two cards together end nearer T's recall (each keeping the target if it had it), so the
    day loads stay the same and mean recall at T rises."""
    singles: dict[int, dict[int, _Option]] = {}
    for card in cards:
        option = chosen[card.id]
        if len(option.days) != 1:
            continue
        options = options_for(card)
        options.build(2)
        floor = target if option.recall >= target else 0.0
        singles[card.id] = {
            o.days[0]: o for o in options.options if len(o.days) == 1 and o.recall >= floor
        }
    for _ in range(rounds):
        moved = False
        days = sorted({chosen[i].days[0] for i in singles})
        for a in days:
            for b in days:
                if a >= b:
                    continue
                there = _moves(singles, chosen, a, b)
                back = _moves(singles, chosen, b, a)
                for (gain_ab, i), (gain_ba, k) in zip(there, back, strict=False):
                    if gain_ab + gain_ba <= 1e-9:
                        break
                    chosen[i], chosen[k] = singles[i][b], singles[k][a]
                    moved = True
        if not moved:
            break


def _moves(singles, chosen, source: int, dest: int) -> list[tuple[float, int]]:
    """Cards planned once on `source` that could go to `dest`, best gain first."""
    out = [
        (options[dest].recall - chosen[i].recall, i)
        for i, options in singles.items()
        if chosen[i].days[0] == source and dest in options
    ]
    return sorted(out, reverse=True)


def _spread(ids: list[int], groups: dict[int, str]) -> tuple[int, ...]:
    """The day's cards with siblings (facets of one story) apart: first one card of each
    group, then the second ones, and so on, otherwise in the order given."""
    seen: dict[str, int] = {}
    rank = {}
    for i in ids:
        group = groups.get(i) or f"#{i}"
        rank[i] = seen.get(group, 0)
        seen[group] = rank[i] + 1
    return tuple(sorted(ids, key=lambda i: rank[i]))


def _in_final_window(horizon: float, offset: float) -> bool:
    return horizon - offset <= FINAL_WINDOW.total_seconds() / DAY_SECONDS


def _least_loaded(options: list[_Option], loads: list[int], caps: list[int]) -> _Option | None:
    """The first class (same effort, same final reviews) with an option that fits; in it, the
    option whose busiest day is least full (then whose days are, together), then the one with
    the higher recall at T."""
    best, best_key, best_class = None, None, None
    for option in options:
        klass = (option.effort, option.final)
        if best is not None and klass != best_class:
            break
        if any(loads[j] >= caps[j] for j in option.days):
            continue
        fullness = [(loads[j] + 1) / caps[j] for j in option.days]
        key = (max(fullness), sum(fullness))
        if best is None or key < best_key:
            best, best_key, best_class = option, key, klass
    return best


def daily_order(
    planned: Sequence[int], queue: Sequence[int], relevant: set[int], room: int
) -> list[int]:
    """A day's cards while a plan is ahead: the plan's, then the normal queue's cards that
    the interview does not need (their usual schedule), all within `room` cards."""
    chosen = list(dict.fromkeys(planned))
    taken = set(chosen)
    chosen += [i for i in queue if i not in relevant and i not in taken]
    return chosen[: max(0, room)]
