"""Bank coverage: which categories, levels and principles the stories answer, and the gaps,
each with what would close it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from drill.bank import LEVELS, Story
from drill.coach.level import estimate_level
from drill.coach.rules import REQUIRED_CATEGORIES
from drill.decks import Question, Taxonomy

OVERUSE_SHARE = 0.4
OVERUSE_MIN_QUESTIONS = 5  # below this, one mapping is already "over 40%": not a signal


@dataclass(frozen=True)
class Gap:
    kind: str  # "category" | "level" | "principle" | "principle-depth" | "overused" | "unmapped"
    subject: str
    text: str  # what would close it

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


_CATEGORY_GAP = {
    "technical-decision": "No technical-decision story: write one where two designs were both "
    "viable and you picked one for a reason you can defend.",
    "cross-functional-conflict": "No cross-functional conflict story: write one where another "
    "function (product, design, support, security) wanted something else and you got to a "
    "decision both sides kept.",
    "failure": "No failure story: write one where a call of your own turned out wrong, it cost "
    "something visible, and you can name the assumption that broke.",
    "mentoring": "No mentoring story: write one where you chose how to grow a specific engineer "
    "and can show what they now do without you.",
    "influence-without-authority": "No influence story: write one where you moved someone you "
    "could not direct, such as a PM or another team's lead, from their first position to yours.",
}


@dataclass(frozen=True)
class Coverage:
    categories: list[str]  # column order: required first
    matrix: dict[str, set[str]]  # story id -> categories
    levels: dict[str, str]  # story id -> estimated level
    principles: dict[str, str | None]  # principle id -> "deep" | "surface" | None
    unmapped: dict[str, list[str]]  # deck id -> question ids with no mapped story
    deck_sizes: dict[str, int]
    overused: dict[str, float]  # story id -> share of questions it is mapped to
    gaps: list[Gap]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["matrix"] = {
            sid: [c for c in self.categories if c in cats] for sid, cats in self.matrix.items()
        }
        return data


GAPS = {
    "category": "No {subject} story: write one, or tag an existing story with {subject} if it "
    "fits.",
    "level": "No story reads at {subject} level; the closest is {story} ({level}): {step}",
    "principle": "No story shows {name}: tag one whose key decision turns on it, or write one.",
    "principle-depth": "{name} is only touched in passing: rework the closest story so a "
    "decision in it depends on {name}, then mark it deep.",
    "overused": "{subject} answers {share:.0%} of the questions: map a second story to some of "
    "them so one weak spot cannot sink them all.",
    "unmapped": "{count} of {size} questions in {subject} have no story yet: run `drill map` to "
    "assign them.",
}


def _gap(kind: str, subject: str, **values: object) -> Gap:
    special = _CATEGORY_GAP.get(subject) if kind == "category" else None
    return Gap(kind, subject, special or GAPS[kind].format(subject=subject, **values))


def coverage(
    stories: list[Story],
    questions: list[Question],
    mappings: dict[str, set[str]],
    taxonomy: Taxonomy,
    framework: str | None,
    level: str = "senior",
) -> Coverage:
    """What the bank can answer, and the gaps, each with what would close it."""
    required = taxonomy.required or [c for c in REQUIRED_CATEGORIES if c in taxonomy.categories]
    extra = sorted({c for s in stories for c in s.categories} - set(taxonomy.categories))
    categories = [*required, *(c for c in taxonomy.categories if c not in required), *extra]
    matrix = {s.id: set(s.categories) for s in stories}
    estimates = {s.id: estimate_level(s) for s in stories}
    levels = {sid: e.level for sid, e in estimates.items()}
    covered = set().union(*matrix.values()) if matrix else set()
    gaps = [_gap("category", cid) for cid in required if cid not in covered]
    if stories and all(LEVELS.index(lv) < LEVELS.index(level) for lv in levels.values()):
        best = max(stories, key=lambda s: (LEVELS.index(levels[s.id]), s.id)).id
        step = (estimates[best].missing_for(level) or [""])[0]
        gaps.append(_gap("level", level, story=best, level=levels[best], step=step))

    principles: dict[str, str | None] = {}
    fw = taxonomy.frameworks.get(framework) if framework else None
    for p in fw.principles if fw else ():
        depths = {s.principles.get(p.id) for s in stories}
        depth = "deep" if "deep" in depths else "surface" if "surface" in depths else None
        principles[p.id] = depth
        if depth != "deep":
            gaps.append(_gap("principle-depth" if depth else "principle", p.id, name=p.name))

    known = {s.id for s in stories}
    unmapped: dict[str, list[str]] = {}
    deck_sizes: dict[str, int] = {}
    uses = dict.fromkeys(known, 0)
    for q in questions:
        deck_sizes[q.deck] = deck_sizes.get(q.deck, 0) + 1
        unmapped.setdefault(q.deck, [])
        mapped = mappings.get(q.id, set()) & known
        if not mapped:
            unmapped[q.deck].append(q.id)
        for sid in mapped:
            uses[sid] += 1
    overused: dict[str, float] = {}
    if len(questions) >= OVERUSE_MIN_QUESTIONS:
        for sid, n in sorted(uses.items(), key=lambda kv: (-kv[1], kv[0])):
            if n / len(questions) > OVERUSE_SHARE:
                overused[sid] = round(n / len(questions), 2)
                gaps.append(_gap("overused", sid, share=n / len(questions)))
    for deck, ids in unmapped.items():
        if ids:
            gaps.append(_gap("unmapped", deck, count=len(ids), size=deck_sizes[deck]))
    return Coverage(categories, matrix, levels, principles, unmapped, deck_sizes, overused, gaps)
