"""Interview-date scheduling, measured with a simulated learner.

    python bench/deadline_sim.py [--seeds 200] [--days 2,5,14] [--cap 45] [--timing]

A learner whose memory follows FSRS-6 (default parameters) studies once a day at 08:00 for
an interview at 14:00 on day N. Each review succeeds (graded Good) with the card's predicted
recall on the exact clock, else it is graded Again; a new card is graded Good on first sight
with probability FIRST_GOOD. The bank: 60 stories x 5 facets and 150 questions (70 core, 30
traps, 50 of the company's deck), mixed learned and new; relevant to the interview are the
company's questions, the core and trap questions and the 15 stories mapped to the company's
questions. Every day at most `--cap` reviews (15 minutes at 20 s a card). Three ways to
choose the day's cards, on the same banks and the same draws:

  (a) plain FSRS: due cards, then new ones (10 a day, the configured decks' order);
  (b) bring-forward: (a) plus today's rule, cards whose recall at T is under the target,
      most at risk first, between due and new;
  (c) the planner (drill/planner.py), re-planned each morning from what happened, then the
      other cards that are due, in what the cap leaves (unrelated new cards wait);
  (c=) the same, but each day held to the number of reviews (b) made that day on the same
      seed: the planner's result for no more reviews than (b), day by day.

Every review counts the same in every strategy (relevant or not). Printed per horizon: mean
recall at T over the relevant cards (never seen counts 0), the share at or above the target,
reviews (all, and of relevant cards), non-relevant cards overdue at T (their normal reviews
pushed past the interview: (c) gives the cap to the interview first), the largest day.
`--timing` prints how long one plan takes for 60 stories x 5 facets + 2,000 questions over
14 days.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from drill import planner, scheduling  # noqa: E402
from drill.cards import Card  # noqa: E402
from drill.scheduling import Memory  # noqa: E402

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
TARGET = 0.9
NEW_PER_DAY = 10
FIRST_GOOD = 0.8
STRATEGIES = ("a", "b", "c", "c=")
NAMES = {
    "a": "(a) plain FSRS",
    "b": "(b) bring-forward",
    "c": "(c) planner",
    "c=": "(c=) planner on (b)'s daily load",
}


@dataclass
class SimCard:
    id: int
    kind: str  # "question" or "story"
    group: str
    position: int
    relevant: bool
    memory: Memory
    priority: int = 0  # the company's own questions and stories


def make_bank(rng: random.Random, now: datetime = START, questions: int = 150) -> list[SimCard]:
    """60 stories x 5 facets + `questions` questions: 70 core, 30 traps, the rest the
    company's deck (last in the configured order, so plain FSRS reaches it last)."""
    cards: list[SimCard] = []
    for q in range(questions):
        company = q >= 100
        memory = Memory() if company or rng.random() < 0.3 else learned(rng, now)
        cards.append(
            SimCard(len(cards) + 1, "question", f"question:{q}", q, True, memory, int(company))
        )
    mapped = set(rng.sample(range(40), 10)) | set(rng.sample(range(40, 60), 5))
    for s in range(60):
        for _ in range(5):  # stories 0-39 learned, 40-59 new
            memory = learned(rng, now) if s < 40 else Memory()
            group = f"story:{s}"
            own = s in mapped
            cards.append(
                SimCard(len(cards) + 1, "story", group, questions + s, own, memory, int(own))
            )
    return cards


def learned(rng: random.Random, now: datetime) -> Memory:
    """A card in review, stability 2-60 days, somewhere up to 20% past its due date."""
    stability = math.exp(rng.uniform(math.log(2), math.log(60)))
    interval = max(1, round(stability))
    last = now - timedelta(days=rng.uniform(0.0, 1.2) * interval)
    return Memory(
        state="review",
        stability=stability,
        difficulty=rng.uniform(3, 8),
        due=last + timedelta(days=interval),
        last_review=last,
        reps=3,
    )


def recall_at(memory: Memory, at: datetime, parameters) -> float:
    if memory.state == "new" or memory.stability is None:
        return 0.0
    elapsed = (at - memory.last_review).total_seconds() / 86400
    return scheduling.recall(memory.stability, elapsed, parameters)


def choose(strategy, cards, now, interview, cap, parameters) -> list[SimCard]:
    """The day's cards, in order, at most `cap` (or `cap[0]`: a list is today's and the next
    days' caps, for the planner)."""
    caps = [cap] if isinstance(cap, int) else list(cap)
    cap = caps[0]
    by_id = {c.id: c for c in cards}
    queue_cards = [
        Card(c.id, c.kind, c.group, position=c.position, memory=c.memory) for c in cards
    ]  # the sim's group is unique per story or question: it serves as the ref
    if strategy.startswith("c"):
        relevant = [c for c in cards if c.relevant]
        plan = planner.plan(
            [
                planner.PlanCard(
                    c.id,
                    c.memory.stability,
                    c.memory.difficulty,
                    c.memory.last_review,
                    c.group,
                    c.priority,
                )
                for c in relevant
            ],
            now,
            interview,
            parameters,
            TARGET,
            caps,
        )
        others = [q for q in queue_cards if not by_id[q.id].relevant]
        queue = scheduling.build_queue(others, now, {}, 0)  # new unrelated cards wait
        ids = planner.daily_order(plan.today(), [q.id for q in queue], set(), cap)
        return [by_id[i] for i in ids]
    at_risk: list[Card] = []
    if strategy == "b":
        scored = sorted(
            (recall_at(q.memory, interview, parameters), q.id)
            for q in queue_cards
            if q.memory.state != "new"
        )
        by_q = {q.id: q for q in queue_cards}
        at_risk = [by_q[i] for r, i in scored if r < TARGET]
    queue = scheduling.build_queue(queue_cards, now, {}, NEW_PER_DAY, at_risk=at_risk)
    seen: list[SimCard] = []
    for q in queue:  # due and at-risk may name the same card
        if by_id[q.id] not in seen:
            seen.append(by_id[q.id])
    return seen[:cap]


def run(strategy, bank, days, cap, seed, scheduler, parameters) -> dict:
    """One strategy on one bank; `cap` is an int or a list of caps, day by day."""
    caps = [cap] * (days + 1) if isinstance(cap, int) else list(cap)
    rng = random.Random(seed * 1_000_003 + days)  # the same draws for every strategy
    cards = [
        SimCard(c.id, c.kind, c.group, c.position, c.relevant, c.memory, c.priority) for c in bank
    ]
    interview = START + timedelta(days=days, hours=6)
    loads, relevant = [], 0
    for day in range(days + 1):
        now = START + timedelta(days=day)
        today = choose(strategy, cards, now, interview, caps[day:], parameters)
        for minute, card in enumerate(today):
            at = now + timedelta(minutes=minute / 3)
            if card.memory.state == "new":
                good = rng.random() < FIRST_GOOD
            else:
                good = rng.random() < recall_at(card.memory, at, parameters)
            card.memory = scheduling.review(card.memory, 3 if good else 1, at, scheduler)
        loads.append(len(today))
        relevant += sum(c.relevant for c in today)
    final = [recall_at(c.memory, interview, parameters) for c in cards if c.relevant]
    owed = [c for c in cards if not c.relevant and c.memory.due and c.memory.due <= interview]
    return {
        "owed": len(owed),
        "loads": loads,
        "recall": statistics.fmean(final),
        "share": sum(r >= TARGET for r in final) / len(final),
        "reviews": sum(loads),
        "relevant": relevant,
        "largest": max(loads),
    }


def table(seeds: int, horizons: list[int], cap: int, out=print) -> dict:
    from fsrs.scheduler import DEFAULT_PARAMETERS

    parameters = list(DEFAULT_PARAMETERS)
    scheduler = scheduling.make_scheduler(parameters, TARGET, fuzz=False)
    results: dict[tuple[int, str], list[dict]] = {}
    for seed in range(seeds):
        bank = make_bank(random.Random(seed))
        for days in horizons:
            for strategy in STRATEGIES:
                budget = results[days, "b"][-1]["loads"] if strategy == "c=" else cap
                results.setdefault((days, strategy), []).append(
                    run(strategy, bank, days, budget, seed, scheduler, parameters)
                )
    relevant = sum(c.relevant for c in make_bank(random.Random(0)))
    out(f"{seeds} seeds, cap {cap} a day, {relevant} relevant cards of 450, target {TARGET}")
    out("")
    out(
        "| days | strategy | mean recall at T | cards >= target at T "
        "| reviews (relevant) | others overdue at T | largest day |"
    )
    out("|---|---|---|---|---|---|---|")
    summary = {}
    for days in horizons:
        for strategy in STRATEGIES:
            runs = results[days, strategy]
            row = {
                "recall": statistics.fmean(r["recall"] for r in runs),
                "share": statistics.fmean(r["share"] for r in runs),
                "reviews": statistics.fmean(r["reviews"] for r in runs),
                "relevant": statistics.fmean(r["relevant"] for r in runs),
                "owed": statistics.fmean(r["owed"] for r in runs),
                "largest": max(r["largest"] for r in runs),
            }
            summary[days, strategy] = row
            out(
                f"| {days} | {NAMES[strategy]} | {row['recall']:.3f} | {row['share']:.1%} "
                f"| {row['reviews']:.0f} ({row['relevant']:.0f}) | {row['owed']:.0f} "
                f"| {row['largest']} |"
            )
    return summary


def timing(repeats: int = 7) -> list[float]:
    """Milliseconds to plan 60 stories x 5 facets + 2,000 questions (300 of them learned)
    over 14 days, every card relevant, cap 45."""
    from fsrs.scheduler import DEFAULT_PARAMETERS

    rng = random.Random(1)
    bank = make_bank(rng, questions=2000)
    for card in bank[100:400]:  # a big deck is mostly unseen: 300 more of it learned
        card.memory = learned(rng, START)
    cards = [
        planner.PlanCard(c.id, c.memory.stability, c.memory.difficulty, c.memory.last_review)
        for c in bank
    ]
    interview = START + timedelta(days=14, hours=6)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        planner.plan(cards, START, interview, DEFAULT_PARAMETERS, TARGET, 45)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=200, help="banks simulated (default 200)")
    parser.add_argument("--days", default="2,5,14", help="days to the interview (default 2,5,14)")
    parser.add_argument("--cap", type=int, default=45, help="reviews a day (default 45)")
    parser.add_argument("--timing", action="store_true", help="also time one big plan")
    args = parser.parse_args()
    table(args.seeds, [int(d) for d in args.days.split(",")], args.cap)
    if args.timing:
        times = timing()
        print(
            f"\nplanning 60 stories x 5 facets + 2,000 questions over 14 days: "
            f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms (budget 200 ms)"
        )


if __name__ == "__main__":
    main()
