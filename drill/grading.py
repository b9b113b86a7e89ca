"""How answers become grades: story ranking, the suggested grade, pick auto-grading."""

from __future__ import annotations

from collections.abc import Iterable

from drill.bank import Story
from drill.decks import Question

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


def overlap(question: Question, story: Story) -> int:
    """Tag overlap: a shared category counts double a shared principle."""
    return 2 * len(set(question.categories) & set(story.categories)) + len(
        set(question.principles) & set(story.principles)
    )


def rank_stories(question: Question, stories: Iterable[Story]) -> list[Story]:
    """Candidate stories for a question, best tag overlap first, then by id."""
    return sorted(stories, key=lambda s: (-overlap(question, s), s.id))


def suggest_grade(right_story: bool, metric_numbers: list[str], missed: list[str]) -> int:
    """Wrong story: Again. Right story but the Metric's numbers not typed: Hard. Else Good."""
    if not right_story:
        return AGAIN
    if metric_numbers and missed:
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
    """The story a typed pick names: exact id, unique prefix, or a unique match in the summary.

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
    if len(prefix) == 1:
        return prefix[0], []
    words = text.split()
    found = [s for s in stories if all(w in f"{s.id} {s.title} {s.summary}".lower() for w in words)]
    if len(found) == 1:
        return found[0], []
    return None, prefix or found
