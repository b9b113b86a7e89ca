"""Print the corpus counts (stories per style, per acceptable level, positives per rule).

Pure standard library: `python3 tests/corpus/counts.py`.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path

HERE = Path(__file__).parent
RULES = [
    "missing-section",
    "we-heavy",
    "no-metric",
    "vague-outcome",
    "no-baseline",
    "long-situation",
    "assigned-problem",
    "few-alternatives",
    "no-influence",
    "generic-learning",
    "safe-failure",
    "below-level",
]
LEVELS = ["junior", "mid", "senior", "staff"]


def front_matter(text: str) -> dict:
    match = re.match(r"\+\+\+\n(.*?)\n\+\+\+\n", text, re.S)
    return tomllib.loads(match.group(1)) if match else {}


def main() -> None:
    labels = tomllib.loads((HERE / "labels.toml").read_text(encoding="utf-8"))
    stems = {p.stem for p in (HERE / "stories").glob("*.md")}
    missing = sorted(stems - labels.keys())
    extra = sorted(labels.keys() - stems)
    if missing or extra:
        raise SystemExit(f"unlabelled stories: {missing}; labels without a story: {extra}")
    styles: Counter[str] = Counter()
    in_set: Counter[str] = Counter()
    single: Counter[str] = Counter()
    targets: Counter[str] = Counter()
    positives: Counter[str] = Counter()
    failures = {"failure": 0, "safe": 0}
    for stem, label in labels.items():
        meta = front_matter((HERE / "stories" / f"{stem}.md").read_text(encoding="utf-8"))
        styles[label["style"]] += 1
        targets[meta.get("level", "(none)")] += 1
        for level in label["levels"]:
            in_set[level] += 1
        if len(label["levels"]) == 1:
            single[label["levels"][0]] += 1
        unknown = set(label["findings"]) - set(RULES)
        if unknown:
            raise SystemExit(f"{stem}: unknown rules {sorted(unknown)}")
        positives.update(label["findings"])
        if "failure" in meta.get("categories", []):
            failures["failure"] += 1
            failures["safe"] += "safe-failure" in label["findings"]
        below = all(LEVELS.index(lv) < LEVELS.index(meta["level"]) for lv in label["levels"])
        if below != ("below-level" in label["findings"]):
            raise SystemExit(f"{stem}: below-level label disagrees with levels and target")
    total = len(labels)
    print(f"stories: {total}")
    print("style:        " + ", ".join(f"{s} {n}" for s, n in sorted(styles.items())))
    print("target level: " + ", ".join(f"{lv} {targets[lv]}" for lv in LEVELS))
    print("level in acceptable set: " + ", ".join(f"{lv} {in_set[lv]}" for lv in LEVELS))
    print("single-level labels:     " + ", ".join(f"{lv} {single[lv]}" for lv in LEVELS))
    print(
        f"failure stories: {failures['failure']} ({failures['safe']} safe, "
        f"{failures['failure'] - failures['safe']} real)"
    )
    print(f"{'rule':<18}{'fires':>6}{'silent':>8}")
    for rule in RULES:
        print(f"{rule:<18}{positives[rule]:>6}{total - positives[rule]:>8}")
    clean = sum(1 for label in labels.values() if not label["findings"])
    print(f"stories with no finding: {clean}")


if __name__ == "__main__":
    main()
