"""Reading STAR notes into drill stories: one or many stories a file, the author's words kept.

Stories are split on headings that are not section headings, or on "Tell me about a time…"
questions. STAR labels and their common spellings (S:/Situation, Task, Action(s), Result(s),
Learnings, Reflection, and the CAR/PAR/SOAR variants) and drill's own headings are recognised.
Each sentence is placed in exactly one section: Task goes to Problem; an Action sentence goes to
Alternatives when it weighs an option, to People when it names someone outside the writer's
team, else to Decision; a Result sentence goes to Metric when it measures, else to Outcome.
Nothing is invented: an empty section holds a one-line prompt as a comment the linter ignores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from drill.bank import HINTS, SECTION_BY_HEADING, SECTIONS, normalize_heading, section_for_heading
from drill.coach.numbers import has_measurement
from drill.coach.text import blocks, roles_outside, split, stance
from drill.decks import Question

ACTION, RESULT = "action", "result"  # STAR parts that are split sentence by sentence
_STAR = {
    "situation": "s situation situations context background setting circumstances c",
    "problem": "t task tasks problem problems p challenge challenges obstacle obstacles o "
    "goal goals objective the ask trigger",
    ACTION: "a action actions approach what i did solution steps steps taken execution how",
    RESULT: "r result results outcome outcomes impact what happened",
    "learning": "l learning learnings lesson lessons lessons learned lesson learned reflection "
    "reflections takeaway takeaways what i learned what i'd do differently",
}
_STAR_WORDS = {w: name for name, words in _STAR.items() for w in re.split(r"\s{1}(?=\S)", words)}
_PHRASES = {
    name: [p.strip() for p in re.split(r"\s+(?=(?:lessons?|what|the|steps)\b)", words)]
    for name, words in _STAR.items()
}
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BOLD = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)\s*:?\s*$")
_LABEL = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(?P<label>[A-Za-z][A-Za-z '’()/&-]{0,30}?)\s*(?:\*\*|__)?"
    r"\s*[:：]\s*(?:\*\*|__)?\s*(?P<rest>.*)$|"
    r"^\s*(?:\*\*|__)?(?P<label2>[A-Za-z][A-Za-z '’()/&-]{0,30}?)(?:\*\*|__)?\s+[—–-]"
    r"(?:\s+|$)(?P<rest2>.*)$"
)
_QUESTION = re.compile(
    r"(?i)\b(?:tell\s+(?:me|us)\s+about\s+(?:a|the)\s+time|describe\s+(?:a|the)\s+(?:time|"
    r"situation|moment)|give\s+(?:me\s+|us\s+)?an\s+example|talk\s+(?:me\s+)?(?:through|about)\s+"
    r"a\s+time|have\s+you\s+ever|what(?:'s|\s+is|\s+was)\s+a\s+time|share\s+an?\s+(?:example|"
    r"time)|walk\s+me\s+through\s+a\s+time)"
)
_QUESTION_LINE = re.compile(
    r"(?i)^\s*(?:[-*>]\s*)?(?:\*\*|__)?(?:(?:q\d*|question\s*\d*)\s*[:.)-]\s*)?"
    rf"(?:{_QUESTION.pattern.removeprefix('(?i)')})"
)
_ALTERNATIVE = re.compile(
    r"(?i)\b(?:instead\s+of|rather\s+than|considered|weighed|ruled\s+out|rejected|turned\s+down|"
    r"alternatives?|the\s+other\s+option|options?\s+(?:was|were)|could\s+have|passed\s+on)\b"
)


_PRONOUN = re.compile(r"^\W*(?:she|he|they|her|his|their)\b", re.I)
_MOVED = re.compile(
    r"(?i)\b(?:said|told|asked|agreed|approved|reviewed|refused|insisted|offered|signed\s+off|"
    r"convinced|persuaded|showed|met|walked|negotiated|won|brought|got\s+\w+\s+on\s+board|"
    r"pushed\s+back|objected|warned|cautioned|complained|disagreed)\b"
)


def star_part(label: str, loose: bool = True) -> str | None:
    """The STAR part or drill section a heading or label names; None for anything else."""
    text = normalize_heading(re.sub(r"[*_`]", "", label))
    text = re.sub(r"\(s\)", "s", text)
    text = re.sub(r"^(?:\d+[.)]\s*|the\s+|my\s+)", "", text).strip(" :-—–")
    if text in _STAR_WORDS:
        return _STAR_WORDS[text]
    for name, phrases in _PHRASES.items():
        if any(text == p for p in phrases):
            return name
    if len(text) <= 1:
        return None
    if not loose:
        return SECTION_BY_HEADING.get(text)
    return section_for_heading(text)


@dataclass
class Imported:
    title: str
    line: int  # where the story starts in its file
    question: str = ""  # the interview question it was written for, if the notes say
    parts: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)  # (sentence, bullet)

    @property
    def sentences(self) -> list[str]:
        return [s for name in SECTIONS for s, _ in self.parts.get(name, [])]

    @property
    def filled(self) -> list[str]:
        return [name for name in SECTIONS if self.parts.get(name)]

    @property
    def missing(self) -> list[str]:
        return [name for name in SECTIONS if not self.parts.get(name)]


def _units(text: str) -> list[tuple[str, bool]]:
    """Sentences with whether they came from a bullet, in order."""
    out = []
    for start, end, bullet in blocks(text):
        out += [(s, bullet) for _, s in split(text[start:end])]
    return out


def _place(part: str, text: str) -> list[tuple[str, str, bool]]:
    """(section, sentence, bullet) for every sentence of a STAR part."""
    out: list[tuple[str, str, bool]] = []
    for sentence, bullet in _units(text):
        name = part
        if part == ACTION:
            follows = any(n == "people" for n, _, _ in out) and _PRONOUN.match(sentence)
            if _ALTERNATIVE.search(sentence):
                name = "alternatives"
            elif follows or (
                roles_outside(sentence) and (_MOVED.search(sentence) or stance(sentence))
            ):
                name = "people"
            else:
                name = "decision"
        elif part == RESULT:
            name = "metric" if has_measurement(sentence) else "outcome"
        out.append((name, sentence, bullet))
    return out


@dataclass
class _Block:
    title: str
    line: int
    question: str = ""
    chunks: list[tuple[str, list[str]]] = field(default_factory=list)  # (part, lines)


def _heading(line: str) -> tuple[int, str] | None:
    m = _HEADING.match(line)
    if m:
        return len(m.group(1)), m.group(2).strip()
    m = _BOLD.match(line)
    if m and len(m.group(1)) < 120:
        return 7, m.group(1).strip()
    return None


def _label(line: str) -> tuple[str, str] | None:
    m = _LABEL.match(line)
    if not m:
        return None
    label = m.group("label") or m.group("label2")
    rest = m.group("rest") if m.group("label") else m.group("rest2")
    part = star_part(label)
    return (part, rest or "") if part else None


def parse_notes(text: str) -> list[Imported]:
    """Every story in the notes, in order; [] when nothing in them reads as a story."""
    stories: list[_Block] = []
    current: _Block | None = None
    pending_question = ""
    pending_title: tuple[str, int] | None = None
    lines = text.splitlines()
    containers = _containers(lines)
    in_fence = False
    for number, raw in enumerate(lines, 1):
        if number in containers:
            current, pending_question, pending_title = None, "", None
            continue
        if raw.strip().startswith("```"):
            in_fence = not in_fence
        head = None if in_fence else _heading(raw)
        label = None if in_fence or head else _label(raw)
        if head:
            part = star_part(head[1], loose=head[0] > 1)
            if part is None or _QUESTION.search(head[1]):
                title = re.sub(r"^(?:q\d*|question)\s*[:.)-]\s*", "", head[1], flags=re.I)
                if _QUESTION.search(title):
                    pending_question = title
                    if current is not None and not current.chunks:
                        current.question = title  # a question right under the story's title
                        pending_question = ""
                        continue
                    current = None
                    pending_title = (title, number)
                    continue
                current = _Block(title, number, pending_question)
                pending_question, pending_title = "", None
                stories.append(current)
                continue
            if (
                current is not None
                and part == "situation"
                and part in {p for p, _ in current.chunks}
            ):
                current = None  # a second Situation: the next story, untitled
            current = current or _start(stories, pending_title, pending_question, number)
            pending_question, pending_title = "", None
            current.chunks.append((part, []))
            continue
        if (
            not in_fence
            and _QUESTION_LINE.match(raw)
            and len(raw) < 200
            and (current is None or current.chunks)
        ):
            question = re.sub(
                r"^\s*(?:[-*]\s*)?(?:\*\*)?(?:q\d*|question)?\s*[:.)-]?\s*", "", raw, flags=re.I
            ).strip(" *")
            current = None
            pending_question, pending_title = question, (question, number)
            continue
        if label:
            last = current.chunks[-1][0] if current is not None and current.chunks else None
            seen = {p for p, _ in current.chunks} if current is not None else set()
            if label[0] == "situation" and "situation" in seen and last != "situation":
                current = None  # a second Situation: the next story, untitled
            current = current or _start(stories, pending_title, pending_question, number)
            pending_question, pending_title = "", None
            text = [label[1], ""] if label[1].strip() else []
            if last == label[0] and current.chunks:
                current.chunks[-1][1].extend(text)  # "A: …" lines one after another
            else:
                current.chunks.append((label[0], text))
            continue
        if not raw.strip() and (current is None or not current.chunks):
            continue
        if current is None:
            if pending_title is None and not raw.strip():
                continue
            current = _start(stories, pending_title, pending_question, number)
            pending_question, pending_title = "", None
        if not current.chunks:
            current.chunks.append(("situation", []))
        current.chunks[-1][1].append(raw)
    return [s for s in (_finish(b) for b in stories) if len(s.sentences) >= 2]


def _containers(lines: list[str]) -> set[int]:
    """Lines of headings over two or more stories (a file's title, "## Payments stories")."""
    heads = []
    for number, raw in enumerate(lines, 1):
        m = _HEADING.match(raw)
        level = len(m.group(1)) if m else 0
        if m and (star_part(m.group(2), level > 1) is None or _QUESTION.search(m.group(2))):
            heads.append((number, len(m.group(1))))
    out = set()
    for i, (number, level) in enumerate(heads):
        children = 0
        for _, other in heads[i + 1 :]:
            if other <= level:
                break
            children += 1
        if children >= 2:
            out.add(number)
    return out


def _start(
    stories: list[_Block], title: tuple[str, int] | None, question: str, number: int
) -> _Block:
    block = _Block(title[0] if title else "", title[1] if title else number, question)
    stories.append(block)
    return block


def _finish(block: _Block) -> Imported:
    story = Imported(block.title, block.line, block.question)
    for part, chunk in block.chunks:
        for name, sentence, bullet in _place(part, "\n".join(chunk)):
            story.parts.setdefault(name, []).append((sentence, bullet))
    if not story.title:
        first = story.sentences[0] if story.sentences else "Imported story"
        story.title = first if len(first) <= 70 else first[:69].rsplit(" ", 1)[0] + "…"
    return story


def render(story: Imported) -> str:
    """The story file: the author's sentences under drill's headings, prompts where empty."""
    out = ["+++", "categories = []", "+++", "", f"# {story.title}", ""]
    for name in SECTIONS:
        out.append(f"## {name.title()}")
        found = story.parts.get(name, [])
        if not found:
            out.append(f"<!-- {HINTS[name]} -->")
        prose: list[str] = []
        for sentence, bullet in found:
            if bullet:
                if prose:
                    out.append(" ".join(prose))
                    prose = []
                out.append(f"- {sentence}")
            else:
                prose.append(sentence)
        if prose:
            out.append(" ".join(prose))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def slug(title: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    if len(words) > 48:
        words = words[:49].rsplit("-", 1)[0]
    return words or "story"


_STOP_TEXT = (
    "a an the of to in on at for with about and or you your me my i we our time when that was "
    "were is are tell describe give example talk through how what did do had have"
)
_STOP = frozenset(_STOP_TEXT.split())


def _words(text: str) -> set[str]:
    out = set()
    for w in re.findall(r"[a-z]+", text.lower()):
        if w in _STOP or len(w) < 3:
            continue
        w = re.sub(r"(?:ments?|ations?|ings?|edly|ed|es|s|ly)$", "", w) if len(w) > 5 else w
        out.add(w.rstrip("e") if len(w) > 4 else w)
    return out


def match_question(
    asked: str, questions: list[Question], category_words: dict[str, str] | None = None
) -> Question | None:
    """The shipped question closest to one asked in the notes, by wording and categories."""
    said = _words(asked)
    if not said:
        return None
    best, best_score = None, 0.0
    for q in questions:
        wording = set().union(*(_words(w) for w in q.wordings))
        cats = set().union(*(_words((category_words or {}).get(c, c)) for c in q.categories))
        score = len(said & wording) / len(said | wording) + 0.5 * len(said & cats) / len(said)
        if score > best_score:
            best, best_score = q, score
    return best if best_score >= 0.2 else None


_LEAD_IN = re.compile(
    r"(?i)^\W*(?:q\d*\s*[:.)-]\s*)?(?:tell\s+(?:me|us)\s+about|describe|give\s+(?:me\s+)?an\s+"
    r"example\s+of|talk\s+(?:me\s+)?(?:through|about)|walk\s+me\s+through|share)\s+(?:a|an|the)"
    r"\s+(?:time|situation|moment|example)\s*(?:when|where|that)?\s*(?:you\s+)?"
)


@dataclass
class Planned:
    story: Imported
    id: str
    source: str  # "notes.md:12"
    text: str  # the file to write
    action: str  # "write" | "overwrite" | "skip"


def plan(
    sources: list[tuple[str, str]], existing: set[str], force: bool = False
) -> tuple[list[Planned], list[str]]:
    """What importing these notes would write, and one line for each thing in the way:
    a file with no story, an id taken twice, a story file that exists already."""
    out: list[Planned] = []
    notes: list[str] = []
    taken: dict[str, str] = {}
    for name, text in sources:
        found = parse_notes(text)
        if not found:
            notes.append(f"{name}: no story found (expected headings or STAR labels)")
        for story in found:
            where = f"{name}:{story.line}"
            sid = base = slug(_LEAD_IN.sub("", story.title) or story.title)
            n = 2
            while sid in taken:
                sid, n = f"{base}-{n}", n + 1
            if sid != base:
                notes.append(
                    f"{where}: id {base!r} is already used by the story at {taken[base]}; "
                    f"this one becomes {sid!r}"
                )
            taken[sid] = where
            action = "write"
            if sid in existing:
                action = "overwrite" if force else "skip"
                if not force:
                    notes.append(
                        f"{where}: stories/{sid}.md exists; not overwritten (--force replaces it)"
                    )
            out.append(Planned(story, sid, where, render(story), action))
    return out, notes
