"""How answers become grades: story ranking, the verdict on a pick, the metric check and the
suggested grade. Pure functions: text and sets in, values out."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from drill.bank import Story
from drill.decks import Question

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4

# What a pick on a question card turned out to be.
RIGHT = "right"  # a story mapped to the question (by the user or the answer key)
WRONG = "wrong"  # the question has mapped stories and this is none of them
NO_PICK = "none"  # no story named
FITS = "fits"  # unmapped question; the user judged the pick fits (and kept it)
DOUBT = "doubt"  # unmapped question; the user judged it does not fit
UNVERIFIED = "unverified"  # unmapped question; the user did not say

MIN_MATCH = 3  # letters a typed pick needs before summaries are searched


def overlap(question: Question, story: Story) -> int:
    """Tag overlap: a shared category counts double a shared principle."""
    return 2 * len(set(question.categories) & set(story.categories)) + len(
        set(question.principles) & set(story.principles)
    )


def rank_stories(question: Question, stories: Iterable[Story]) -> list[Story]:
    """Candidate stories for a question, best tag overlap first, then by id."""
    return sorted(stories, key=lambda s: (-overlap(question, s), s.id))


def verdict(picked: str | None, mapped: set[str], fits: bool | None = None) -> str:
    """Right only against a mapping; on an unmapped question the user's own judgment."""
    if picked is None:
        return NO_PICK
    if mapped:
        return RIGHT if picked in mapped else WRONG
    if fits is None:
        return UNVERIFIED
    return FITS if fits else DOUBT


@dataclass(frozen=True)
class MetricCheck:
    """The story's Metric numbers against what was typed; the headline pair weighs most."""

    matched: tuple[str, ...]
    missed: tuple[str, ...]
    headline: tuple[str, ...]  # the first from→to or baseline→result pair (or first number)

    @property
    def headline_hit(self) -> bool:
        return bool(self.headline) and all(n in self.matched for n in self.headline)

    @property
    def numbers(self) -> tuple[str, ...]:
        return self.matched + self.missed


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CLAUSE = re.compile(r";|\n\s*\n|\n\s*[-*+]\s|(?<=[.!?])\s+(?=[A-Z])")
_PAIRING = re.compile(
    r"(?i)\b(?:from|to|down|up|against|vs\.?|versus|compared|than|baseline|median|average|"
    r"before|after|now)\b|→|->|=>"
)


def headline_numbers(metric_text: str) -> tuple[str, ...]:
    """The Metric section's headline: the numbers of its first change or comparison
    ("from 9 hours to 40 minutes", "12 minutes against a median of 35"), else its first
    number."""
    from drill.coach import extract_numbers

    text = _COMMENT.sub(" ", metric_text)
    for clause in _CLAUSE.split(text):
        numbers = extract_numbers(clause)
        if len(numbers) >= 2 and _PAIRING.search(clause):
            return tuple(numbers[:2])
    first = extract_numbers(text)[:1]
    return tuple(first)


def metric_check(metric_text: str, typed: str) -> MetricCheck | None:
    """None when there is nothing to check: no numbers in the story or nothing typed."""
    from drill.coach import metric_match

    if not typed.strip() or not metric_text.strip():
        return None
    matched, missed = metric_match(metric_text, typed)
    if not matched and not missed:
        return None
    return MetricCheck(tuple(matched), tuple(missed), headline_numbers(metric_text))


def suggest_grade(pick: str, check: MetricCheck | None) -> int:
    """The suggestion for a question card.

    A wrong pick, no pick, or a pick the user judged not to fit: Again. An unverified pick
    the user did not judge: Hard at best. Otherwise the metric check decides when there was
    one: the headline recalled is Good (secondary figures only colour it), the headline
    missed is Hard. With no metric typed there is no evidence either way: the pick alone
    decides, Good.
    """
    if pick in (WRONG, NO_PICK, DOUBT):
        return AGAIN
    if check is not None and not check.headline_hit:
        return HARD
    if pick == UNVERIFIED:
        return HARD
    return GOOD


def suggest_recall_grade(recall: str, check: MetricCheck | None) -> int | None:
    """The suggestion for a story card: nothing typed gives no evidence, so no suggestion."""
    if not recall.strip():
        return None
    if check is not None and not check.headline_hit:
        return HARD
    return GOOD


def pick_grade(right_story: bool, latency_s: float, deadline_s: float) -> int:
    """Wrong: Again; over the deadline: Hard; under a third of it: Easy; else Good."""
    if not right_story:
        return AGAIN
    if latency_s > deadline_s:
        return HARD
    if latency_s < deadline_s / 3:
        return EASY
    return GOOD


def resolve_story(typed: str, stories: Iterable[Story]) -> tuple[Story | None, list[Story]]:
    """The story a typed pick names: exact id, unique id prefix, or a unique story whose id,
    title or summary holds every typed word as a whole word (words of MIN_MATCH letters or
    more; a letter or two never names a story).

    Returns (story, []) when clear, (None, candidates) when ambiguous or unknown.
    """
    text = typed.strip().lower()
    stories = list(stories)
    if not text:
        return None, []
    for story in stories:
        if story.id.lower() == text:
            return story, []
    prefix = [s for s in stories if s.id.lower().startswith(text)]
    if len(text) < MIN_MATCH:
        return None, prefix  # never a pick, but the ids it starts are worth naming
    if len(prefix) == 1:
        return prefix[0], []
    words = [w for w in re.split(r"[\s,]+", text) if w]
    if any(len(w) < MIN_MATCH for w in words):
        return None, prefix
    found = [s for s in stories if all(_has_word(w, _searchable(s)) for w in words)]
    if len(found) == 1:
        return found[0], []
    return None, prefix or found


def unmatched(typed: str, options: list[Story], stories: Iterable[Story]) -> str:
    """Why a typed name picked no story, with the story it most likely meant."""
    import difflib

    text = typed.strip()
    if len(options) > 1:
        return f"More than one story matches {text!r}: {', '.join(s.id for s in options[:6])}"
    if options:
        return f"{text!r} is too short to name a story: did you mean {options[0].id}?"
    ids = [s.id for s in stories]
    close = difflib.get_close_matches(text.lower(), ids, n=1, cutoff=0.75)
    return f"No story matches {text!r}" + (f": did you mean {close[0]}?" if close else "")


def _searchable(story: Story) -> str:
    return f"{story.id} {story.id.replace('-', ' ')} {story.title} {story.summary}".lower()


def _has_word(word: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w])", text) is not None
