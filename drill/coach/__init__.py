"""Story coaching: lint rules, the level ladder, answer analysis, bank coverage, import.

Pure text in, findings out: nothing here reads files, prints or prompts. One idea a module:
`text` and `numbers` read sentences and quantities, `signals` the evidence both the rules and
the ladder use, `rules` the lint rules (one function each), `level` the ladder, `analysis`
spoken answers, `coverage` the bank, `probes` the follow-ups asked while writing, `star`
the reading of STAR notes.
"""

from drill.bank import SECTIONS
from drill.coach.analysis import (
    BUDGET_SECONDS,
    FOLLOWUP_ALTERNATIVE,
    FOLLOWUP_DEFAULT,
    FOLLOWUP_NUMBER,
    FOLLOWUP_PERSONAL,
    WORDS_PER_MINUTE,
    Analysis,
    Contradiction,
    analyze,
    followup_for,
)
from drill.coach.coverage import Coverage, Gap, coverage
from drill.coach.level import _MISSING, NEGATIVE_SIGNALS, LevelEstimate, Signal, estimate_level
from drill.coach.numbers import extract_numbers, metric_match
from drill.coach.rules import (
    ERROR,
    FIXES,
    INFO,
    REQUIRED_CATEGORIES,
    RULES,
    WARNING,
    Finding,
    FindingDict,
    LintContext,
    lint,
)
from drill.coach.signals import is_failure_story

__all__ = [
    "BUDGET_SECONDS",
    "ERROR",
    "FIXES",
    "FOLLOWUP_ALTERNATIVE",
    "FOLLOWUP_DEFAULT",
    "FOLLOWUP_NUMBER",
    "FOLLOWUP_PERSONAL",
    "INFO",
    "NEGATIVE_SIGNALS",
    "REQUIRED_CATEGORIES",
    "RULES",
    "SECTIONS",
    "WARNING",
    "WORDS_PER_MINUTE",
    "_MISSING",
    "Analysis",
    "Contradiction",
    "Coverage",
    "Finding",
    "FindingDict",
    "Gap",
    "LevelEstimate",
    "LintContext",
    "Signal",
    "analyze",
    "coverage",
    "estimate_level",
    "extract_numbers",
    "followup_for",
    "is_failure_story",
    "lint",
    "metric_match",
]
