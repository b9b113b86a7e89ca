"""Time the story plan (`drill assign`) on 60 stories × 16 principles; budget 50 ms.

    python bench/assign.py [--runs N]

The bank is synthetic and fixed by a seed: each story states 2-5 of Amazon's principles, some
deep, some surface, at a random level and drill. `solve` is the exact assignment alone;
`make_plan` adds the picks and, when something is uncovered, the story worth writing next.
Figures only, no assertion: read them.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from drill.assign import StoryFacts, Target, make_plan, scores_for, solve  # noqa: E402

BUDGET_MS = 50
LEVELS = ("mid", "senior", "staff")


def bank(stories: int, principles: int, stated: tuple[int, int], seed: int = 7, told: int = 0):
    """`told`: only the first `told` principles are stated by any story (the rest uncovered)."""
    rng = random.Random(seed)
    pool = range(told or principles)
    targets = [Target(f"p{i}", f"Principle {i}", (f"c{i % 6}",)) for i in range(principles)]
    facts = [
        StoryFacts(
            f"story-{j}",
            {
                f"p{i}": rng.choice(("deep", "surface"))
                for i in rng.sample(pool, rng.randint(*stated))
            },
            rng.choice(LEVELS),
            rng.random(),
        )
        for j in range(stories)
    ]
    return targets, facts


def timed(fn, runs: int) -> list[float]:
    fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def report(name: str, values: list[float]) -> None:
    median = statistics.median(values)
    p95 = sorted(values)[max(0, round(0.95 * len(values)) - 1)]
    verdict = "ok" if p95 <= BUDGET_MS else "OVER"
    print(f"{name:46} median {median:7.2f} ms  p95 {p95:7.2f} ms  <= {BUDGET_MS} ms {verdict}")


def measure(runs: int) -> None:
    targets, facts = bank(60, 16, (2, 5))
    ids = [t.id for t in targets]
    scores = scores_for(targets, facts, "senior")
    report("assign 60 stories x 16 principles: solve", timed(lambda: solve(ids, scores), runs))
    report("  make_plan (picks, problems)", timed(lambda: make_plan("x", targets, facts), runs))
    for told in (15, 10):  # principles nobody states: the next story is searched for too
        gaps = bank(60, 16, (2, 5), seed=3, told=told)
        uncovered = len(make_plan("x", *gaps).uncovered)
        report(
            f"  make_plan, {uncovered} uncovered (+ next story)",
            timed(lambda gaps=gaps: make_plan("x", *gaps), runs),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    measure(parser.parse_args().runs)


if __name__ == "__main__":
    main()
