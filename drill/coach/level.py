"""The level ladder: junior to staff from every signal the story shows, wherever it shows it.

Each signal of the ladder is looked for in the whole story, not only in the section meant for
it, and a level is reached by enough of its signals rather than by a gate on one section: a
story without an Alternatives section loses the trade-off signal, not everything after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from drill.bank import LEVELS, SECTIONS, Story
from drill.coach.numbers import measurements, pairs
from drill.coach.signals import assigned, options
from drill.coach.text import (
    Sentence,
    body,
    has_reason,
    i_acts,
    i_does,
    roles_outside,
    sentences,
    short,
    stance,
    we_action_count,
)


@dataclass(frozen=True)
class Signal:
    name: str
    text: str  # the sentence of the story that shows it
    line: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


NEGATIVE_SIGNALS = frozenset({"assigned-problem"})  # evidence that holds a story back
SENIOR_SIGNALS = ("defined-problem", "trade-off", "influence", "measured-result")
STAFF_SIGNALS = ("multi-team", "strategy")
_REQUIRES = {  # in the order the "one addition" advice is given
    "junior": (),
    "mid": ("owned-work", "own-decision"),
    "senior": SENIOR_SIGNALS,
    "staff": STAFF_SIGNALS,
}
SENIOR_NEEDS = 3  # of the four senior signals: one missing section costs one signal
_MISSING = {
    "owned-work": "Say in the first person what you built, wrote, traced or ran, so the work "
    "is visibly yours.",
    "own-decision": "State the decision as your own call ('I chose…'), not the team's.",
    "alternative": "Give at least one option you turned down and the reason it lost.",
    "assigned-problem": "Replace 'I was asked to…' with the moment you saw the problem and "
    "made the case for working on it.",
    "defined-problem": "Show how you found the problem yourself: what you noticed, measured or "
    "traced before anyone handed it to you.",
    "trade-off": "Weigh at least two rejected options, each with the reason it lost, against "
    "the one you chose.",
    "influence": "Name someone outside your reporting line (a PM, another team's lead, SRE) "
    "and say where they stood at first and what changed their mind.",
    "measured-result": "Give the result as a measured change from where it started ('pages "
    "went from 41 a week to 9').",
    "multi-team": "Show the reach: how many teams or orgs the decision touched, including "
    "engineers you never worked with.",
    "strategy": "Show the ambiguity above team level: what the company itself had not settled "
    "and how your framing settled it.",
}


@dataclass(frozen=True)
class LevelEstimate:
    level: str
    evidence: list[Signal] = field(default_factory=list)

    @property
    def signals(self) -> set[str]:
        return {s.name for s in self.evidence}

    def missing_for(self, target: str) -> list[str]:
        """What the story lacks to read at `target`, as sentences; [] when it already does.
        The first item is the one addition that lifts the story a level."""
        if LEVELS.index(self.level) >= LEVELS.index(target):
            return []
        have = self.signals
        out = []
        for lvl in LEVELS[LEVELS.index(self.level) + 1 : LEVELS.index(target) + 1]:
            for name in _REQUIRES[lvl]:
                if name in have:
                    continue
                if name == "defined-problem" and "assigned-problem" in have:
                    name = "assigned-problem"
                if _MISSING[name] not in out:
                    out.append(_MISSING[name])
        return out

    def missing_signals(self, target: str) -> list[str]:
        """The names behind `missing_for`, for JSON."""
        names = {v: k for k, v in _MISSING.items()}
        return [names[m] for m in self.missing_for(target)]

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "evidence": [s.to_dict() for s in self.evidence]}


_NOTICE = (
    r"noticed|spotted|found|discovered|diagnosed|traced|realized|realised|saw|measured|"
    r"profiled|dug|investigated|identified|analy[sz]ed|audited|compared|flagged|suspected|"
    r"reproduced|questioned|went\s+through|looked\s+(?:at|into)|reviewed|pulled|graphed|"
    r"plotted|classified|counted|tracked\s+down|root-?caused|uncovered|caught|detected|"
    r"checked|read\s+through|sampled|benchmarked|mapped|tallied|correlated|dug\s+into|"
    r"tested|timed|interviewed|surveyed|combed|instrumented|logged|sat\s+with|shadowed"
)
_DECIDE = (
    r"decided|chose|picked|proposed|recommended|went\s+with|opted|selected|settled\s+on|"
    r"made\s+the\s+(?:call|decision)|pushed\s+for|argued\s+for|committed\s+to|bet\s+on|"
    r"prioriti[sz]ed|vetoed|ruled\s+out|rejected|turned\s+down|called\s+(?:it|for)"
)
_NOT_MINE = re.compile(
    r"(?i)\bas\s+(?:I\s+was\s+)?(?:told|instructed|asked|directed|suggested)\b|\bfollowed\b|"
    r"\b(?:lead|manager|boss|senior|architect|mentor)'s\s+(?:\w+\s+)?(?:suggestion|idea|plan|"
    r"design|approach|instructions?|spec|advice|recommendation)\b|\b(?:the|my|our)\s+"
    r"(?:lead|manager|boss|senior|architect|tech\s+lead|team\s+lead)\s+(?:had\s+)?"
    r"(?:described|specified|designed|suggested|told|asked|decided|chose|picked|wanted|"
    r"planned|outlined)\b|\b(?:he|she|they)\s+(?:had\s+)?(?:described|specified|designed|"
    r"told\s+me)\b"
)
_MY_CALL = re.compile(r"(?i)\bmy\s+(?:decision|call|choice|recommendation|proposal|plan)\b")
_ALT = re.compile(
    r"(?i)\b(?:instead\s+of|rather\s+than|considered|weighed|"
    r"ruled\s+out|rejected|turned\s+down|passed\s+on|the\s+alternative|the\s+other\s+option|"
    r"option\s+was|could\s+have)\b"
)
_TRADE = re.compile(
    r"(?i)\btrade-?offs?\b|\btraded\b|\bat\s+the\s+(?:cost|price|expense)\s+of\b|"
    r"\bin\s+exchange\s+for\b|\bgave\s+up\b|\bsacrific\w+|\baccept\w*\s+(?:the\s+)?(?:risk|"
    r"cost|slower|a\s+slower|longer|more|less|\w+\s+(?:weeks|months|days))\b"
)
_MULTI_TEAM = re.compile(
    r"(?i)\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?\s+of|"
    r"several|multiple|many)\s+(?:[\w-]+\s+){0,3}?(?:teams|orgs|"
    r"organi[sz]ations|groups|business\s+units|squads|product\s+lines|departments|divisions|"
    r"tribes|companies|subsidiaries|regions|services\s+owned\s+by)\b|"
    r"\b(?:company|org|organi[sz]ation|engineering|division)-wide\b|\bcross-(?:org|"
    r"company|division)\b|\bacross\s+(?:the\s+)?(?:company|org|organi[sz]ation|engineering|"
    r"teams|orgs|divisions|business)\b|\b(?:engineers|people|teams)\s*,?\s*(?:whom?|that)?\s*I\s+"
    r"(?:had\s+)?never\s+(?:met|worked\s+with)\b"
)
_STRATEGY = re.compile(
    r"(?i)\b(?:company|product|platform|business|org|engineering|technical|technology|"
    r"long-term|multi-year|data|infrastructure)(?:'s)?\s+(?:strategy|direction|vision|bet)\b|\bstrateg(?:y|ic)\b|\b(?:no\s+one|nobody|no-one|none\s+of\s+(?:us|them)|"
    r"no\s+team|no\s+single\s+team)\s+(?:had\s+)?(?:(?:really|yet|ever|clearly|actually|"
    r"formally|explicitly)\s+)?(?:knew|owned|decided|said|defined|agreed|settled|answered|"
    r"asked|thought\s+about)\b|\bundecided\b|\bunsettled\b|"
    r"\bopen\s+question\b|\bambigu(?:ous|ity)\b|\bwhat\s+(?:that|this|it)\s+meant\s+for\b|"
    r"\bhad\s+(?:not|never)\s+(?:yet\s+)?(?:decided|chosen|settled|defined)\b|"
    r"\bunclear\s+(?:to\s+everyone|who|whether|what)\b|\bunowned\b"
)
_DIVERGE = re.compile(
    r"(?i)\btechnically\s+(?:right|correct|better|sound|cleaner|best)|\b(?:right|correct)\s+"
    r"(?:answer|fix|design)|\bproper\s+fix\b|\bexpedient\b|\bpolitic\w*|\borgani[sz]ational\w*|"
    r"\bpressure\b|\bdeadline\b|\blaunch\s+date\b|\bshortcut\b|\bquick\s+fix\b"
)
_CONSCIOUS = re.compile(
    r"(?i)\b(?:but|however|instead|although|though|while|rather\s+than|so\s+I)\b"
)
_STORY = tuple(name for name in SECTIONS if name != "learning")  # the story, not the lesson


_BECAUSE = re.compile(r"(?i)\b(?:since|because|as)\b")


def _reach(text: str) -> bool:
    """Several teams in the work's reach, not merely named in a reason for it ("I picked X,
    since two product teams already used it" is a reason, not scope)."""
    found = _MULTI_TEAM.search(text)
    if not found:
        return False
    reason = _BECAUSE.search(text)
    return not (reason and reason.start() < found.start())


def _first(said: Iterable[Sentence], test: Callable[[str], object]) -> Sentence | None:
    return next((s for s in said if test(s.text)), None)


_OTHER_SUBJECT = re.compile(
    r"(?i)^\W*(?:we|they|he|she|it|the\s+team|my\s+\w+|our\s+\w+|management|leadership|the\s+"
    r"company|the\s+\w+\s+team|someone|everyone|[A-Z][a-z]+\s+(?:decided|chose|wanted|said))\b"
)


def _bare(text: str) -> bool:
    """A note that names the decision with no one else as its subject ("Quarantine lane for
    flaky tests"): in a first-person story's Decision section, that is the writer's call."""
    return not _OTHER_SUBJECT.match(text) and not we_action_count(text)


def _influence(said: list[Sentence]) -> Sentence | None:
    """A role outside the line, and where they stood, in the same or the next sentence."""
    for n, s in enumerate(said):
        if not roles_outside(s.text):
            continue
        near = [s] + [t for t in said[n + 1 : n + 2] if t.section is s.section]
        if any(stance(t.text) for t in near):
            return s
    return None


def influence(story: Story) -> Sentence | None:
    """Someone outside the line and where they started, told anywhere but the Situation."""
    told = sentences(story, *_STORY)
    return _influence([s for s in told if s.section.name not in ("situation", "alternatives")])


def weighed_elsewhere(story: Story) -> bool:
    """A rejected option told outside an Alternatives section."""
    return any(_ALT.search(s.text) for s in sentences(story, "problem", "decision", "people"))


def _measured(said: list[Sentence]) -> Sentence | None:
    for s in said:
        nums = [n for n in measurements(s.text)]
        if pairs(s.text, nums) or (
            len(nums) >= 2 and re.search(r"(?i)\bbaseline\b|\bbefore\b", s.text)
        ):
            return s
    return None


def estimate_level(story: Story) -> LevelEstimate:
    """Junior to staff from the evidence in the text; every step is a quoted sentence."""
    told = sentences(story, *_STORY)
    found: dict[str, Sentence | None] = {}
    found["owned-work"] = _first(told, i_acts)
    found["assigned-problem"] = _first(
        sentences(story, "situation", "problem"), lambda t: assigned(t)
    )
    found["defined-problem"] = (
        None
        if found["assigned-problem"]
        else _first(
            [s for s in told if s.section.name not in ("outcome", "metric")],
            lambda t: i_does(t, _NOTICE) and not assigned(t),
        )
    )
    mine = [s for s in told if not _NOT_MINE.search(s.text)]
    decision_section = [s for s in mine if s.section.name == "decision"]
    found["own-decision"] = _first(
        mine, lambda t: i_does(t, _DECIDE) or _MY_CALL.search(t)
    ) or _first(decision_section, lambda t: i_acts(t) or (found["owned-work"] and _bare(t)))
    reasoned = [o for o, ok in options(story) if ok]
    elsewhere = [
        s
        for s in told
        if s.section.name != "alternatives" and _ALT.search(s.text) and has_reason(s.text)
    ]
    found["alternative"] = (reasoned + elsewhere or [None])[0]
    trade = _first(told, _TRADE.search)
    if len(reasoned) + len(elsewhere) >= 2 or (reasoned + elsewhere and trade):
        found["trade-off"] = trade if trade else (reasoned + elsewhere)[-1]
    found["influence"] = influence(story)  # the same reading the no-influence rule makes
    found["measured-result"] = _measured(sentences(story, "outcome", "metric")) or _measured(told)
    found["divergence"] = _first(told, lambda t: _DIVERGE.search(t) and _CONSCIOUS.search(t))
    found["multi-team"] = _first(told, _reach)
    found["strategy"] = _first(told, _STRATEGY.search)
    evidence = sorted(
        (Signal(name, short(s.text), s.line) for name, s in found.items() if s),
        key=lambda sig: (sig.line, sig.name),
    )
    return LevelEstimate(_level({s.name for s in evidence}), evidence)


def _level(have: set[str]) -> str:
    if "owned-work" not in have or not {"own-decision", "defined-problem"} & have:
        return "junior"
    senior = sum(1 for name in SENIOR_SIGNALS if name in have)
    if senior < SENIOR_NEEDS:
        return "mid"
    staff = sum(1 for name in STAFF_SIGNALS if name in have)
    if "assigned-problem" in have and "defined-problem" not in have and not staff:
        # handed the problem: the rest is a mid-level story done well, unless the work reached
        # past the scope it was handed (several teams, a question the company had not settled)
        return "mid"
    if staff >= 1:
        return "staff"
    return "senior"


_HOME = {  # the section a senior signal is told in when the story has one
    "defined-problem": "problem",
    "trade-off": "alternatives",
    "influence": "people",
    "measured-result": "metric",
}


def within_reach(story: Story, estimate: LevelEstimate, target: str) -> bool:
    """The story would read at `target` if its absent sections held what they are for: the
    shortfall is a missing section (its own finding), not evidence the story lacks."""
    absent = {name for name, home in _HOME.items() if body(story, home)[1] == ""}
    if not absent - estimate.signals:
        return False
    return LEVELS.index(_level(estimate.signals | absent)) >= LEVELS.index(target)
