"""What the store writes, as typed records rather than loose dicts."""

from __future__ import annotations

from dataclasses import dataclass


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
