"""Analysis of a spoken or typed answer: length, I vs we, numbers (spelled out too), decision
language, fillers, hedges, sections touched, and numbers that contradict the story.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from drill.bank import SECTIONS, Story
from drill.coach.numbers import MEASURED, consistent, metric_match, numbers, pairs, role
from drill.coach.text import I_SPOKEN, WE_WORDS, body, words

WORDS_PER_MINUTE = 150
BUDGET_SECONDS = 180

_DECISION_PHRASE = re.compile(
    r"(?i)\b(?:chose|choose|chosen|decided|decision|instead\s+of|trade-?offs?|because|"
    r"rather\s+than|rejected|weighed|went\s+with|opted|ruled\s+out|considered|"
    r"in\s+favou?r\s+of|at\s+the\s+cost\s+of)\b"
)
_FILLER = re.compile(
    r"(?i)\b(?:um+|uh+|erm|you\s+know|basically|actually|kind\s+of|sort\s+of|so\s+yeah|"
    r"i\s+mean|literally)\b|\blike(?=\s*,)|(?<=,\s)like\b|(?<=,)like\b"
)
_HEDGE = re.compile(
    r"(?i)\b(?:I\s+think|maybe|probably|I\s+guess|sort\s+of|kind\s+of|somewhat|perhaps)\b"
)
_TOUCH = {
    "situation": re.compile(
        r"(?i)\b(?:company|startup|org|organi[sz]ation|at\s+the\s+time|back\s+then|"
        r"when\s+I\s+joined|team\s+of|series\s+[a-e]|scale-?up|headcount)\b"
    ),
    "problem": re.compile(
        r"(?i)\b(?:problem|issue|noticed|reali[sz]ed|discovered|found\s+that|root\s+cause|"
        r"bottleneck|diagnos\w*|spotted|traced|broken|failing)\b"
    ),
    "decision": re.compile(
        r"(?i)\b(?:decided|decision|chose|choose|went\s+with|picked|proposed|recommended|"
        r"opted|settled\s+on|made\s+the\s+call)\b"
    ),
    "alternatives": re.compile(
        r"(?i)\b(?:instead\s+of|rather\s+than|rejected|considered|alternatives?|options?|"
        r"weighed|ruled\s+out|trade-?offs?|turned\s+down)\b"
    ),
    "people": re.compile(
        r"(?i)\b(?:convinced|persuaded|pushed\s+back|buy-in|won\s+over|on\s+board|"
        r"stakeholders?|product\s+manager|PM|designer|director|VP|another\s+team)\b"
    ),
    "outcome": re.compile(
        r"(?i)\b(?:result(?:ed)?|outcome|shipped|launched|rolled\s+out|as\s+a\s+result|"
        r"in\s+the\s+end|ended\s+up|impact)\b"
    ),
    "learning": re.compile(
        r"(?i)\b(?:learned|learnt|lesson|differently|next\s+time|in\s+hindsight|"
        r"looking\s+back|takeaway|would\s+change)\b"
    ),
}
_STOP_WORDS = (
    "that this with from have were they them their there then than what when where which while "
    "would could should about after before into over under also just some more most very much "
    "many such only other each been being does done make made like will your ours those these "
    "because team work worked time really thing things said told know even well back still went"
)
_STOP = set(_STOP_WORDS.split())


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _content(text: str) -> set[str]:
    """Content words, stemmed, and metric names such as "p99" or "sev2"."""
    low = text.lower()
    found = {_stem(w) for w in re.findall(r"[a-z][a-z'-]{3,}", low) if w not in _STOP}
    return found | set(re.findall(r"\b[a-z]{1,4}\d{1,3}\b", low))


@dataclass(frozen=True)
class Contradiction:
    said: str
    story: str  # the story's number it conflicts with
    section: str
    line: int
    context: str  # the word both share, e.g. "latency"

    def __str__(self) -> str:
        return f"said {self.said}, story says {self.story}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Analysis:
    words: int
    seconds: float
    budget_seconds: int
    over_budget: bool
    i_count: int
    we_count: int
    numbers: list[str]
    metrics: list[str]
    decision_phrases: list[str]
    fillers: list[str]
    fillers_per_100: float
    hedges: list[str]
    hedges_per_100: float
    first_number_at: float | None
    sections_touched: list[str]
    contradictions: list[Contradiction] = field(default_factory=list)
    story_numbers_missing: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _contradictions(text: str, story: Story) -> list[Contradiction]:
    """Numbers said that clash with the story: same unit, a shared context word, other value."""
    told = []  # (section, section text, number, role)
    for name in SECTIONS:
        section, said_in = body(story, name)
        if section is not None and said_in:
            nums = [n for n in numbers(said_in) if n.klass in MEASURED]
            found = pairs(said_in, nums)
            told += [(section, said_in, n, role(said_in, n, found)) for n in nums]
    headline = numbers(f"{story.title}\n{story.summary}")  # figures the story states too
    said = [n for n in numbers(text) if n.klass in MEASURED]
    said_pairs = pairs(text, said)
    out = []
    for a in said:
        peers = [t for t in told if t[2].kind == a.kind]
        if not peers or any(consistent(a, n) for n in [*headline, *(t[2] for t in peers)]):
            continue
        near = _content(text[max(0, a.start - 50) : a.end + 25])
        after = _content(" ".join(text[a.end :].split()[:3]))
        a_role = role(text, a, said_pairs)
        best, best_score, shared = None, 0, ""
        for section, said_in, n, n_role in peers:
            common = near & _content(said_in[max(0, n.start - 50) : n.end + 25])
            same_noun = after & _content(" ".join(said_in[n.end :].split()[:3]))
            same_role = bool(n_role) and n_role == a_role
            if not common or (a.kind == "" and not (same_noun or same_role)):
                continue
            score = len(common) + 2 * same_role + 2 * bool(same_noun)
            if score > best_score:
                best, best_score, shared = (
                    (section, n),
                    score,
                    max(sorted(same_noun or common), key=len),
                )
        if best:
            section, n = best
            out.append(
                Contradiction(a.text, n.text, section.name, section.line_of(n.start), shared)
            )
    return out


def analyze(
    text: str, story: Story | None = None, budget_seconds: int = BUDGET_SECONDS
) -> Analysis:
    """Figures on a spoken or typed answer, checked against the story when there is one."""
    tokens = words(text)
    total = len(tokens)
    nums = [n for n in numbers(text) if n.klass not in ("date", "version", "id")]
    joined = pairs(text, nums)
    in_pairs = {id(n) for pair in joined for n in pair}
    metrics = [f"{a.text} → {b.text}" for a, b in joined]
    metrics += [n.text for n in nums if id(n) not in in_pairs and n.kind and n.klass in MEASURED]
    fillers = [" ".join(m.group().strip(" ,").lower().split()) for m in _FILLER.finditer(text)]
    hedges = [" ".join(m.group().lower().split()) for m in _HEDGE.finditer(text)]
    phrases = [" ".join(m.group().lower().split()) for m in _DECISION_PHRASE.finditer(text)]
    first = None
    if nums and total:
        first = round(sum(1 for w in tokens if w.start() < nums[0].start) / total, 2)
    touched = {name for name, pattern in _TOUCH.items() if pattern.search(text)}
    if nums:
        touched.add("metric")
    contradictions: list[Contradiction] = []
    missing: list[str] = []
    if story is not None:
        said = _content(text)
        for name in SECTIONS:
            own = _content(body(story, name)[1])
            hits = len(own & said)
            if own and (hits >= 3 or hits >= max(2, 0.3 * len(own))):
                touched.add(name)
        contradictions = _contradictions(text, story)
        missing = metric_match(body(story, "metric")[1], text)[1]
    seconds = round(total * 60 / WORDS_PER_MINUTE, 1)

    def per_100(found: list[str]) -> float:
        return round(len(found) * 100 / total, 1) if total else 0.0

    return Analysis(
        words=total,
        seconds=seconds,
        budget_seconds=budget_seconds,
        over_budget=seconds > budget_seconds,
        i_count=len(I_SPOKEN.findall(text)),
        we_count=len(WE_WORDS.findall(text)),
        numbers=[n.text for n in nums],
        metrics=metrics,
        decision_phrases=list(dict.fromkeys(phrases)),
        fillers=fillers,
        fillers_per_100=per_100(fillers),
        hedges=hedges,
        hedges_per_100=per_100(hedges),
        first_number_at=first,
        sections_touched=[name for name in SECTIONS if name in touched],
        contradictions=contradictions,
        story_numbers_missing=missing,
    )


FOLLOWUP_NUMBER = "What number showed it worked, and how did you measure it?"
FOLLOWUP_PERSONAL = "Which part of that was yours, personally?"
FOLLOWUP_ALTERNATIVE = "What other options did you weigh, and why did you turn them down?"
FOLLOWUP_DEFAULT = "Looking back, what would you do differently?"


def followup_for(analysis: Analysis, question_followups: Sequence[str] = ()) -> str:
    """The follow-up an interviewer would ask next, aimed at the answer's weakest spot."""
    if not analysis.numbers:
        return FOLLOWUP_NUMBER
    if analysis.we_count > analysis.i_count:
        return FOLLOWUP_PERSONAL
    if "alternatives" not in analysis.sections_touched:
        return FOLLOWUP_ALTERNATIVE
    return question_followups[0] if question_followups else FOLLOWUP_DEFAULT
