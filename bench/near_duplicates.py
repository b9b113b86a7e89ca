"""Time the content test's near-duplicate check: ratio() on every pair vs quick bounds first.

Run from the repo root: `.venv/bin/python bench/near_duplicates.py`. Prints both timings and
whether they flag the same pairs (they must: the bounds only skip pairs that cannot match).
"""

import difflib
import sys
import time
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from drill.decks import load_deck, load_taxonomy  # noqa: E402
from tests.test_content import DECKS, NEAR_DUPLICATE, SHIPPED, _wordings, near_duplicates  # noqa: E402


def main() -> None:
    taxonomy, _ = load_taxonomy(SHIPPED / "taxonomy.toml")
    items = [w for n in DECKS for w in _wordings(load_deck(SHIPPED / f"{n}.toml", taxonomy)[0])]
    pairs = list(combinations(items, 2))
    start = time.perf_counter()
    full = [
        f"{a[0]} ~ {b[0]}: {a[1]!r} / {b[1]!r}"
        for a, b in pairs
        if difflib.SequenceMatcher(None, a[1], b[1]).ratio() >= NEAR_DUPLICATE
    ]
    slow = time.perf_counter() - start
    start = time.perf_counter()
    quick = near_duplicates(pairs)
    fast = time.perf_counter() - start
    print(f"{len(items)} wordings, {len(pairs)} pairs")
    print(f"ratio() on every pair: {slow:.2f} s")
    print(f"quick bounds first:    {fast:.2f} s")
    print(f"same pairs flagged: {full == quick} ({len(quick)} pairs)")


if __name__ == "__main__":
    main()
