"""Which story answers which principle in a loop: an exact assignment, with pins.

Each principle of a framework (or each required category when there is none) gets one story.
The plan is solved exactly as an assignment on a story-slot expansion: a story offers `cap`
slots, its k-th slot costs more than its (k-1)-th, so the optimum covers as many principles as
the bank allows, then reuses stories as little as possible, then prefers the best story for
each principle (stated depth, level estimate, how well it is drilled). Pure: facts in, plan out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from itertools import combinations

from drill.ladder import LEVELS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from drill.cards import Card

DEFAULT_CAP = 2
DEPTH_WEIGHT = {"deep": 1.0, "listed": 1.0, "surface": 0.4}
CATEGORIES = "categories"  # the plan's key when there is no framework


@dataclass(frozen=True)
class Target:
    """A principle of a framework, or a required category."""

    id: str
    name: str
    categories: tuple[str, ...] = ()  # categories a story for it usually sits in


@dataclass(frozen=True)
class StoryFacts:
    """What the assignment needs to know about one story."""

    id: str
    depths: Mapping[str, str]  # target id -> "deep" | "surface" | "listed"
    level: str  # the level estimate from the text
    drilled: float  # mean recall of its facets now, 0..1 (never studied: 0)
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pick:
    target: str
    name: str
    story: str | None
    depth: str = ""  # the story's stated depth for this target ("" when pinned without one)
    level: str = ""
    drilled: float = 0.0
    pinned: bool = False
    shared_with: tuple[str, ...] = ()  # other targets the same story answers

    def to_dict(self) -> dict:
        return {**asdict(self), "shared_with": list(self.shared_with)}


@dataclass(frozen=True)
class NewStory:
    """The one story that, written next, would cover most of what is uncovered."""

    targets: tuple[str, ...]
    category: str | None
    gain: int

    def to_dict(self) -> dict:
        return {**asdict(self), "targets": list(self.targets)}


@dataclass(frozen=True)
class Plan:
    framework: str  # framework id, or "categories"
    cap: int
    picks: tuple[Pick, ...]
    suggestion: NewStory | None = None
    problems: tuple[str, ...] = field(default=())

    @property
    def uncovered(self) -> list[str]:
        return [p.target for p in self.picks if p.story is None]

    @property
    def covered(self) -> list[str]:
        return [p.target for p in self.picks if p.story is not None]

    def stories(self) -> list[str]:
        """The plan's stories, each once, in the order of the principles they answer."""
        return list(dict.fromkeys(p.story for p in self.picks if p.story))

    def uses(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for p in self.picks:
            if p.story:
                out[p.story] = out.get(p.story, 0) + 1
        return out

    def to_dict(self) -> dict:
        return {
            "framework": self.framework,
            "cap": self.cap,
            "picks": [p.to_dict() for p in self.picks],
            "uncovered": self.uncovered,
            "suggestion": self.suggestion.to_dict() if self.suggestion else None,
            "problems": list(self.problems),
        }


# --- the solver -------------------------------------------------------------------------------


def hungarian(cost: Sequence[Sequence[int]]) -> list[int]:
    """Minimum-cost assignment of every row to a distinct column (rows <= columns).

    The classic O(n²m) potentials method; returns the column chosen for each row.
    """
    n = len(cost)
    if n == 0:
        return []
    m = len(cost[0])
    inf = float("inf")
    u = [0] * (n + 1)
    v = [0] * (m + 1)
    owner = [0] * (m + 1)  # column -> row (1-based), 0 = free
    way = [0] * (m + 1)
    for row in range(1, n + 1):
        owner[0] = row
        col0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[col0] = True
            r0 = owner[col0]
            delta, col1 = inf, 0
            costs = cost[r0 - 1]
            ur0 = u[r0]
            for col in range(1, m + 1):
                if not used[col]:
                    cur = costs[col - 1] - ur0 - v[col]
                    if cur < minv[col]:
                        minv[col] = cur
                        way[col] = col0
                    if minv[col] < delta:
                        delta, col1 = minv[col], col
            for col in range(m + 1):
                if used[col]:
                    u[owner[col]] += delta
                    v[col] -= delta
                else:
                    minv[col] -= delta
            col0 = col1
            if owner[col0] == 0:
                break
        while col0:
            col1 = way[col0]
            owner[col0] = owner[col1]
            col0 = col1
    result = [0] * n
    for col in range(1, m + 1):
        if owner[col]:
            result[owner[col] - 1] = col - 1
    return result


def fit_score(depth: str, level: str, drilled: float, target_level: str) -> int:
    """How good a story is for a target, 0..1000: stated depth first, then level, then drill."""
    gap = max(0, LEVELS.index(target_level) - LEVELS.index(level)) if level in LEVELS else 3
    level_weight = max(0.0, 1.0 - 0.35 * gap)
    return round(600 * DEPTH_WEIGHT.get(depth, 0.0) + 250 * level_weight + 150 * drilled)


def solve(
    targets: Sequence[str],
    scores: Mapping[tuple[str, str], int],
    cap: int = DEFAULT_CAP,
    pins: Mapping[str, str] | None = None,
) -> dict[str, str | None]:
    """target -> story (or None): most targets covered, then fewest reuses, then best fit.

    `scores[(story, target)]` (0..1000) lists the eligible pairs. Pins are kept as given and
    take the first slots of their story.
    """
    pins = dict(pins or {})
    free = [t for t in targets if t not in pins]
    pinned_uses: dict[str, int] = {}
    for story in pins.values():
        pinned_uses[story] = pinned_uses.get(story, 0) + 1
    stories = sorted({s for s, _ in scores})
    best = 1000 * (len(free) + 1)  # more than any total difference in fit
    reuse = best  # one more reuse costs more than every fit together
    cover = reuse * (cap + len(pins) + 1) + best  # one more covered target beats everything
    forbidden = cover * (len(free) + 2)
    slots = [  # (story, slot cost) for every slot a story still has
        (story, reuse * k) for story in stories for k in range(pinned_uses.get(story, 0), cap)
    ]
    if not free:
        return {t: pins.get(t) for t in targets}
    matrix = []
    for i, target in enumerate(free):
        row = []
        for story, slot_cost in slots:
            score = scores.get((story, target))
            row.append(forbidden if score is None else slot_cost - cover - score)
        row += [0 if j == i else forbidden for j in range(len(free))]  # "left uncovered"
        matrix.append(row)
    chosen = hungarian(matrix)
    plan: dict[str, str | None] = dict(pins)
    for target, col in zip(free, chosen, strict=True):
        plan[target] = slots[col][0] if col < len(slots) else None
    return {t: plan.get(t) for t in targets}


# --- the plan ---------------------------------------------------------------------------------


def scores_for(
    targets: Sequence[Target], facts: Iterable[StoryFacts], target_level: str
) -> dict[tuple[str, str], int]:
    ids = {t.id for t in targets}
    return {
        (f.id, t): fit_score(depth, f.level, f.drilled, target_level)
        for f in facts
        for t, depth in f.depths.items()
        if t in ids and depth in DEPTH_WEIGHT
    }


def make_plan(
    framework: str,
    targets: Sequence[Target],
    facts: Sequence[StoryFacts],
    pins: Mapping[str, str] | None = None,
    cap: int = DEFAULT_CAP,
    target_level: str = "senior",
) -> Plan:
    """The whole plan: picks, what is uncovered, the one story worth writing next."""
    by_id = {f.id: f for f in facts}
    ids = [t.id for t in targets]
    problems = []
    kept = {}
    for target, story in (pins or {}).items():
        if target not in ids:
            problems.append(f"pin {target} → {story}: {target!r} is not in this plan; unpin it")
        elif story not in by_id:
            problems.append(f"pin {target} → {story}: no story {story!r} in play; unpin it")
        else:
            kept[target] = story
    scores = scores_for(targets, facts, target_level)
    chosen = solve(ids, scores, cap, kept)
    uses: dict[str, list[str]] = {}
    for target in ids:
        if chosen[target]:
            uses.setdefault(chosen[target], []).append(target)
    for story, answered in uses.items():
        if len(answered) > cap:
            problems.append(
                f"{story} answers {len(answered)} principles (pinned), over the cap of {cap}"
            )
    picks = []
    for t in targets:
        story = chosen[t.id]
        f = by_id.get(story) if story else None
        picks.append(
            Pick(
                target=t.id,
                name=t.name,
                story=story,
                depth=f.depths.get(t.id, "") if f else "",
                level=f.level if f else "",
                drilled=round(f.drilled, 4) if f else 0.0,
                pinned=t.id in kept,
                shared_with=tuple(x for x in uses.get(story, []) if x != t.id) if story else (),
            )
        )
    covered = sum(1 for p in picks if p.story)
    suggestion = (
        suggest_new_story(targets, scores, cap, kept, covered) if covered < len(ids) else None
    )
    return Plan(framework, cap, tuple(picks), suggestion, tuple(problems))


def suggest_new_story(
    targets: Sequence[Target],
    scores: Mapping[tuple[str, str], int],
    cap: int,
    pins: Mapping[str, str],
    covered: int,
) -> NewStory | None:
    """The `cap` targets one new story should prove to cover the most, and its category.

    A new story on two uncovered targets covers both; with one uncovered, a second target it
    takes over can free an existing story for something else, so that case is re-solved.
    """
    ids = [t.id for t in targets]
    by_id = {t.id: t for t in targets}
    current = solve(ids, scores, cap, pins)
    uncovered = [t for t in ids if current[t] is None]
    if not uncovered:
        return None
    new = "\0new-story"

    def gain(group: tuple[str, ...]) -> int:
        extra = {**scores, **{(new, t): 1000 for t in group}}
        return sum(1 for s in solve(ids, extra, cap, pins).values() if s) - covered

    def shared(group: tuple[str, ...]) -> tuple[int, str | None]:
        common = set(by_id[group[0]].categories)
        for t in group[1:]:
            common &= set(by_id[t].categories)
        first = next((c for c in by_id[group[0]].categories if c in common), None)
        return len(common), first

    size = min(cap, len(ids))
    if len(uncovered) >= size:
        groups = list(combinations(uncovered, size))
        best = max(groups, key=lambda g: (shared(g)[0], [-ids.index(t) for t in g]))
        return NewStory(best, shared(best)[1] or _first_category(by_id, best), len(best))
    options = [
        (*uncovered, *rest)
        for rest in combinations([t for t in ids if t not in uncovered], size - len(uncovered))
    ]
    scored = [(gain(g), shared(g)[0], g) for g in options]
    top = max(scored, key=lambda x: (x[0], x[1], [-ids.index(t) for t in x[2]]))
    return NewStory(top[2], shared(top[2])[1] or _first_category(by_id, top[2]), top[0])


def _first_category(by_id: Mapping[str, Target], group: Sequence[str]) -> str | None:
    return next((c for t in group for c in by_id[t].categories), None)


# --- reading the bank -------------------------------------------------------------------------


def targets_for(taxonomy, framework: str | None) -> list[Target]:
    """The framework's principles, or the required categories when there is no framework."""
    if framework and framework in taxonomy.frameworks:
        return [
            Target(p.id, p.name, tuple(p.categories))
            for p in taxonomy.frameworks[framework].principles
        ]
    return [Target(c, taxonomy.categories[c].name, (c,)) for c in taxonomy.required]


def story_facts(stories, recall: Mapping[str, float], framework: str | None) -> list[StoryFacts]:
    """Facts for each story: its stated depths (or listed categories), level, drill."""
    from drill.coach import estimate_level  # the coaching package re-exports it

    out = []
    for story in stories:
        listed = {c: "listed" for c in story.categories}
        depths = dict(story.principles) if framework else listed
        out.append(
            StoryFacts(
                story.id,
                depths,
                estimate_level(story).level,
                recall.get(story.id, 0.0),
                tuple(story.categories),
            )
        )
    return out


def story_recall(cards: Iterable[Card], recall_of) -> dict[str, float]:
    """Mean recall of each story's facets, from its cards; a facet never studied counts 0."""
    values: dict[str, list[float]] = {}
    for card in cards:
        if card.kind == "story":
            values.setdefault(card.ref, []).append(0.0 if card.new else recall_of(card))
    return {s: sum(v) / len(v) for s, v in values.items()}


def readiness(
    plan_rows: Sequence[dict],
    recall_at_interview: Mapping[str, float],
    desired_retention: float,
) -> dict:
    """For a planned loop: principles answered by a drilled story, and each story's recall then.

    `plan_rows` are the stored plan's rows (target, story); a story counts as drilled when its
    facets' mean predicted recall at interview time reaches the desired retention.
    """
    stories = sorted({r["story"] for r in plan_rows if r["story"]})
    recall = {s: round(recall_at_interview.get(s, 0.0), 4) for s in stories}
    drilled = [
        r["target"]
        for r in plan_rows
        if r["story"] and recall_at_interview.get(r["story"], 0.0) >= desired_retention
    ]
    return {
        "principles": len(plan_rows),
        "covered": sum(1 for r in plan_rows if r["story"]),
        "drilled": len(drilled),
        "stories": recall,
    }


# --- the shell's side: the bank, the store ------------------------------------------------------


def framework_key(framework: str | None) -> str:
    return framework or CATEGORIES


def plan_for(
    store, library, now, framework: str | None, cap: int = DEFAULT_CAP, level: str = "senior"
) -> Plan:
    """Solve the plan for the stories in play, with the stored pins and their recall now."""
    from drill import scheduling

    parameters = scheduling.parameters_or_default(store.parameters())
    recall = story_recall(
        store.cards(["story"]),
        lambda card: card.recall_at(now, parameters),
    )
    targets = targets_for(library.taxonomy, framework)
    facts = story_facts(library.stories.values(), recall, framework)
    pins = store.pins(framework_key(framework))
    return make_plan(framework_key(framework), targets, facts, pins, cap, level)


def assigned_stories(store, company: str | None) -> list[str]:
    """The stories of the stored plan for a company's framework (or the categories plan)."""
    rows = store.plan_rows(framework_key(company.lower() if company else None))
    return list(dict.fromkeys(r["story"] for r in rows if r["story"]))


def planned_readiness(store, now, desired_retention: float, recall_at=None) -> dict | None:
    """Readiness of the stored plan for the next planned interview, or None without one.

    `recall_at(card, moment)` predicts a card's recall (default: the FSRS-6 curve on exact
    elapsed time with the stored parameters). Only the stored plan is read, not the bank.
    """
    from drill import scheduling
    from drill.home import iso, parse_iso

    ahead = [p for p in store.plans() if p["at"] > iso(now)]
    if not ahead:
        return None
    plan = ahead[0]
    at = parse_iso(plan["at"])
    if recall_at is None:
        parameters = scheduling.parameters_or_default(store.parameters())

        def recall_at(card, moment):
            return card.recall_at(moment, parameters)

    key = plan["company"]
    rows = store.plan_rows(key)
    if not rows:  # a company with no framework is planned on the required categories
        key, rows = CATEGORIES, store.plan_rows(CATEGORIES)
    recall = story_recall(store.cards(["story"]), lambda card: recall_at(card, at))
    return {"company": plan["company"], "plan": key, **readiness(rows, recall, desired_retention)}
