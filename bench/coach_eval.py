"""Lint and the level ladder against a labelled corpus: per-rule precision and recall, and the
level confusion matrix.

    python bench/coach_eval.py [CORPUS_DIR] [--json] [--misses]

CORPUS_DIR (default tests/corpus) holds `stories/<id>.md` and `labels.toml`, one table per
story id with `levels` (the acceptable estimates) and `findings` (exactly the rules that should
fire). Each story is linted at its own stated level, else senior.
"""

from __future__ import annotations

import json
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drill.bank import LEVELS, read_story  # noqa: E402
from drill.coach import RULES, estimate_level, lint  # noqa: E402


@dataclass
class Report:
    stories: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # rule -> tp/fp/fn
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)  # expected -> estimate
    level_hits: int = 0
    misses: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def precision(self, rule: str) -> float:
        c = self.counts[rule]
        return c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0

    def recall(self, rule: str) -> float:
        c = self.counts[rule]
        return c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0

    @property
    def level_accuracy(self) -> float:
        return self.level_hits / self.stories if self.stories else 1.0

    def to_dict(self) -> dict:
        return {
            "stories": self.stories,
            "rules": {
                r: {**c, "precision": self.precision(r), "recall": self.recall(r)}
                for r, c in self.counts.items()
            },
            "level_accuracy": self.level_accuracy,
            "confusion": self.confusion,
            "problems": self.problems,
        }


def evaluate(corpus: Path) -> Report:
    labels = tomllib.loads((corpus / "labels.toml").read_text(encoding="utf-8"))
    report = Report(counts={r: {"tp": 0, "fp": 0, "fn": 0} for r in RULES})
    for sid, label in sorted(labels.items()):
        if not isinstance(label, dict):
            continue
        path = corpus / "stories" / f"{sid}.md"
        story, problems = read_story(path)
        if story is None:
            report.problems.append(f"{path}: {'; '.join(p.message for p in problems)}")
            continue
        report.stories += 1
        target = story.level or "senior"
        fired = {f.rule for f in lint(story, target)}
        expected = set(label.get("findings", []))
        for rule_id in RULES:
            got, want = rule_id in fired, rule_id in expected
            key = "tp" if got and want else "fp" if got else "fn" if want else None
            if key:
                report.counts[rule_id][key] += 1
        levels = label.get("levels", [])
        levels = [levels] if isinstance(levels, str) else list(levels)
        estimate = estimate_level(story).level
        ok = estimate in levels
        report.level_hits += ok
        row = report.confusion.setdefault("/".join(levels) or "?", {})
        row[estimate] = row.get(estimate, 0) + 1
        extra, lost = sorted(fired - expected), sorted(expected - fired)
        if extra or lost or not ok:
            report.misses.append(
                f"{sid}: +{extra} -{lost}" + ("" if ok else f" level {estimate} not in {levels}")
            )
    return report


def render(report: Report, misses: bool) -> str:
    lines = [f"{report.stories} stories", "", f"{'rule':<18}{'P':>6}{'R':>6}   tp  fp  fn"]
    for rule_id, c in report.counts.items():
        lines.append(
            f"{rule_id:<18}{report.precision(rule_id):>6.2f}{report.recall(rule_id):>6.2f}"
            f"  {c['tp']:>3} {c['fp']:>3} {c['fn']:>3}"
        )
    lines += ["", f"level in the acceptable set: {report.level_accuracy:.0%}", ""]
    lines.append(f"{'expected':<16}" + "".join(f"{lv:>8}" for lv in LEVELS))
    for expected, row in sorted(report.confusion.items()):
        lines.append(f"{expected:<16}" + "".join(f"{row.get(lv, 0):>8}" for lv in LEVELS))
    if misses and report.misses:
        lines += ["", "misses:", *(f"  {m}" for m in report.misses)]
    lines += [f"unreadable: {p}" for p in report.problems]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    corpus = Path(args[0]) if args else ROOT / "tests" / "corpus"
    if not (corpus / "labels.toml").is_file():
        print(f"{corpus}: no labels.toml", file=sys.stderr)
        return 2
    report = evaluate(corpus)
    if "--json" in argv:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(render(report, "--misses" in argv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
