"""The level ladder an interviewer reads a story against, lowest rung first."""

LEVELS = ("junior", "mid", "senior", "staff")
