"""Practice beyond the daily drill: the pick sprint, the pre-interview cram, readiness."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from drill import grading, scheduling
from drill.scheduling import Memory, QueueCard
from drill.session import Answer, Prompt, Session


@dataclass(frozen=True)
class Readiness:
    story: str
    before: float  # mean predicted recall of the story's facets at interview time
    after: float


class CramSession(Session):
    """Everything relevant to one loop, weakest at interview time first; no burying."""

    def __init__(
        self, *args, interview: datetime, deck: str | None = None, reschedule: bool = True, **kwargs
    ):
        kwargs.setdefault("kinds", ("question", "story"))
        kwargs.setdefault("mode", "cram")
        super().__init__(*args, **kwargs)
        self.interview = interview
        self.deck = deck
        self.reschedule = reschedule
        self.seen: set[int] = set()
        self.before = self.story_recall()

    def relevant(self) -> list[dict]:
        """The loop's questions, and the facets of the stories mapped to them."""
        rows = self.store.cards(self.kinds)
        questions = [
            r
            for r in rows
            if r["kind"] == "question"
            and (self.deck is None or r["ref"].startswith(f"{self.deck}/"))
        ]
        mappings = self.store.mappings()
        stories = (
            set().union(*(mappings.get(r["ref"], set()) for r in questions)) if questions else set()
        )
        if self.deck:  # and the stories the loop's story plan gives its principles
            from drill.assign import assigned_stories

            stories |= set(assigned_stories(self.store, self.deck)) & self.library.stories.keys()
        if not stories:
            stories = set(self.library.stories)
        return questions + [r for r in rows if r["kind"] == "story" and r["ref"] in stories]

    def recall_at_interview(self, row: dict) -> float:
        return scheduling.retrievability(Memory.from_row(row), self.interview, self.scheduler)

    def queue(self) -> list[QueueCard]:
        rows = [r for r in self.relevant() if r["id"] not in self.seen]
        scored = sorted(rows, key=lambda r: (self.recall_at_interview(r), r["id"]))
        first, rest, stories = [], [], set()
        for row in scored:  # every story at least once: its weakest facet comes early
            if row["kind"] == "story" and row["ref"] not in stories:
                stories.add(row["ref"])
                first.append(row)
            elif row["kind"] == "question":
                first.append(row)
            else:
                rest.append(row)
        first.sort(key=lambda r: (self.recall_at_interview(r), r["id"]))
        return [QueueCard.from_row(r) for r in first + rest]

    def grade(self, prompt: Prompt, answer: Answer, rating: int) -> int:
        self.seen.add(prompt.card["id"])
        return super().grade(prompt, answer, rating)

    def skip(self, prompt: Prompt) -> None:
        self.seen.add(prompt.card["id"])

    def undo(self):
        row = super().undo()
        if row is not None:
            self.seen.discard(row["card_id"])
        return row

    def story_recall(self) -> dict[str, float]:
        by_story: dict[str, list[float]] = {}
        for row in self.relevant():
            if row["kind"] == "story":
                by_story.setdefault(row["ref"], []).append(self.recall_at_interview(row))
        return {story: statistics.fmean(values) for story, values in by_story.items()}

    def readiness(self) -> list[Readiness]:
        after = self.story_recall()
        return sorted(
            (Readiness(s, self.before.get(s, 0.0), after.get(s, 0.0)) for s in after),
            key=lambda r: (r.after, r.story),
        )


@dataclass(frozen=True)
class PickResult:
    question: str
    categories: tuple[str, ...]
    right: bool
    latency_s: float
    rating: int


class MapSession(Session):
    """The pick sprint: name the story for a question against a deadline; graded automatically."""

    def __init__(self, *args, seconds: float = 8.0, **kwargs):
        kwargs.setdefault("kinds", ("pick",))
        kwargs.setdefault("mode", "map")
        super().__init__(*args, **kwargs)
        self.seconds = seconds
        self.results: list[PickResult] = []

    def unmapped(self) -> list:
        """Active questions that no story answers yet, offered for mapping first."""
        mappings = self.store.mappings()
        stories = self.library.stories.keys()
        return [
            q for q in self.library.questions.values() if not (mappings.get(q.id, set()) & stories)
        ]

    def new_allowed(self, introduced: dict[str, int]) -> int:
        """A sprint is not held to the daily limit of new cards: its budget is `--cards`."""
        return self.max_cards

    def answer_pick(self, prompt: Prompt, story: str | None, latency_s: float) -> PickResult:
        right = story is not None and story in prompt.mapped
        rating = grading.pick_grade(right, latency_s, self.seconds)
        self.grade(prompt, Answer(story=story, latency_ms=int(latency_s * 1000)), rating)
        result = PickResult(
            prompt.question.id, prompt.question.categories, right, latency_s, rating
        )
        self.results.append(result)
        return result

    def by_category(self) -> list[tuple[str, int, float, float]]:
        """(category, picks, share right, median latency in seconds), slowest first."""
        groups: dict[str, list[PickResult]] = {}
        for result in self.results:
            for category in result.categories or ("(none)",):
                groups.setdefault(category, []).append(result)
        rows = [
            (
                category,
                len(items),
                sum(r.right for r in items) / len(items),
                statistics.median(r.latency_s for r in items),
            )
            for category, items in groups.items()
        ]
        return sorted(rows, key=lambda row: (-row[3], row[0]))


def weakest_question(session: Session) -> Prompt | None:
    """The question card with the lowest recall now: what a rehearsal picks when nothing is due."""
    rows = session.store.cards(["question"])
    if not rows:
        return None
    at = session.clock().utc
    row = min(
        rows,
        key=lambda r: (
            scheduling.retrievability(scheduling.Memory.from_row(r), at, session.scheduler),
            r["id"],
        ),
    )
    return session.prompt_for(row)
