"""What the store writes, as typed records rather than loose dicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

TYPE_CHECKING = False
if TYPE_CHECKING:
    from drill.cards import Mode


@dataclass(frozen=True)
class Rehearsal:
    """One row of `rehearsals`: a timed answer, its follow-up, and the grade (None if quit)."""

    at: str
    question: str
    story: str | None
    text: str
    seconds: float
    budget_seconds: int
    followup: str = ""
    followup_text: str = ""
    followup_seconds: float = 0.0
    analysis: str | None = None  # JSON of coach.Analysis
    rating: int | None = None  # None: stopped before the grade


@dataclass(frozen=True)
class Review:
    """What one grade writes to `reviews` (the store adds the card and its state before)."""

    at: datetime
    day: str  # the study day, ISO date
    rating: int
    mode: Mode
    duration_ms: int | None = None
    latency_ms: int | None = None
    story: str | None = None  # the story picked, for question and pick cards
    answer: dict | None = None  # what was typed (session.Answer.to_dict)
    pre_interview: bool = False  # within 48 hours before an interview
    rescheduled: bool = True  # False: logged, the schedule left alone (cram without it)
