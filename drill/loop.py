"""A mock interview loop as a state object: interviewers, questions, follow-ups, the debrief.

No terminal and no database here: the shell asks what `pending()` returns, hands back what was
said with `answer()`, and saves `to_dict()` after each answer, so quitting keeps everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

from drill.charts import mmss
from drill.ladder import LEVELS

SEATS = (
    "Hiring manager",
    "Peer engineer",
    "Bar raiser",
    "Partner from another team",
    "Skip-level manager",
    "Senior peer",
)
FOLLOWUP_SECONDS = 60
RECENT_LOOPS = 5  # wordings and principles of this many past loops count as seen recently

FOLLOWUP_NUMBER = "What number showed it worked? What was it before, and what after?"
FOLLOWUP_PERSONAL = "You said 'we' a lot. What did you do yourself, with your own hands?"
FOLLOWUP_ALTERNATIVE = "What else did you consider, and why did you turn it down?"
FOLLOWUP_OUTSIDE = (
    "Who outside your own team had to agree, where did they start, and what moved them?"
)

EVIDENCE = {  # key -> what the debrief calls it
    "decision": "decision with alternatives",
    "influence": "influence outside the line",
    "measured": "measured outcome from a baseline",
    "learning": "specific learning",
}
EVIDENCE_FIX = {
    "decision": "say the call you made and the two options you turned down, each with why",
    "influence": "name who outside your team you moved, where they started and what moved them",
    "measured": "give the number before and after (from a baseline to a result)",
    "learning": "end with one specific thing you now do differently",
}

_OUTSIDE = re.compile(
    r"\b(?:PMs?|VPs?|SREs?|CTO|CEO|CFO|DBAs?)\b|(?i:\b(?:product\s+(?:manager|owner|lead)s?|"
    r"designers?|directors?|head\s+of|another\s+team|other\s+teams?|(?:two|three|four|several|"
    r"\d+)\s+teams|legal|lawyers?|finance|support\s+(?:team|lead)|sales|marketing|compliance|"
    r"security\s+(?:team|lead)|architects?|customers?|clients?|vendors?|partner\s+teams?|"
    r"stakeholders?|their\s+(?:manager|lead|team))\b)"
)
_REACH = re.compile(
    r"(?i)\b(?:\d+|two|three|four|five|several|many|all)\s+(?:\w+\s+)?(?:teams|orgs|"
    r"organi[sz]ations)\b|\b(?:company|org|engineering)-wide\b|\bstrategy\b|\bacross\s+the\s+"
    r"(?:company|org)\b"
)
_LEARNING = re.compile(
    r"(?i)\b(?:learn(?:ed|t)|lesson|differently|next\s+time|now\s+I|since\s+then|these\s+days|"
    r"I\s+now|I\s+always|I\s+would)\b"
)
_GENERIC = re.compile(
    r"(?i)\b(?:communicat\w+\s+(?:more|better|earlier)|learn(?:ed|t)\s+a\s+lot|"
    r"importance\s+of\s+(?:communication|teamwork)|over-?communicat\w+|be\s+more\s+careful)\b"
)
_OWN_CALL = re.compile(
    r"(?i)\bI\s+(?:\w+\s+)?(?:decided|chose|picked|proposed|recommended|went\s+with|opted|"
    r"made\s+the\s+call|pushed\s+for)\b"
)


@dataclass(frozen=True)
class Interviewer:
    seat: str
    targets: tuple[str, ...]  # principles (or categories) this interviewer owns
    question: str  # question id
    wording: str
    chain: tuple[str, ...] = ()  # the question's own follow-ups, deeper each step
    planned: tuple[tuple[str, str | None], ...] = ()  # (target, story the plan gives it)
    red_flags: tuple[str, ...] = ()  # the question's own, for the user to check against
    rubric: tuple[tuple[str, str], ...] = ()  # (level, what an answer shows at that level)

    def to_dict(self) -> dict:
        return {
            **asdict(self),
            "targets": list(self.targets),
            "chain": list(self.chain),
            "planned": [list(p) for p in self.planned],
            "red_flags": list(self.red_flags),
            "rubric": dict(self.rubric),
        }


@dataclass
class Turn:
    prompt: str
    why: str  # "question", "chain", or what the answer lacked: number | we | alternative | outside
    budget: int
    text: str = ""
    seconds: float = 0.0
    answered: bool = False


@dataclass
class Round:
    interviewer: int  # index into the loop's interviewers
    story: str | None = None
    turns: list[Turn] = field(default_factory=list)
    analysis: dict | None = None  # of the main answer
    rating: int | None = None
    closed: bool = False

    @property
    def said(self) -> str:
        return "\n".join(t.text for t in self.turns if t.text)


def choose_followups(analysis: Mapping, text: str, chain: Sequence[str]) -> list[tuple[str, str]]:
    """Two or three follow-ups: what the answer lacked first (at most two), then the chain."""
    triggered: list[tuple[str, str]] = []
    if not analysis.get("numbers"):
        triggered.append((FOLLOWUP_NUMBER, "number"))
    if analysis.get("we_count", 0) > analysis.get("i_count", 0):
        triggered.append((FOLLOWUP_PERSONAL, "we"))
    if "alternatives" not in analysis.get("sections_touched", ()):
        triggered.append((FOLLOWUP_ALTERNATIVE, "alternative"))
    if not _OUTSIDE.search(text):
        triggered.append((FOLLOWUP_OUTSIDE, "outside"))
    chosen = triggered[:2]
    total = 3 if triggered else 2
    for line in chain:
        if len(chosen) >= total:
            break
        chosen.append((line, "chain"))
    for extra in triggered[2:]:  # a short chain: fall back on what else the answer lacked
        if len(chosen) >= 2:
            break
        chosen.append(extra)
    return chosen


class MockLoop:
    """Interviewers in turn: one question each, its follow-ups, a grade; then the debrief."""

    def __init__(
        self,
        interviewers: Sequence[Interviewer],
        budget: int,
        analyze: Callable[[str, str | None, int], Mapping] | None = None,
    ):
        self.interviewers = list(interviewers)
        self.budget = budget
        self.rounds: list[Round] = []
        self.finished = False
        self._analyze = analyze or (lambda text, story, budget: {})

    @property
    def current(self) -> Round | None:
        if self.rounds and not self.rounds[-1].closed:
            return self.rounds[-1]
        return None

    def next_interviewer(self) -> Interviewer | None:
        """Open the next interviewer's round (its question is the first pending turn)."""
        if self.current is not None:
            return self.interviewers[self.current.interviewer]
        index = len(self.rounds)
        if index >= len(self.interviewers):
            self.finished = True
            return None
        interviewer = self.interviewers[index]
        self.rounds.append(Round(index, turns=[Turn(interviewer.wording, "question", self.budget)]))
        return interviewer

    def pick(self, story: str | None) -> None:
        self._round().story = story

    def pending(self) -> Turn | None:
        """The question or follow-up waiting for an answer, if any."""
        current = self.current
        if current is None:
            return None
        return next((t for t in current.turns if not t.answered), None)

    def answer(self, text: str, seconds: float) -> Turn | None:
        """Take what was said for the pending turn; returns the next one (follow-ups come
        after the main answer, chosen from what it lacked and from the question's chain)."""
        current = self._round()
        turn = self.pending()
        if turn is None:
            raise ValueError("nothing is waiting for an answer")
        turn.text, turn.seconds, turn.answered = text.strip(), round(seconds, 2), True
        if turn.why == "question":
            chain = self.interviewers[current.interviewer].chain
            if turn.text:
                analysis = dict(self._analyze(turn.text, current.story, self.budget))
                current.analysis = analysis
                chosen = choose_followups(analysis, turn.text, chain)
            else:  # spoken aloud: nothing to read, so the question's own chain probes
                chosen = [(line, "chain") for line in chain[:3]]
                chosen += [(FOLLOWUP_NUMBER, "number"), (FOLLOWUP_ALTERNATIVE, "alternative")]
                chosen = chosen[: max(2, min(3, len(chain)))]
            for prompt, why in chosen:
                current.turns.append(Turn(prompt, why, FOLLOWUP_SECONDS))
        return self.pending()

    def close(self, rating: int | None) -> None:
        """End the round (its grade, if any, is already committed to the question's card)."""
        current = self._round()
        current.rating = rating
        current.closed = True

    def told_before(self, index: int) -> list[int]:
        """Earlier interviewers (1-based) who already heard round `index`'s story."""
        story = self.rounds[index].story
        if not story:
            return []
        return [r.interviewer + 1 for r in self.rounds[:index] if r.story == story]

    def _round(self) -> Round:
        if self.current is None:
            raise ValueError("no interviewer is asking right now")
        return self.current

    def to_dict(self) -> dict:
        return {
            "budget": self.budget,
            "finished": self.finished,
            "interviewers": [i.to_dict() for i in self.interviewers],
            "rounds": [
                {**asdict(r), "told_before": self.told_before(n)} for n, r in enumerate(self.rounds)
            ],
        }


# --- seating the interviewers -----------------------------------------------------------------


def seat_interviewers(
    count: int,
    targets: Sequence[str],
    questions: Sequence,
    planned: Mapping[str, str | None],
    recent_targets: Sequence[str] = (),
    recent_questions: Sequence[str] = (),
    recent_wordings: Sequence[str] = (),
    tags: Callable[[object], Sequence[str]] = lambda q: q.principles,
    per_interviewer: int = 2,
) -> list[Interviewer]:
    """Each interviewer owns a few targets and asks one question on them, unseen lately.

    Targets not practised in recent loops come first; a partner target is one a question shares
    with the first, so a single question can probe both.
    """
    asked = [t for t in targets if any(t in tags(q) for q in questions)]
    recent = {t: i for i, t in enumerate(recent_targets)}  # most recent first
    order = sorted(asked, key=lambda t: (t in recent, -recent.get(t, 0), asked.index(t)))
    seen_questions, seen_wordings = set(recent_questions), set(recent_wordings)
    used_questions: set[str] = set()
    out: list[Interviewer] = []
    while order and len(out) < count:
        first = order.pop(0)
        pool = [q for q in questions if first in tags(q) and q.id not in used_questions]
        if not pool:
            continue
        question = min(
            pool,
            key=lambda q: (
                q.id in seen_questions,
                -sum(t in tags(q) for t in order if t not in recent),  # fresh partners
                all(w in seen_wordings for w in q.wordings),
                pool.index(q),
            ),
        )
        partners = sorted((t for t in order if t in tags(question)), key=lambda t: t in recent)
        owned = [first, *partners[: per_interviewer - 1]]
        order = [t for t in order if t not in owned]
        wording = next((w for w in question.wordings if w not in seen_wordings), question.text)
        used_questions.add(question.id)
        out.append(
            Interviewer(
                SEATS[len(out) % len(SEATS)],
                tuple(owned),
                question.id,
                wording,
                tuple(getattr(question, "followups", ()) or ()),
                tuple((t, planned.get(t)) for t in owned),
                tuple(getattr(question, "red_flags", ()) or ()),
                tuple((getattr(question, "rubric", None) or {}).items()),
            )
        )
    return out


def recent(loops: Sequence[Mapping]) -> tuple[list[str], list[str], list[str]]:
    """Targets, question ids and wordings of the last loops (most recent first)."""
    targets, questions, wordings = [], [], []
    for transcript in reversed(list(loops)[-RECENT_LOOPS:]):
        interviewers = transcript.get("interviewers", [])
        for r in transcript.get("rounds", []):
            iv = interviewers[r["interviewer"]] if r["interviewer"] < len(interviewers) else {}
            targets += iv.get("targets", [])
            questions.append(iv.get("question", ""))
            wordings.append(iv.get("wording", ""))
    return targets, questions, wordings


# --- the debrief --------------------------------------------------------------------------------


def evidence_in(text: str, analysis: Mapping) -> dict[str, bool]:
    """Which kinds of evidence an answer (with its follow-ups) gave."""
    touched = set(analysis.get("sections_touched", ()))
    metrics = analysis.get("metrics", ())
    decided = bool(_OWN_CALL.search(text)) or bool(analysis.get("decision_phrases"))
    return {
        "decision": decided and "alternatives" in touched,
        "influence": bool(_OUTSIDE.search(text)),
        "measured": any("→" in m for m in metrics),
        "learning": bool(_LEARNING.search(text)) and not _GENERIC.search(text),
    }


def level_read(evidence: Mapping[str, bool], text: str, analysis: Mapping) -> str:
    """The level the evidence reads as: what an interviewer could write down, not the story."""
    level = "junior"
    if evidence["decision"] or evidence["measured"]:
        level = "mid"
    if evidence["decision"] and evidence["influence"] and evidence["measured"]:
        level = "senior"
        if _REACH.search(text):
            level = "staff"
    if analysis.get("we_count", 0) > analysis.get("i_count", 0) and level in ("senior", "staff"):
        level = "mid"  # the interviewer cannot tell what was yours
    return level


def debrief(
    transcript: Mapping,
    target_level: str,
    names: Mapping[str, str] | None = None,
    whole_text: Callable[[Mapping], Mapping] | None = None,
) -> dict:
    """Rows per interviewer and principle, then what to fix first, from a saved transcript.

    `whole_text(round)` analyses a round's answer and follow-ups together (defaults to the
    main answer's analysis).
    """
    names = names or {}
    interviewers = transcript["interviewers"]
    rows, fixes = [], []
    counts = dict.fromkeys(EVIDENCE, 0)
    answered = 0
    for n, r in enumerate(transcript["rounds"]):
        iv = interviewers[r["interviewer"]]
        said = "\n".join(t["text"] for t in r["turns"] if t["text"])
        analysis = dict(whole_text(r) if whole_text and said else (r.get("analysis") or {}))
        evidence = evidence_in(said, analysis)
        level = level_read(evidence, said, analysis) if said else "spoken"
        main = r["turns"][0]
        if not main["answered"]:
            level = "-"
        follow = [t for t in r["turns"][1:] if t["answered"]]
        flags = []
        told = r.get("told_before", [])
        if told:
            flags.append(f"story already told to interviewer {', '.join(map(str, told))}")
        if not r["story"]:
            flags.append("no story named")
        if main["answered"] and main["seconds"] > main["budget"]:
            flags.append(f"over time ({mmss(main['seconds'])} of {mmss(main['budget'])})")
        if said and analysis.get("we_count", 0) > analysis.get("i_count", 0):
            flags.append(f"mostly 'we' ({analysis['we_count']} we, {analysis['i_count']} I)")
        if said and not analysis.get("numbers"):
            flags.append("no number")
        if said and _GENERIC.search(said):
            flags.append("generic learning")
        for c in analysis.get("contradictions", ())[:2]:
            flags.append(f"said {c['said']}, the story says {c['story']}")
        if said:
            answered += 1
            for key, found in evidence.items():
                counts[key] += found
        planned = dict((t, s) for t, s in iv.get("planned", []))
        for target in iv["targets"]:
            rows.append(
                {
                    "interviewer": n + 1,
                    "seat": iv["seat"],
                    "target": target,
                    "name": names.get(target, target),
                    "question": iv["question"],
                    "story": r["story"],
                    "planned": planned.get(target),
                    "told_before": told,
                    "evidence": evidence,
                    "level": level,
                    "below_target": level in LEVELS
                    and LEVELS.index(level) < LEVELS.index(target_level),
                    "red_flags": list(dict.fromkeys(flags)),
                    "seconds": main["seconds"],
                    "budget": main["budget"],
                    "followups": len(follow),
                    "followup_seconds": round(sum(t["seconds"] for t in follow), 2),
                }
            )
        if told:
            other = next((s for t, s in iv.get("planned", []) if s and s != r["story"]), None)
            better = f" (the plan gives it {other})" if other else ""
            fixes.append(
                (
                    0,
                    f"Interviewer {n + 1} heard {r['story']} again, already told to interviewer "
                    f"{', '.join(map(str, told))}: have a second story ready{better}.",
                )
            )
        unplanned = [names.get(t, t) for t, s in iv.get("planned", []) if not s]
        if unplanned:
            fixes.append(
                (
                    1,
                    f"No story in your plan answers {' or '.join(unplanned)}: `drill assign` "
                    "says which story to write next.",
                )
            )
        elif main["answered"] and not r["story"]:
            fixes.append((1, f"Interviewer {n + 1} got no story named: pick one before speaking."))
        if said and LEVELS.index(level) < LEVELS.index(target_level):
            lacking = [EVIDENCE[k] for k, found in evidence.items() if not found]
            what = " and ".join(names.get(t, t) for t in iv["targets"])
            because = f": no {', no '.join(lacking)}" if lacking else ": say what was yours"
            fixes.append((2, f"{what} read as {level}, under {target_level}{because}."))
        if not said and main["answered"]:
            fixes.append(
                (5, f"Interviewer {n + 1} was answered aloud: type an answer to have it read.")
            )
    if answered:
        for key, found in counts.items():
            if found < answered:
                fixes.append(
                    (
                        3,
                        f"{EVIDENCE[key].capitalize()} missing in {answered - found} of "
                        f"{answered} answers: {EVIDENCE_FIX[key]}.",
                    )
                )
    if any(r["seconds"] > r["budget"] for r in rows):
        fixes.append((4, "Over time: open with the decision, keep the situation to two sentences."))
    ordered = [text for _, text in sorted(fixes, key=lambda f: f[0])]
    return {
        "level": target_level,
        "finished": bool(transcript.get("finished")),
        "interviewers": len(interviewers),
        "rounds": len(transcript["rounds"]),
        "rows": rows,
        "fix_first": list(dict.fromkeys(ordered))[:6],
    }


# --- rendering ----------------------------------------------------------------------------------


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def evidence_marks(evidence: Mapping[str, bool]) -> str:
    return "".join(k[0].upper() if evidence.get(k) else "·" for k in EVIDENCE)


def render_debrief(report: Mapping, width: int = 80) -> str:
    """The debrief as terminal text that fits 80 columns."""
    import textwrap

    state = "" if report["finished"] else f" (stopped during interviewer {report['rounds']})"
    lines = [
        f"Debrief: {report['interviewers']} interviewer{'s' * (report['interviewers'] != 1)}"
        f"{state}, target level {report['level']}",
        f"{'#':>2} {'principle':19} {'story':19} {'told':5} {'D I M L':7} {'level':8} time",
    ]
    for row in report["rows"]:
        told = ",".join(map(str, row["told_before"])) or "-"
        mark = "" if row["level"] not in LEVELS else " ✗" if row["below_target"] else " ✓"
        level = row["level"] + mark
        lines.append(
            f"{row['interviewer']:>2} {_cut(row['name'], 19):19} "
            f"{_cut(row['story'] or '-', 19):19} "
            f"{told:5} {evidence_marks(row['evidence']):7} {level:8} "
            f"{mmss(row['seconds'])}/{mmss(row['budget'])}"
        )
        if row["red_flags"] and row is _first_of(report["rows"], row["interviewer"]):
            lines += textwrap.wrap(
                "! " + "; ".join(row["red_flags"]),
                width - 1,
                initial_indent="   ",
                subsequent_indent="     ",
            )
    lines.append("   D decision+alternatives · I influence outside · M measured · L learning")
    if report["fix_first"]:
        lines.append("Fix first:")
        for i, fix in enumerate(report["fix_first"], 1):
            lines += textwrap.wrap(
                fix, width - 1, initial_indent=f" {i}. ", subsequent_indent="    "
            )
    return "\n".join(lines)


def _first_of(rows: Sequence[Mapping], interviewer: int) -> Mapping | None:
    return next((r for r in rows if r["interviewer"] == interviewer), None)


def debrief_markdown(report: Mapping, transcript: Mapping, when: str = "") -> str:
    """The debrief and what was said, as Markdown."""
    out = [f"# Mock loop debrief{' · ' + when if when else ''}", ""]
    out.append(
        f"Target level **{report['level']}**, {report['rounds']} of "
        f"{report['interviewers']} interviewers{'' if report['finished'] else ' (stopped early)'}."
    )
    out += [
        "",
        "| # | interviewer | principle | story | told before | evidence | level | time |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in report["rows"]:
        found = ", ".join(EVIDENCE[k] for k, v in row["evidence"].items() if v) or "none"
        out.append(
            f"| {row['interviewer']} | {row['seat']} | {row['name']} | {row['story'] or '-'} | "
            f"{', '.join(map(str, row['told_before'])) or '-'} | {found} | {row['level']} | "
            f"{mmss(row['seconds'])} of {mmss(row['budget'])} |"
        )
    flagged = {r["interviewer"]: r["red_flags"] for r in report["rows"] if r["red_flags"]}
    if flagged:
        out += ["", "## Red flags", ""]
        out += [f"- Interviewer {n}: {'; '.join(f)}" for n, f in flagged.items()]
    if report["fix_first"]:
        out += ["", "## Fix first", ""]
        out += [f"{i}. {fix}" for i, fix in enumerate(report["fix_first"], 1)]
    out += ["", "## What was said"]
    for r in transcript["rounds"]:
        iv = transcript["interviewers"][r["interviewer"]]
        out += ["", f"### Interviewer {r['interviewer'] + 1}: {iv['seat']}", ""]
        out.append(f"Story: {r['story'] or '-'}")
        look = (iv.get("rubric") or {}).get(report["level"])
        if look:
            out += ["", f"At {report['level']} level this question looks for: {look}"]
        if iv.get("red_flags"):
            out += ["", "Check yourself against its red flags:"]
            out += [f"- {flag}" for flag in iv["red_flags"]]
        for t in r["turns"]:
            said = t["text"] or ("(spoken, not typed)" if t["answered"] else "(not answered)")
            out += ["", f"> {t['prompt']}", "", said]
    return "\n".join(out) + "\n"


def history_lines(rows: Sequence[Mapping]) -> list[str]:
    """One line per kept loop, for `drill history`."""
    import json

    out = []
    for row in rows:
        transcript = json.loads(row["transcript"])
        done = len([r for r in transcript["rounds"] if r["closed"]])
        state = "" if row["finished"] else " (stopped)"
        out.append(
            f"loop {row['id']:>3}  {row['at'][:16].replace('T', ' ')}  "
            f"{row['company'] or row['framework']}  {done}/{row['interviewers']} "
            f"interviewers{state}"
        )
    if out:
        out.append("`drill loop --last` shows the last debrief.")
    return out
