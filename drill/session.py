"""A drill session as a state machine: next card, reveal, grade, undo, skip. No terminal here."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path

from drill import grading, scheduling
from drill.bank import FACET_LABELS, FACETS, Story, own_copy
from drill.cards import Card, Kind, Mode
from drill.decks import Question
from drill.home import Clock, Config, iso, parse_iso
from drill.library import Library, sync
from drill.records import Review
from drill.stats import streak_days

DAILY_KINDS: tuple[Kind, ...] = ("question", "story")


@dataclass
class Prompt:
    """A card on screen, with what the terminal needs to ask it."""

    card: Card
    kind: Kind
    question: Question | None = None
    wording: str = ""
    story: Story | None = None  # the story a `story` card asks about
    facet: str = ""
    candidates: list[Story] = field(default_factory=list)
    mapped: set[str] = field(default_factory=set)
    shown_at: float = field(default_factory=time.monotonic)

    @property
    def facet_label(self) -> str:
        return FACET_LABELS.get(self.facet, self.facet)


@dataclass
class Answer:
    story: str | None = None  # the story picked, for question and pick cards
    decision: str = ""
    alternatives: str = ""
    metric: str = ""
    recall: str = ""  # what was typed for a story card
    latency_ms: int | None = None
    fits: bool | None = None  # the user's judgment of a pick on an unmapped question

    @property
    def typed(self) -> str:
        return "\n".join(
            t for t in (self.decision, self.alternatives, self.metric, self.recall) if t
        )

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None and v != ""}


@dataclass
class Reveal:
    pick: str  # a grading verdict: right, wrong, none, fits, doubt, unverified
    reference: Story | None  # the story to show: the one picked if right, else a mapped one
    check: grading.MetricCheck | None  # None when nothing was typed to check
    suggested: int | None  # None: no evidence either way, the user picks a number
    intervals: dict[int, str]

    @property
    def right_story(self) -> bool:
        """The pick is one of the question's mapped stories (verified, not just kept)."""
        return self.pick == grading.RIGHT

    @property
    def matched(self) -> list[str]:
        return list(self.check.matched) if self.check else []

    @property
    def missed(self) -> list[str]:
        return list(self.check.missed) if self.check else []


@dataclass
class Summary:
    reviewed: int
    again: int
    seconds: float
    next_due: datetime | None
    streak: int


class Session:
    def __init__(
        self,
        store,
        library: Library,
        clock: Callable[[], Clock],
        mode: Mode = "daily",
        kinds: tuple[Kind, ...] = DAILY_KINDS,
        max_cards: int = 20,
        max_minutes: float = 10,
        fuzz: bool = True,
        timer: Callable[[], float] = time.monotonic,
    ):
        self.store = store
        self.library = library
        self.clock = clock
        self.mode = mode
        self.kinds = kinds
        self.max_cards = max_cards
        self.max_minutes = max_minutes
        self.timer = timer
        self.started = timer()
        self.history: list[tuple[int, int, int]] = []  # (review id, card id, rating)
        self.fuzz = fuzz
        self.queue_size = 0
        self.reschedule = True
        sync(store, library, iso(clock().utc))
        now = clock().utc
        self.interviews = [
            at for at in (parse_iso(p["at"]) for p in store.plans()) if at and at > now
        ]
        # the daily drill follows the interview plan instead (see follow_plan)
        self.at_risk = self._at_risk(now) if self.interviews and mode != "daily" else []

    @cached_property
    def scheduler(self):
        """py-fsrs with the stored parameters; built on first use, after the first card."""
        return scheduling.make_scheduler(
            self.store.parameters(), self.config.desired_retention, fuzz=self.fuzz
        )

    @property
    def config(self) -> Config:
        return self.library.config

    # --- the queue ----------------------------------------------------------------------------

    def today(self, clock: Clock | None = None) -> str:
        clock = clock or self.clock()
        return clock.day(clock.now, self.config.day_starts_at).isoformat()

    def elapsed(self) -> float:
        return self.timer() - self.started

    def _at_risk(self, now: datetime) -> list[int]:
        """Cards whose predicted recall at the next interview is under the desired retention."""
        at = self.interviews[0]
        target = self.config.desired_retention
        scored = []
        for card in self.store.cards(self.kinds):
            if card.new:
                continue
            recall = card.recall_at(at, self.scheduler.parameters)
            if recall < target:
                scored.append((recall, card.id))
        return [card_id for _, card_id in sorted(scored)]

    @property
    def done(self) -> int:
        return len(self.history)

    def out_of_budget(self) -> bool:
        return self.done >= self.max_cards or self.elapsed() >= self.max_minutes * 60

    def new_allowed(self, introduced: dict[str, int]) -> int:
        """New cards still allowed today: the daily limit less those already introduced."""
        return max(0, self.config.new_per_day - sum(introduced.values()))

    def queue(self) -> list[Card]:
        clock = self.clock()
        now = clock.utc
        day = self.today(clock)
        reviewed = self.store.reviewed_today(day)
        introduced = self.store.new_introduced(day)
        new_allowed = self.new_allowed(introduced)
        cards = self.store.queue_cards(
            self.kinds,
            iso(now),
            iso(now + scheduling.LEARN_AHEAD),
            # enough new cards to fill the allowance after burying: a story has one per facet
            new_limits={
                k: (new_allowed + 1) * (len(FACETS) if k == "story" else 1) for k in self.kinds
            },
            buried_refs={ref for _, ref in reviewed},
        )
        stories_first = introduced.get("story", 0) < sum(
            n for kind, n in introduced.items() if kind != "story"
        )
        reviewed_ids = set().union(*reviewed.values())
        queued = {c.id for c in cards}
        risky = [i for i in self.at_risk if i not in reviewed_ids and i not in queued][:200]
        at_risk = sorted(
            self.store.cards_by_id(risky, awake_at=iso(now)),
            key=lambda c: risky.index(c.id),
        )
        queue = scheduling.build_queue(
            cards,
            now,
            reviewed,
            new_allowed,
            bury_siblings=True,
            stories_first=stories_first,
            at_risk=at_risk,
        )
        return self.follow_plan(queue)

    # --- interview plan (drill/planner.py): while one is ahead, the day follows it ------------

    @cached_property
    def interview_plan(self):
        """The next interview's plan, made once per session from the cards as they are."""
        if self.mode != "daily" or not self.interviews:
            return None
        from drill import interview

        return interview.upcoming_plan(self.store, self.library, self.clock())

    def follow_plan(self, queue: list[Card]) -> list[Card]:
        """Today's planned cards first (siblings allowed: the interview comes first), then the
        other cards that are due, all within the plan's daily cap; cards the interview needs
        but the plan leaves out today, and unrelated new cards, wait."""
        plan = self.interview_plan
        if plan is None:
            return queue
        from drill import planner

        clock = self.clock()
        now = clock.utc
        reviewed = set().union(*self.store.reviewed_today(self.today(clock)).values())
        waiting = {
            c.id: c
            for c in self.store.cards_by_id(i for i in plan.plan.today() if i not in reviewed)
            if c.active and c.awake(now)
        }
        planned = [i for i in plan.plan.today() if i in waiting]
        due = [c for c in queue if not c.new and (c.memory.due or now) <= now]
        cards = {c.id: c for c in due} | {i: waiting[i] for i in planned}
        ids = planner.daily_order(planned, list(cards), plan.relevant, plan.cap - len(reviewed))
        return [cards[i] for i in ids]

    def plan_note(self) -> str | None:
        """The line the drill shows while an interview plan is ahead."""
        plan = self.interview_plan
        if plan is None:
            return None
        when = self.clock().local(plan.at).strftime("%a %d %b %H:%M")
        n = len(plan.plan.today())
        note = f"Interview plan: {n} of today's cards are for {plan.company} ({when})"
        if plan.deck:
            note += f"; the {plan.deck} deck is in the drill until then"
        missing = len(plan.plan.unreachable)
        if missing:
            note += (
                f". {missing} of {len(plan.cards)} cards cannot reach "
                f"{plan.plan.target:.0%} by then at {plan.minutes:g} min a day"
            )
        return note + "."

    def next_card(self) -> Prompt | None:
        if self.out_of_budget():
            return None
        queue = self.queue()
        self.queue_size = min(self.max_cards, self.done + len(queue))
        for card in queue:
            prompt = self.prompt_for(card)
            if prompt is not None:
                prompt.shown_at = self.timer()
                return prompt
        return None

    def prompt_for(self, card: Card) -> Prompt | None:
        library = self.library
        if card.kind == "story":
            story = library.stories.get(card.ref)
            if story is None:
                return None
            return Prompt(card, "story", story=story, facet=card.facet)
        question = library.questions.get(card.ref)
        if question is None:
            return None
        mapped = (
            self.store.mapped_stories(question.id) | library.answer_key.get(question.id, set())
        ) & library.stories.keys()
        return Prompt(
            card,
            card.kind,
            question=question,
            wording=question.wording(card.memory.reps),
            candidates=grading.rank_stories(question, library.stories.values()),
            mapped=mapped,
        )

    # --- answering ----------------------------------------------------------------------------

    def reveal(self, prompt: Prompt, answer: Answer) -> Reveal:
        stories = self.library.stories
        if prompt.kind == "story":
            reference = prompt.story
            pick = grading.RIGHT
            typed = answer.recall if prompt.facet == "outcome" else ""
        else:
            pick = grading.verdict(answer.story, prompt.mapped, answer.fits)
            if answer.story in stories and pick != grading.WRONG:
                reference = stories[answer.story]
            else:
                reference = stories.get(sorted(prompt.mapped)[0]) if prompt.mapped else None
            typed = answer.metric if pick not in (grading.WRONG, grading.NO_PICK) else ""
        metric = reference.section_text("metric") if reference else ""
        check = grading.metric_check(metric, typed)
        if prompt.kind == "story":
            suggested = grading.suggest_recall_grade(answer.recall, check)
        else:
            suggested = grading.suggest_grade(pick, check)
        clock = self.clock()
        intervals = {
            rating: scheduling.format_interval(delta)
            for rating, delta in scheduling.preview(
                prompt.card.memory, clock.utc, self.scheduler
            ).items()
        }
        return Reveal(pick, reference, check, suggested, intervals)

    def judge(self, prompt: Prompt, answer: Answer, fits: bool | None) -> None:
        """The user's word on a pick for an unmapped question; a fit is kept as its story."""
        answer.fits = fits
        if fits and answer.story and prompt.question is not None:
            self.keep_mapping(prompt.question, self.library.stories[answer.story])

    def keep_mapping(self, question: Question, story: Story) -> None:
        """Remember a pick on an unmapped question as its story."""
        self.store.map_story(question.id, story.id, iso(self.clock().utc))

    def grade(self, prompt: Prompt, answer: Answer, rating: int) -> int:
        """Schedule the card and commit the review before anything else happens."""
        clock = self.clock()
        after = scheduling.review(prompt.card.memory, rating, clock.utc, self.scheduler)
        review = Review(
            at=clock.utc,
            day=self.today(clock),
            rating=rating,
            mode=self.mode,
            duration_ms=int((self.timer() - prompt.shown_at) * 1000),
            latency_ms=answer.latency_ms,
            story=answer.story,
            answer=answer.to_dict() or None,
            pre_interview=any(at - timedelta(hours=48) <= clock.utc < at for at in self.interviews),
            rescheduled=self.reschedule,
        )
        review_id = self.store.record_review(
            prompt.card.id, after if self.reschedule else None, review, expect_before=prompt.card
        )
        self.history.append((review_id, prompt.card.id, rating))
        return review_id

    def undo(self) -> dict | None:
        """Take back this session's last grade; the card comes back as it was."""
        if not self.history:
            return None
        row = self.store.undo_last(self.history[-1][0])  # may refuse: then nothing changes
        self.history.pop()
        return row

    def skip(self, prompt: Prompt) -> None:
        """Bury the card until the next study day."""
        self.store.bury(prompt.card.id, iso(self.clock().next_day_start(self.config.day_starts_at)))

    def refresh(self, prompt: Prompt) -> Prompt | None:
        """The card on screen as it is now (after an edit and reload); None when it is gone
        from the drill. Keeps when it was first shown, so its duration stays honest."""
        card = self.store.card(prompt.card.id)
        fresh = self.prompt_for(card) if card and card.active else None
        if fresh is not None:
            fresh.shown_at = prompt.shown_at
            fresh.mapped = prompt.mapped & self.library.stories.keys()  # as when it was asked
        return fresh

    def first_visit(self) -> bool:
        """True the first time a drill opens in this home (then never again)."""
        if self.store.get_meta("oriented"):
            return False
        self.store.set_meta("oriented", iso(self.clock().utc))
        return True

    def editable_path(self, story: Story) -> Path:
        """The file to open for editing a story: the user's own file; for an example, a copy
        in the user's stories made first (shipped files are never opened for writing)."""
        if not story.example:
            return story.path
        return own_copy(story, self.library.home.stories_dir)

    def reload(self) -> None:
        """Re-read the bank and decks (after an edit) and re-sync the cards."""
        self.library = Library(self.library.home, self.library.config, self.library.extra_decks)
        sync(self.store, self.library, iso(self.clock().utc))

    def summary(self) -> Summary:
        clock = self.clock()
        return Summary(
            reviewed=len(self.history),
            again=sum(1 for _, _, r in self.history if r == 1),
            seconds=self.elapsed(),
            next_due=parse_iso(self.store.next_due(self.kinds, iso(clock.utc))),
            streak=streak_days(
                self.store.study_days(), clock.day(clock.now, self.config.day_starts_at)
            ),
        )
