"""The lint rules: each one function, each encoding one part of the evidence an interviewer
listens for, each finding pointing at the line that caused it with a fix in one sentence.

Patterns are kept narrow on purpose, because a coach that cries wolf gets ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TypedDict, cast

from drill.bank import LEVELS, SECTIONS, Story
from drill.coach.level import estimate_level, influence, weighed_elsewhere, within_reach
from drill.coach.numbers import has_measurement, measurements, pairs
from drill.coach.signals import (
    assigned,
    generic_learning,
    is_failure_story,
    options,
    real_cost,
    vague,
)
from drill.coach.text import (
    I_WORDS,
    Sentence,
    body,
    i_action_count,
    roles_outside,
    sentences,
    short,
    split,
    title_line,
    we_action_count,
)
from drill.decks import Taxonomy

ERROR, WARNING, INFO = "error", "warning", "info"
REQUIRED_CATEGORIES = (
    "technical-decision",
    "cross-functional-conflict",
    "failure",
    "mentoring",
    "influence-without-authority",
)


class FindingDict(TypedDict):
    rule: str
    severity: str
    story: str
    section: str
    line: int
    span: str
    fix: str


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # "error" | "warning" | "info"
    story: str
    section: str  # "" for the whole story
    line: int  # 1-based line in the story file
    span: str  # the user's own words
    fix: str

    def to_dict(self) -> FindingDict:
        return cast(FindingDict, asdict(self))


@dataclass(frozen=True)
class LintContext:
    level: str = "senior"
    required: tuple[str, ...] = REQUIRED_CATEGORIES
    failure_category: str = "failure"


Rule = Callable[[Story, LintContext], list[Finding]]
RULES: dict[str, Rule] = {}


def rule(rule_id: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[rule_id] = fn
        return fn

    return register


# Fixes in one place, so the product's wording can be reviewed and tuned without touching logic.
# "rule/variant" keys share the rule's id; {fields} are filled in by the rule.
FIXES = {
    "missing-section": "Add a '## {title}' section with {ask}.",
    "missing-section/empty": "Fill in {title} with {ask}.",
    "we-heavy": "'We' outnumbers 'I' {we} to {i} where you acted: say what you yourself "
    "found, decided, wrote or argued.",
    "we-heavy/step": "Name your own part of this step ('I proposed…', 'I wrote…') instead of 'we'.",
    "no-metric": "Put a measured number here, best as a before and after "
    "(e.g. 'deploys went from 40 minutes to 6').",
    "vague-outcome": "'{word}' by how much? Replace it with the measured change, before and after.",
    "no-baseline": "Give the starting value next to the result ('from 1.8 s to 240 ms') so the "
    "size of the change is visible.",
    "no-baseline/relative": "Add the absolute values behind the relative change: where it "
    "started and where it ended.",
    "long-situation": "Trim Situation from {count} sentences to four at most: keep size, team "
    "and stakes, and get to the problem sooner.",
    "assigned-problem": "Show what you noticed yourself that made this worth doing; a problem "
    "handed to you reads as mid-level.",
    "few-alternatives": "List at least two options you turned down, each with the reason it lost.",
    "few-alternatives/reason": "Say why this option lost: its cost, risk, time, or who it would "
    "have hurt.",
    "no-influence": "Name someone outside your reporting line you had to win over (a PM, "
    "another team's lead, SRE, security) and how you moved them.",
    "no-influence/start": "Say where they stood before you moved them: what they wanted at "
    "first, and why that was reasonable for them.",
    "generic-learning": "{why}: name the assumption or habit that failed here and the concrete "
    "practice you keep now.",
    "safe-failure": "Show what the mistake actually cost (an outage, lost customers, money, "
    "weeks) with a number; a failure without a cost reads as safe.",
    "safe-failure/lesson": "Name the exact assumption in your own reasoning that was wrong and "
    "the check you now run because of it.",
    "below-level": "Reads as {level}, target {target}: {step}",
}
_ASK = {
    "situation": "two to four sentences on the company, your team and what was at stake",
    "problem": "what you noticed or diagnosed yourself",
    "decision": "the call you made and the reason it won",
    "alternatives": "two or more options you turned down, each with its reason",
    "people": "who outside your line you had to convince and where they started",
    "outcome": "what changed because of you",
    "metric": "a number, ideally from a baseline to a result",
    "learning": "one specific thing you would now do differently",
}


def _finding(
    key: str, story: Story, section: str, line: int, span: str, severity: str, **values: object
) -> Finding:
    rule_id = key.split("/")[0]
    return Finding(rule_id, severity, story.id, section, line, span, FIXES[key].format(**values))


def _at(key: str, story: Story, s: Sentence, severity: str = WARNING, **values: object) -> Finding:
    return _finding(key, story, s.section.name, s.line, short(s.text), severity, **values)


@rule("missing-section")
def rule_missing_section(story: Story, ctx: LintContext) -> list[Finding]:
    out = []
    for name in SECTIONS:
        section, text = body(story, name)
        values = {"title": name.title(), "ask": _ASK[name]}
        if section is None:
            out.append(
                _finding("missing-section", story, name, title_line(story), "", ERROR, **values)
            )
        elif not text:
            heading = f"## {section.heading}"
            out.append(
                _finding(
                    "missing-section/empty", story, name, section.line, heading, ERROR, **values
                )
            )
    return out


_ACTED = ("problem", "decision", "people", "outcome")


@rule("we-heavy")
def rule_we_heavy(story: Story, ctx: LintContext) -> list[Finding]:
    """ "We" as the actor outweighs "I" where the user acted; "our X" is not a claim."""
    said = sentences(story, *_ACTED)
    i_count = sum(i_action_count(s.text) for s in said)
    we_count = sum(we_action_count(s.text) for s in said)
    acting = [s for s in said if we_action_count(s.text)]
    out, first = [], None
    if we_count >= 2 and we_count > i_count:
        first = acting[0]
        out.append(_at("we-heavy", story, first, we=we_count, i=i_count))
    for s in acting:
        if s is not first and not I_WORDS.search(s.text) and not _led_by_other(s.text):
            out.append(_at("we-heavy/step", story, s))
    return out


_THIRD = re.compile(r"\b(?:[Ss]he|[Hh]e|[Tt]hey)\b")


def _led_by_other(text: str) -> bool:
    """ "She agreed once we set the limit": someone else is the sentence's subject, and "we"
    is the writer with them, not the writer hiding behind the team."""
    start = re.search(r"\b[Ww]e\b", text)
    before = text[: start.start()] if start else ""
    return bool(before and (_THIRD.search(before) or roles_outside(before)))


@rule("no-metric")
def rule_no_metric(story: Story, ctx: LintContext) -> list[Finding]:
    said = sentences(story, "metric")
    if not said or any(has_measurement(s.text) for s in said):
        return []
    return [_at("no-metric", story, said[0])]


@rule("vague-outcome")
def rule_vague_outcome(story: Story, ctx: LintContext) -> list[Finding]:
    told = sentences(story, "outcome", "metric")
    if any(has_measurement(s.text) for s in told):
        return []  # a claim the story's own numbers back
    out = []
    for s in sentences(story, "outcome"):
        match = vague(s.text)
        if match:
            out.append(_at("vague-outcome", story, s, word=match.group()))
    return out


_RELATIVE = re.compile(
    r"(?i)\bby\s+\d[\d.,]*\s?%|\d\s?[x×](?!\w)|\b(?:halved|doubled|tripled|by\s+half)\b|"
    r"\d\s?%\s+(?:fewer|less|more|faster|slower|lower|higher|cheaper|drop|reduction|increase)"
)
_BEFORE_AFTER = re.compile(
    r"(?i)\bbaseline\b|\bbefore\b.*\bafter\b|\bused\s+to\b|\bwas\b.*\bnow\b", re.S
)


@rule("no-baseline")
def rule_no_baseline(story: Story, ctx: LintContext) -> list[Finding]:
    section, text = body(story, "metric")
    if section is None or not text:  # no Metric: the Outcome is where the numbers are
        section, text = body(story, "outcome")
    nums = measurements(text)
    if section is None or not nums or pairs(text, nums):
        return []
    if len(nums) >= 2 and _BEFORE_AFTER.search(text):
        return []
    _, outcome = body(story, "outcome")
    if pairs(outcome, measurements(outcome)):
        return []
    pieces = split(text)
    start, sentence = ([p for p in pieces if p[0] <= nums[0].start] or pieces)[-1]
    found = Sentence(sentence, start, section)
    if _RELATIVE.search(text):
        return [_at("no-baseline/relative", story, found, INFO)]
    return [_at("no-baseline", story, found)]


@rule("long-situation")
def rule_long_situation(story: Story, ctx: LintContext) -> list[Finding]:
    said = sentences(story, "situation")
    if len(said) <= 4:
        return []
    return [_at("long-situation", story, said[4], count=len(said))]


@rule("assigned-problem")
def rule_assigned_problem(story: Story, ctx: LintContext) -> list[Finding]:
    return [
        _at("assigned-problem", story, s)
        for s in sentences(story, "situation", "problem")
        if assigned(s.text)
    ]


@rule("few-alternatives")
def rule_few_alternatives(story: Story, ctx: LintContext) -> list[Finding]:
    found = options(story)
    said = sentences(story, "alternatives")
    if story.sections.get("alternatives") is None or not said:
        if weighed_elsewhere(story):
            return []
        return [_finding("few-alternatives", story, "alternatives", title_line(story), "", WARNING)]
    if len(found) <= 1:  # "None really" is a section with no option in it
        return [_at("few-alternatives", story, found[0][0] if found else said[0])]
    return [_at("few-alternatives/reason", story, o) for o, reasoned in found if not reasoned]


@rule("no-influence")
def rule_no_influence(story: Story, ctx: LintContext) -> list[Finding]:
    if influence(story):
        return []  # someone outside the line, and where they started, anywhere in the story
    said = sentences(story, "people")
    with_role = [s for s in said if roles_outside(s.text)]
    if with_role:
        return [_at("no-influence/start", story, with_role[0])]
    if said:
        return [_at("no-influence", story, said[0])]
    return [_finding("no-influence", story, "people", title_line(story), "", WARNING)]


@rule("generic-learning")
def rule_generic_learning(story: Story, ctx: LintContext) -> list[Finding]:
    found = generic_learning(story)
    return [_at("generic-learning", story, found[0], why=found[1])] if found else []


@rule("safe-failure")
def rule_safe_failure(story: Story, ctx: LintContext) -> list[Finding]:
    if not is_failure_story(story, ctx.failure_category):
        return []
    shown = sentences(story, "outcome", "metric")
    if shown and not any(real_cost(s.text) for s in shown):
        return [_at("safe-failure", story, shown[0])]
    generic = generic_learning(story)
    return [_at("safe-failure/lesson", story, generic[0])] if generic else []


@rule("below-level")
def rule_below_level(story: Story, ctx: LintContext) -> list[Finding]:
    estimate = estimate_level(story)
    gap = LEVELS.index(ctx.level) - LEVELS.index(estimate.level)
    if gap <= 0 or (gap == 1 and within_reach(story, estimate, ctx.level)):
        return []
    missing = estimate.missing_for(ctx.level) or ["Add the missing evidence."]
    step = missing[0][0].lower() + missing[0][1:]
    severity = ERROR if gap >= 2 else WARNING
    line = title_line(story)
    return [
        _finding(
            "below-level",
            story,
            "",
            line,
            story.title,
            severity,
            level=estimate.level,
            target=ctx.level,
            step=step,
        )
    ]


def lint(story: Story, level: str = "senior", taxonomy: Taxonomy | None = None) -> list[Finding]:
    """Every rule's findings for one story, in file order."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    required = tuple(taxonomy.required) if taxonomy and taxonomy.required else REQUIRED_CATEGORIES
    ctx = LintContext(level, required)
    order = {rule_id: n for n, rule_id in enumerate(RULES)}
    findings = [f for fn in RULES.values() for f in fn(story, ctx)]
    return sorted(findings, key=lambda f: (f.line, order[f.rule]))
