"""Coaching while writing: as soon as a section is typed, the follow-up an interviewer would ask.

`probe_section` runs the rules that read that one section and turns each finding into the
question that would draw out the missing evidence; the writer may answer (the answer is added
to the section) or skip it. Pure: no terminal, no files.
"""

from __future__ import annotations

from dataclasses import dataclass

from drill.bank import SECTIONS, parse_story
from drill.coach.rules import RULES, Finding, LintContext

# One question per finding kind, keyed by the rule and a word of its fix that tells variants
# apart; the first key that matches wins.
_QUESTIONS: list[tuple[str, str, str]] = [
    ("no-baseline", "absolute values", "What were the absolute numbers, before and after?"),
    ("no-baseline", "", "What was it before?"),
    ("no-metric", "", "What number showed it worked, and what was it before?"),
    ("vague-outcome", "", "By how much, and how did you measure it?"),
    ("we-heavy", "", "Which part of that was yours, personally: what did you do?"),
    ("assigned-problem", "", "What did you notice yourself that made this worth doing?"),
    ("few-alternatives", "at least two", "What else did you consider, and why did it lose?"),
    ("few-alternatives", "", "What did that cost: why did this option lose?"),
    ("no-influence", "stood", "Where did they start, and what changed their mind?"),
    (
        "no-influence",
        "",
        "Who outside your team had to agree, and where did they start?",
    ),
    (
        "generic-learning",
        "",
        "Which assumption of yours failed here, and what do you do differently now?",
    ),
    ("long-situation", "", "Which two or three facts does the interviewer need to follow?"),
    ("safe-failure", "cost", "What did that cost?"),
    ("safe-failure", "", "Which assumption was wrong, and what check do you run now?"),
]
_SKIPPED = frozenset({"missing-section", "below-level"})  # whole-story rules, not a section's


@dataclass(frozen=True)
class Probe:
    rule: str
    question: str  # what an interviewer would ask next
    span: str  # the writer's words that raised it ("" for the section as a whole)


def _question(finding: Finding) -> str:
    for rule_id, key, question in _QUESTIONS:
        if finding.rule == rule_id and key in finding.fix:
            return question
    return finding.fix


def probe_section(section_name: str, text: str, failure: bool = False) -> list[Probe]:
    """The follow-ups for one section just typed; [] when it already holds the evidence or is
    empty (an empty section is skipped on purpose, not probed)."""
    if section_name not in SECTIONS or not text.strip():
        return []
    title = "My mistake" if failure else "Draft"
    story, _ = parse_story(f"# {title}\n\n## {section_name.title()}\n{text}\n", "draft", "draft.md")
    if story is None:
        return []
    ctx = LintContext()
    out: list[Probe] = []
    for rule_id, fn in RULES.items():
        if rule_id in _SKIPPED:
            continue
        for finding in fn(story, ctx):
            if finding.section != section_name:
                continue
            probe = Probe(rule_id, _question(finding), finding.span)
            if all(p.question != probe.question for p in out):
                out.append(probe)
    return out


def answer_into(text: str, answer: str) -> str:
    """The section with the probe's answer appended, the writer's words kept as typed."""
    answer = answer.strip()
    if not answer:
        return text
    return f"{text.rstrip()}\n{answer}" if text.strip() else answer
