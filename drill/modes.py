"""Practice beyond the daily drill: the pick sprint, the pre-interview cram, readiness."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from drill import grading
from drill.bank import Story
from drill.cards import Card
from drill.home import iso, parse_iso
from drill.records import Rehearsal
from drill.session import Answer, Prompt, Reveal, Session


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

    def relevant(self) -> list[Card]:
        """The loop's questions, and the facets of the stories mapped to them."""
        rows = self.store.cards(self.kinds)
        questions = [
            r
            for r in rows
            if r.kind == "question" and (self.deck is None or r.ref.startswith(f"{self.deck}/"))
        ]
        mappings = self.store.mappings()
        stories = (
            set().union(*(mappings.get(r.ref, set()) for r in questions)) if questions else set()
        )
        if self.deck:  # and the stories the loop's story plan gives its principles
            from drill.assign import assigned_stories

            stories |= set(assigned_stories(self.store, self.deck)) & self.library.stories.keys()
        if not stories:
            stories = set(self.library.stories)
        return questions + [r for r in rows if r.kind == "story" and r.ref in stories]

    def recall_at_interview(self, card: Card) -> float:
        return card.recall_at(self.interview, self.scheduler.parameters)

    def queue(self) -> list[Card]:
        cards = [c for c in self.relevant() if c.id not in self.seen]
        scored = sorted(cards, key=lambda c: (self.recall_at_interview(c), c.id))
        first, rest, stories = [], [], set()
        for card in scored:  # every story at least once: its weakest facet comes early
            if card.kind == "story" and card.ref not in stories:
                stories.add(card.ref)
                first.append(card)
            elif card.kind == "question":
                first.append(card)
            else:
                rest.append(card)
        first.sort(key=lambda c: (self.recall_at_interview(c), c.id))
        return first + rest

    def grade(self, prompt: Prompt, answer: Answer, rating: int) -> int:
        self.seen.add(prompt.card.id)
        return super().grade(prompt, answer, rating)

    def skip(self, prompt: Prompt) -> None:
        self.seen.add(prompt.card.id)

    def undo(self):
        row = super().undo()
        if row is not None:
            self.seen.discard(row["card_id"])
        return row

    def story_recall(self) -> dict[str, float]:
        by_story: dict[str, list[float]] = {}
        for card in self.relevant():
            if card.kind == "story":
                by_story.setdefault(card.ref, []).append(self.recall_at_interview(card))
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
        self.showing: float | None = None  # when the question on screen was shown
        self.quit_early = False

    # --- the countdown ------------------------------------------------------------------------

    def start_pick(self, prompt: Prompt) -> None:
        self.showing = prompt.shown_at

    def time_left(self) -> float | None:
        """Seconds left for the pick on screen (negative once over); None between picks."""
        if self.showing is None:
            return None
        return self.seconds - (self.timer() - self.showing)

    def status(self) -> str:
        """The toolbar: picks done, and the countdown or what the keys do."""
        done = f" {self.done}/{max(self.queue_size, self.done)}"
        if not (self.done or self.queue_size):  # the sprint has not started
            done = " pick sprint"
        left = self.time_left()
        if left is None:
            return done + " · ? help · q quits"
        shown = f"{left:4.1f}s left" if left >= 0 else f"over by {-left:.1f}s"
        return f"{done} · {shown} · ? help · q quits"

    def empty_reason(self) -> str:
        """Why a sprint ended with no pick, in one line."""
        if self.quit_early:
            return "No picks this time: you stopped before the first one."
        if not self.store.cards(["pick"]):
            return (
                "No picks this time: no question is mapped to a story yet. Take the mapping "
                "offer at the start of `drill map`, or `drill mapping set QUESTION STORY`."
            )
        clock = self.clock()
        nxt = self.store.next_due(["pick"], iso(clock.utc))
        when = clock.local(parse_iso(nxt)).strftime("%a %d %b %H:%M") if nxt else None
        drilled = self.store.reviewed_today(self.today(clock))
        resting = [
            card
            for card in self.store.cards(["pick"])
            if card.id not in drilled.get(card.group, {card.id})
        ]
        if resting:  # a question's cards are siblings: one drilled today, the pick waits
            n = len(resting)
            return (
                f"No picks this time: {n} mapped question{'s were' if n > 1 else ' was'} "
                "drilled today, and a question's pick rests until tomorrow"
                + (f"; the next other pick is due {when}." if when else ".")
            )
        return f"No picks this time: none is due; the next is due {when or 'later'}."

    def unmapped(self) -> list:
        """Active questions that no story answers yet, offered for mapping first."""
        mappings = self.store.mappings()
        stories = self.library.stories.keys()
        key = self.library.answer_key  # the examples answer their own questions
        return [
            q
            for q in self.library.questions.values()
            if not ((mappings.get(q.id, set()) | key.get(q.id, set())) & stories)
        ]

    def new_allowed(self, introduced: dict[str, int]) -> int:
        """A sprint is not held to the daily limit of new cards: its budget is `--cards`."""
        return self.max_cards

    def answer_pick(self, prompt: Prompt, story: str | None, latency_s: float) -> PickResult:
        self.showing = None
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
    cards = session.store.cards(["question"])
    if not cards:
        return None
    at, parameters = session.clock().utc, session.scheduler.parameters
    return session.prompt_for(min(cards, key=lambda c: (c.recall_at(at, parameters), c.id)))


class RehearsalSession:
    """One rehearsal, with no terminal: pick, timed answer, analysis, one follow-up, grade.

    Kept in `rehearsals` whether graded or not: a rehearsal quit midway keeps what was typed
    (ungraded), once the answer was started.
    """

    DEFAULT_FOLLOWUP = "What would you change?"
    FOLLOWUP_SECONDS = 60

    def __init__(self, session: Session, prompt: Prompt, seconds: int):
        self.session = session
        self.prompt = prompt
        self.seconds = seconds
        self.story: Story | None = None
        self.text = ""
        self.spent = 0.0
        self.analysis = None
        self.followup = ""
        self.follow_text = ""
        self.follow_spent = 0.0
        self.rating: int | None = None
        self.phase = "pick"  # pick, answer, followup, grade, done
        self._started = 0.0
        self.kept_id: int | None = None

    @property
    def budget(self) -> float:
        return self.seconds if self.phase == "answer" else self.FOLLOWUP_SECONDS

    def time_left(self) -> float:
        return self.budget - (self.session.timer() - self._started)

    def pick(self, story: Story | None) -> None:
        self.story = story

    def start_answer(self) -> None:
        self.phase, self._started = "answer", self.session.timer()

    def finish_answer(self, text: str):
        """Record the answer; analyse it (if typed) and choose the follow-up."""
        from drill.coach import analyze, followup_for

        self.text, self.spent = text.strip(), self.session.timer() - self._started
        self.analysis = analyze(self.text, self.story, int(self.seconds)) if self.text else None
        followups = self.prompt.question.followups if self.prompt.question else []
        if self.analysis is not None:
            self.followup = followup_for(self.analysis, followups)
        else:
            self.followup = followups[0] if followups else self.DEFAULT_FOLLOWUP
        self.phase = "followup-ready"
        return self.analysis

    def start_followup(self) -> None:
        self.phase, self._started = "followup", self.session.timer()

    def finish_followup(self, text: str) -> None:
        self.follow_text, self.follow_spent = text.strip(), self.session.timer() - self._started
        self.phase = "grade"

    def stop(self, typed: str = "") -> None:
        """Quit midway: what was being typed is kept with what came before."""
        if self.phase == "answer":
            self.text, self.spent = typed.strip(), self.session.timer() - self._started
        elif self.phase == "followup":
            self.follow_text = typed.strip()
            self.follow_spent = self.session.timer() - self._started

    @property
    def worth_keeping(self) -> bool:
        return self.phase != "pick"

    def answer(self) -> Answer:
        return Answer(story=self.story.id if self.story else None, metric=self.text)

    def reveal(self) -> Reveal:
        return self.session.reveal(self.prompt, self.answer())

    def reference(self) -> Story | None:
        """The story to show before the grade: the right one picked, else a mapped one."""
        return self.reveal().reference or self.story

    def grade(self, rating: int) -> None:
        self.session.grade(self.prompt, self.answer(), rating)
        self.rating, self.phase = rating, "done"

    def record(self) -> Rehearsal:
        import json

        return Rehearsal(
            at=iso(self.session.clock().utc),
            question=self.prompt.question.id if self.prompt.question else "",
            story=self.story.id if self.story else None,
            text=self.text,
            seconds=round(self.spent, 2),
            budget_seconds=int(self.seconds),
            followup=self.followup,
            followup_text=self.follow_text,
            followup_seconds=round(self.follow_spent, 2),
            analysis=json.dumps(self.analysis.to_dict()) if self.analysis else None,
            rating=self.rating,
        )

    def keep(self) -> int:
        self.kept_id = self.session.store.add_rehearsal(self.record())
        return self.kept_id
