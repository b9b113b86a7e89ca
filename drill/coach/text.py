"""Reading a story's sentences: where they are, and who does what in them.

Signals come from sentence structure rather than phrase lists: who is the subject of a verb,
whether "our" is a possessive or "we" an actor, which noun phrases name people outside the
writer's line, and whether an option is followed by a justification.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drill.bank import Section, Story

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BULLET = re.compile(r"[ \t]*(?:[-*+•]|\d{1,2}[.)])[ \t]+")
_BOUNDARY = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"')\]”’]))\s+(?=[A-Z0-9\"“'(\[$€£])")
I_WORDS = re.compile(r"\bI\b(?!/)|\b(?:[Mm]y|[Mm]e|[Mm]ine|[Mm]yself)\b")
I_SPOKEN = re.compile(r"(?i)\bI\b(?![/.]\w)|\b(?:my|me|mine|myself)\b")  # transcripts: "i"
WE_WORDS = re.compile(r"\b(?:[Ww]e|[Oo]urs?|[Oo]urselves|[Uu]s)\b")


def blank_comments(text: str) -> str:
    """Hide template placeholders while keeping every offset, and so every line number."""
    return _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def body(story: Story, name: str) -> tuple[Section | None, str]:
    """The section and its text without placeholders; "" when it says nothing."""
    section = story.sections.get(name)
    if section is None:
        return None, ""
    text = blank_comments(section.text)
    return section, text if re.search(r"\w", text) else ""


def blocks(text: str) -> list[tuple[int, int, bool]]:
    """Paragraphs and bullet items as (start, end, is_bullet); wrapped lines stay together."""
    out: list[tuple[int, int, bool]] = []
    pos, start, bullet_block = 0, None, False
    for line in text.splitlines(keepends=True):
        bullet = _BULLET.match(line)
        if not line.strip() or bullet or line.lstrip().startswith("#"):
            if start is not None:
                out.append((start, pos, bullet_block))
            start = None
            if line.strip():
                start, bullet_block = pos + (bullet.end() if bullet else 0), bool(bullet)
        elif start is None:
            start, bullet_block = pos, False
        pos += len(line)
    if start is not None:
        out.append((start, pos, bullet_block))
    return out


def piece(text: str, start: int, end: int) -> tuple[int, str] | None:
    chunk = text[start:end]
    words = " ".join(chunk.split())
    if not re.search(r"\w", words):
        return None
    return start + len(chunk) - len(chunk.lstrip()), words


def split(text: str) -> list[tuple[int, str]]:
    """Sentences as (offset, whitespace-normalised text)."""
    out = []
    for start, end, _ in blocks(text):
        last = start
        for m in _BOUNDARY.finditer(text, start, end):
            out.append(piece(text, last, m.start()))
            last = m.end()
        out.append(piece(text, last, end))
    return [p for p in out if p]


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offset into the section's text
    section: Section

    @property
    def line(self) -> int:
        return self.section.line_of(self.start)


def sentences(story: Story, *names: str) -> list[Sentence]:
    out = []
    for name in names:
        section, text = body(story, name)
        if section is not None and text:
            out += [Sentence(t, start, section) for start, t in split(text)]
    return out


def short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def words(text: str) -> list[re.Match[str]]:
    return [m for m in re.finditer(r"\S+", text) if re.search(r"[^\W_]", m.group())]


def title_line(story: Story) -> int:
    """The `# ` heading's line, skipping front matter (where "# " starts a TOML comment)."""
    lines = story.text.splitlines()
    start = 0
    if lines and lines[0].strip() == "+++":
        start = next((i + 1 for i in range(1, len(lines)) if lines[i].strip() == "+++"), 0)
    return next((n + 1 for n in range(start, len(lines)) if lines[n].startswith("# ")), 1)


# ------------------------------------------------------------------------- agency

# Verbs that say how someone was, not what they did: after "I" or "we" they are not action.
_STATE = (
    "am|was|were|is|are|be|been|being|'m|'re|had|has|have|'d|'ve|felt|feel|feels|thought|think|"
    "knew|know|hoped|hope|wished|wish|liked|like|loved|wanted|want|needed|need|seemed|seem|"
    "guess|guessed|believed|believe|assumed|assume|expected|expect|worried|remember|"
    "remembered|learned|learnt|realise|realize|saw|see|heard|got|get|would|could|should|"
    "might|must|can|will|shall|may|'ll|wasn't|weren't|didn't|don't|couldn't|wouldn't|"
    "shouldn't|can't|cannot|never|also|still|just|only|then|all|both|each|together"
)
_STATE_RE = re.compile(rf"(?i)^(?:{_STATE})$")
_ADVERB = re.compile(r"(?i)^(?:\w+ly|then|also|first|later|still|just|finally|again|soon|quickly)$")
_AUX = re.compile(r"(?i)^(?:had|have|'ve|'d|did|do|then|also|first|later|finally|eventually)$")
# Past forms of common irregular verbs, for notes whose subject is implied ("Built a …").
_IRREGULAR_WORDS = (
    "began bent bet bound bit blew broke brought built burnt bought caught chose came cost cut "
    "dealt dug did drew drove ate fed fought found fled flew forbade forgot froze got gave went "
    "grew hung held hid hit hurt kept knelt laid led leant left lent let lay lit lost made "
    "meant met paid put quit read rode rang rose ran said sought sold sent set shook shed shot "
    "shut sang sank sat slept slid spoke spent spun split spread sprang stood stole stuck "
    "struck swept swore swam swung took taught tore told thought threw understood undid woke "
    "wore won wound wrote withdrew rebuilt rewrote rethought overrode oversaw undertook upheld "
    "reran redid remade reset rolled"
)
_IRREGULAR = frozenset(_IRREGULAR_WORDS.split())
_NOT_ACTION_START_WORDS = (
    "based related limited detailed shared needed used required added expected called nested "
    "distributed advanced automated mixed tired interested excited involved experienced "
    "supposed concerned scared"
)
_NOT_ACTION_START = frozenset(_NOT_ACTION_START_WORDS.split())
_TOKEN = re.compile(r"[A-Za-z][\w'’-]*")


def _tokens(text: str) -> list[str]:
    return [t.replace("’", "'") for t in _TOKEN.findall(text)]


def _acts_after(tokens: list[str]) -> bool:
    """Do the words after a subject start with an action verb (skipping adverbs, 'had')?"""
    for tok in tokens[:3]:
        low = tok.lower()
        if _AUX.match(low) or (_ADVERB.match(low) and not _STATE_RE.match(low)):
            continue
        if low in ("was", "were") and len(tokens) > 1:
            return False  # "I was asked": the action is someone else's
        return not _STATE_RE.match(low) and low not in ("and", "or", "the", "a", "to")
    return False


def _subject_hits(text: str, subject: str) -> list[int]:
    """Offsets where `subject` ("i" or "we") is the subject of an action verb."""
    out = []
    pattern = r"\bI\b(?!/)" if subject == "i" else r"\b[Ww]e\b"
    for m in re.finditer(pattern, text):
        after = text[m.end() :]
        contraction = re.match(r"['’](\w+)", after)
        if contraction:
            if contraction.group(1).lower() not in ("ve", "d"):
                continue  # "I'm", "we'll", "we're": a state or a plan
            after = after[contraction.end() :]
        if _acts_after(_tokens(after)):
            out.append(m.start())
    return out


def implied_subject(text: str) -> bool:
    """A note that starts with a past-tense verb ("Spotted it…", "Built…"): the writer acted."""
    toks = _tokens(text)
    if not toks:
        return False
    first = toks[0].lower()
    if first in _NOT_ACTION_START:
        return False
    if len(toks) > 1 and toks[1].lower() == "by":
        return False  # "Reported by support": passive
    return first in _IRREGULAR or (first.endswith("ed") and len(first) > 4)


def i_acts(text: str) -> bool:
    """The writer is the subject of an action in this sentence (or its implied subject)."""
    return bool(_subject_hits(text, "i")) or implied_subject(text)


def i_action_count(text: str) -> int:
    return len(_subject_hits(text, "i")) + (1 if implied_subject(text) else 0)


def we_action_count(text: str) -> int:
    """ "we" as the actor; "our pipeline" and "us" are not claims about who did the work."""
    return len(_subject_hits(text, "we"))


def i_does(text: str, verbs: str) -> re.Match[str] | None:
    """ "I" (or the implied subject) followed within two words by one of `verbs` (a regex)."""
    found = re.search(rf"\bI\s+(?:[\w'’]+\s+){{0,2}}?(?:{verbs})\b", text)
    if found:
        return found
    if implied_subject(text):
        return re.match(rf"\W*(?:{verbs})\b", text, re.I)
    return None


# ------------------------------------------------------------------------- people

# Roles that are outside an engineer's reporting line whoever holds them.
_FUNCTION = re.compile(
    r"(?:PMs?|VPs?|SREs?|CTO|CEO|CFO|CPO|COO|CISO|DBAs?|QA|HR|UX|TPMs?|EMs?)$|"
    r"(?i:(?:product|program|project|account|engineering|delivery)-?managers?|designers?|design|"
    r"reliability|security|legal|lawyers?|counsel|finance|accounting|procurement|support|"
    r"sales|marketing|compliance|privacy|operations|ops|scientists?|analysts?|architects?|"
    r"customers?|clients?|vendors?|partners?|stakeholders?|executives?|leadership|"
    r"recruit\w+|auditors?|regulators?|researchers?|doctors?|clinicians?|nurses?|"
    r"merchants?|sellers?|advertisers?|publishers?|editors?|lawyer)$"
)
_GENERIC = re.compile(
    r"(?i)(?:leads?|managers?|directors?|heads?|engineers?|developers?|devs?|team|teams|"
    r"org|orgs|organi[sz]ations?|groups?|departments?|functions?|squads?|units?|divisions?|"
    r"maintainers?|people|folks|staff|owners?|chiefs?|officers?|VPs?|on-?call|rotations?)$"
)
_LINE_HEAD = re.compile(r"(?i)director|VP|vice|head|CTO|CEO|manager|lead|skip|boss|chief")
_OUTSIDE_WORD = re.compile(
    r"(?i)^(?:another|other|others'|partner|different|sister|adjacent|neighbou?ring|"
    r"downstream|upstream|external|outside|acquired|central|their|each|every|all|several|"
    r"multiple|two|three|four|five|six|seven|eight|nine|ten|\d+|\w+'s|\w+s')$"
)
_PLAIN = re.compile(
    r"(?i)^(?:the|a|an|this|that|these|those|my|our|his|her|its|team|team's|own|same|senior|"
    r"junior|new|newer|young|mid-level|mid|experienced|fellow|good|great|best|one|former|"
    r"then|current|tech|technical|engineering|direct|immediate|whole|entire|first|second|"
    r"older|other|also|both|only|just|lead|main|later)$"
)
_STOP_PHRASE = re.compile(
    r"(?i)^(?:with|and|or|to|for|from|by|at|in|on|of|that|who|whom|which|was|were|is|are|"
    r"I|we|he|she|they|it|me|us|him|them|had|has|have|got|get|when|while|but|as|if|so|"
    r"then|after|before|until|once|because|whose|where|said|told|asked|showed|convinced)$"
)
_OUTSIDE_AFTER = re.compile(
    r"(?i)^\W*(?:outside|beyond|not\s+in)\s+(?:of\s+)?(?:my|our|the)\b|"
    r"^\s*(?:of|from|in|on|at|for)\s+(?:an?other|other|the\s+[\w-]+\s+(?:team|org|group|"
    r"department|side|function)|a\s+different|(?-i:[A-Z][\w-]+)|(?!(?:my|our|the|this|that)\b)\w+\s+(?:org|team))\b|"
    r"^\W*(?:whom?|that|who)\s+I\s+(?:had\s+)?never\s+(?:met|worked)"
)
_LEADER = re.compile(r"(?i)leads?|managers?|directors?|heads?|VPs?|chiefs?|owners?$")
_LEADS_OTHER = re.compile(r"(?i)^\s+(?:of|for)\s+(?!(?:my|our|the\s+team|this|that|it)\b)\w")
_INSIDE_AFTER = re.compile(r"(?i)^\s*(?:on|in|from|of)\s+(?:my|our)\s+(?:own\s+)?team\b")
_WORD_RE = re.compile(r"[A-Za-z0-9][\w'’-]*|[^\w\s]")


_OUTSIDE_LINE = re.compile(
    r"(?i)\b(?:outside|beyond|not\s+in)\s+(?:of\s+)?my\s+(?:reporting\s+)?(?:line|chain|org|"
    r"team|management\s+chain)\b|\bdid(?:\s+not|n't)\s+report\s+to\s+me\b"
)
_TEAM_OF = re.compile(
    r"(?i)\b(?:from|in|on|at|of|with)\s+(?!(?:my|our)\b)(?:the\s+)?"
    r"(?:(?!(?:the|a|an|my|our|this|that)\b)[\w'-]+\s+){1,3}?"
    r"(?:team|org|organi[sz]ation|group|department|side|squad|tribe)\b"
)


def roles_outside(text: str) -> list[str]:
    """Noun phrases naming people outside the writer's line: "the platform team lead",
    "another team's engineers", "two acquired product groups", "finance", "the PM"."""
    toks = [(m.start(), m.end(), m.group().replace("’", "'")) for m in _WORD_RE.finditer(text)]
    out = []
    for k, (start, end, word) in enumerate(toks):
        function = bool(_FUNCTION.match(word))
        if not function and not _GENERIC.match(word):
            continue
        nxt = toks[k + 1][2] if k + 1 < len(toks) else ""
        if _FUNCTION.match(nxt) or _GENERIC.match(nxt):
            continue  # "team lead", "product group": the last word is the head
        mods: list[str] = []
        j = k - 1
        while j >= 0 and len(mods) < 5:
            w = toks[j][2]
            if not re.match(r"\w", w) or _STOP_PHRASE.match(w):
                break
            mods.insert(0, w.lower())
            j -= 1
        phrase = text[toks[j + 1][0] if mods else start : end]
        words = [*mods, word.lower()]
        after = text[end : end + 60]
        possessor = next((w for w in reversed(mods) if w in ("my", "our")), None)
        qualifiers = [w for w in mods if w not in ("my", "our")]
        outside_mark = any(_OUTSIDE_WORD.match(w) for w in qualifiers if w != "team's")
        named = [
            w
            for w in qualifiers
            if not _PLAIN.match(w) and not _OUTSIDE_WORD.match(w) and not w.endswith("ed")
        ]
        if _INSIDE_AFTER.match(after):
            continue
        if _OUTSIDE_AFTER.match(after) or (_LEADER.match(word) and _LEADS_OTHER.match(after)):
            out.append(phrase)
            continue
        if function:
            if possessor and _LINE_HEAD.search(word) and not named:
                continue
            out.append(phrase)
            continue
        if possessor and not named:
            continue  # "my manager", "our team"
        people = re.match(r"(?i)engineers?|developers?|devs?|people|folks|staff", word)
        quantity = [
            w
            for w in qualifiers
            if re.match(
                r"(?i)^(?:two|three|four|five|six|seven|"
                r"eight|nine|ten|\d+|several|multiple)$",
                w,
            )
        ]
        if (
            outside_mark
            and not (
                people
                and quantity
                and len(quantity) == len([w for w in qualifiers if _OUTSIDE_WORD.match(w)])
            )
            or named
            and not people
        ):
            out.append(phrase)
        elif named and people and any(_GENERIC.match(w.rstrip("'s")) for w in words[:-1]):
            out.append(phrase)  # "the billing team engineers"
    if not out and _OUTSIDE_LINE.search(text):
        out.append(_OUTSIDE_LINE.search(text).group())
    for m in _TEAM_OF.finditer(text):  # "Maria from the billing team"
        if not any(m.group() in found or found in m.group() for found in out):
            named = re.sub(r"(?i)^\w+\s+(?:the\s+)?", "", m.group())
            if not re.match(r"(?i)(?:same|own|whole|entire|core)\b", named):
                out.append(m.group())
    return out


_STANCE = re.compile(
    r"(?i)\b(?:initially|at\s+first|originally|first\s+(?:wanted|said|asked|refused)|"
    r"start\w*\s+(?:out|off)|began|w(?:as|ere)\s+(?:against|set\s+on|firmly)|"
    r"oppos\w+|skeptic\w*|sceptic\w*|want\w*|push\w*\s+(?:for|back)|prefer\w*|insist\w*|"
    r"worr\w+|concern\w*|object\w*|resist\w*|reluctan\w*|hesitan\w*|unwilling|wary|doubt\w*|"
    r"refus\w*|favou?r\w*|argu\w+|(?:did\s+not|didn't|would\s+not|wouldn't)\s+\w+|"
    r"unconvinced|not\s+convinced|disagree\w*|had\s+planned|block\w*|veto\w*|afraid|fear\w*|"
    r"nervous|no\s+appetite|saw\s+no|(?:stood|argued|pushed|dead\s+set)\s+against|rejected|expected|assumed|demanded|asked\s+for|"
    r"hostile|unhappy|nervous|cautious|pushback)\b"
)


def stance(text: str) -> bool:
    """Where someone stood before they were moved: "wanted…", "started out unwilling"."""
    return bool(_STANCE.search(text))


# ------------------------------------------------------------------------- reasons

_CAUSAL = re.compile(
    r"(?i)\b(?:because|since|as\s+(?:it|they|we|the|that|this)|so\s+that|given|due\s+to|"
    r"meaning|meant|means|would(?:n't)?|could(?:n't)?|can't|cannot|won't|too|"
    r"requir\w*|needs?|needed|lack\w*|without|unless|only|instead|but|cost\w*|risk\w*|"
    r"effort|expensive|cheap\w*|slow\w*|fragile|brittle|complex\w*|overkill|lock-?in|"
    r"months?|weeks?|years?|quarters?|sprints?|days?|hours?|headcount|budget|latency|"
    r"downtime|outage\w*|migration|rewrite|maintenance|burden|toil|didn't|doesn't|wasn't|"
    r"isn't|not)\b"
)
_VERDICT = re.compile(
    r"(?i)^\W*(?:rejected|ruled\s+out|dropped|discarded|no|nope|passed|declined|"
    r"turned\s+(?:it\s+)?down|not\s+chosen|skipped|considered|out|killed|parked)\W*"
)
_SEPARATOR = re.compile(r"\s*(?::|—|–|\s-\s|;|,|\()\s*")


# a copula's complement that is a clause ("that is what broke it", "which is why we…") explains,
# where a noun phrase ("which was the existing plan") only names
_CLAUSE = re.compile(
    r"(?i)\b(?:what|why|how|where|whatever)\b|\b(?:had|has|have|did|does|would|could|will)\s+\w+"
)


def has_reason(option: str) -> bool:
    """An option followed by why it lost: a connective, or a separator then a justification."""
    if _CAUSAL.search(option):
        return True
    parts = _SEPARATOR.split(option, maxsplit=1)
    if len(parts) < 2:
        return False
    said = re.fullmatch(
        r"(?i)\s*(?:which|that)\s+(?:was|is)\s+([^:;—–,-]{0,40}?)[.!]?\s*", parts[1]
    )
    if said and not _CLAUSE.search(said.group(1)):
        return False  # "…, which was the existing plan": what it is, not why it lost
    tail = _VERDICT.sub("", parts[1])
    tail = _VERDICT.sub("", _SEPARATOR.sub(" ", tail, count=1))
    return len(re.findall(r"[A-Za-z]{3,}", tail)) >= 2
