"""Evidence in a story that both the lint rules and the level ladder read.

Each detector takes sentence text and answers one question an interviewer asks of it.
"""

from __future__ import annotations

import re

from drill.bank import Story
from drill.coach.numbers import has_measurement, measurements
from drill.coach.text import Sentence, blocks, body, has_reason, piece, sentences, split, words

_ASSIGNED = re.compile(
    r"(?i)(?:\b(?:I|we|my\s+team|our\s+team|the\s+team)\s+|^\W*)(?:was|were|got|had\s+been|"
    r"have\s+been|'d\s+been)\s+(?:\w+ly\s+)?(?:asked|assigned|tasked|told\s+to|handed|"
    r"instructed|directed|brought\s+in|put\s+on|pulled\s+in(?:to)?|loaned|drafted|"
    r"given\s+(?:the|a|an|this|that)\s+(?:[\w-]+\s+){0,3}?(?:task|ticket|project|job|problem|"
    r"work|assignment|bug|epic|mandate|goal|target))\b|"
    r"\b(?:manager|lead|boss|director|VP|CTO|CEO|leadership|management|PM|head\s+of\s+\w+)\s+"
    r"(?:\w+\s+)?(?:asked|assigned|told|tasked|gave|handed|wanted|needed|directed)\s+"
    r"(?:me|us|my\s+team|our\s+team)\b|\b(?:was|got)\s+assigned\s+to\s+me\b|"
    r"\bmy\s+(?:task|job|assignment|brief|mandate|ticket)\s+(?:was|is)\b|"
    r"\b(?:landed|ended\s+up)\s+on\s+my\s+(?:plate|desk)\b|"
    r"\b(?:handed|gave|passed|assigned|delegated|brought)\s+(?:(?:it|this|that|me)\s+)?"
    r"(?:(?:the|a|an|her|his|their)\s+)?(?:[\w-]+\s+){0,3}?(?:to|over\s+to)\s+me\b|"
    r"\bI\s+(?:was\s+put\s+in\s+charge|was\s+given\s+ownership|inherited)\b|"
    r"\b(?:gave|handed|assigned|passed)\s+me\s+(?:the|a|an|this|that|her|his)\s+"
    r"(?!(?:time|space|go-ahead|freedom|room|chance|feedback|support|budget)\b)|"
    r"\b(?:handed|given|passed|assigned)\s+(?:over\s+)?to\s+(?:our|my|the)\s+team\b|"
    r"\bI\s+was\s+given\s+(?:the|a|an)\s+(?!(?:time|space|go-ahead|freedom|room|chance|"
    r"feedback|support)\b)|^\W*assigned\s+(?:by|to)\b|\bassigned\s+by\s+(?:my|our|the)\b|"
    r"\b(?:ticket|task|request|assignment|job)\s+from\s+(?:my|our|the)\s+(?:\w+\s+)?"
    r"(?:lead|manager|boss|PM|director)\b|"
    r"(?<!\bI\s)\b(?:asked|told|tasked|wanted|needed|directed)\s+(?:me|us|my\s+team)\s+"
    r"(?:to|with)\b"
)


_NOBODY = re.compile(r"(?i)\b(?:nobody|no\s+one|no-one|none\s+of\s+them)\s+(?:had\s+)?$")


def assigned(text: str) -> bool:
    """The problem came to the writer from someone else ("I was asked to…"); "Nobody asked
    me to" is the opposite."""
    return any(
        not _NOBODY.search(text[max(0, m.start() - 20) : m.start()])
        for m in _ASSIGNED.finditer(text)
    )


_NO_OPTION = re.compile(
    r"(?i)^\W*(?:none|nothing|n/?a|no\s+(?:real\s+)?(?:alternatives?|options?)|"
    r"there\s+(?:were|was)\s+no|I\s+(?:didn't|did\s+not|never)\s+(?:really\s+)?(?:consider|"
    r"look\s+at|think\s+about|weigh|have))\b"
)


def options(story: Story) -> list[tuple[Sentence, bool]]:
    """Alternatives as (option, gives a reason): bullets when there are any, else sentences."""
    section, text = body(story, "alternatives")
    if section is None or not text:
        return []
    found = blocks(text)
    if any(bullet for _, _, bullet in found):
        pieces = [piece(text, s, e) for s, e, bullet in found if bullet]
    else:
        pieces = split(text)
    opts = [Sentence(t, start, section) for start, t in (p for p in pieces if p)]
    opts = [o for o in opts if not _NO_OPTION.match(o.text)]
    return [(o, has_reason(o.text)) for o in opts]


_VAGUE = re.compile(
    r"(?i)\b(?:faster|quicker|slower|better|improved|improvements?|reduced|increased|"
    r"decreased|lowered|boosted|happier|happy|pleased|cheaper|smoother|easier|cleaner|"
    r"more\s+(?:reliable|stable|efficient|scalable|productive|robust|maintainable)|"
    r"significantly|dramatically|greatly|substantially|considerably|a\s+lot|"
    r"much\s+(?:more|less|better|faster)|huge|massive(?:ly)?|went\s+(?:really\s+)?well|"
    r"successful(?:ly)?|a\s+success|positive(?:ly)?|well[\s-]received|great\s+feedback|"
    r"big\s+(?:win|impact|difference)|paid\s+off)\b"
)


def vague(text: str) -> re.Match[str] | None:
    """A claim of improvement without a number to size it."""
    match = _VAGUE.search(text)
    return match if match and not has_measurement(text) else None


_PLATITUDE_WORDS = (
    "communicate communicated communicating communication communications important importance "
    "key essential crucial vital critical always never early earlier sooner more better best "
    "stakeholders stakeholder involve involved involving team teams teamwork collaboration "
    "collaborate collaborating plan planning planned learned learnt learn learning lesson "
    "lessons lot things thing stuff people everyone everybody went well happy results result "
    "great good really very proactive proactively careful carefully organised organized help "
    "asking ask listen listening trust matters matter value valuable experience process project "
    "work working hard harder quality testing test tests documentation document ownership "
    "patience feedback honest transparency transparent also should would could need needs make "
    "sure keep check align alignment aligned expectations expectation manage managing overall "
    "whole much many next time again differently change anything nothing issue issues problem "
    "problems success successful everything something just still being doing done have having "
    "thought think realized realised realise realize understand understood importantly "
    "definitely certainly surely truly clear clearly often frequently regularly sometimes set "
    "setting others other together early-on upfront up-front front ahead advance earlier-on "
    "communicative prioritize prioritise priorities focus focused simple simpler small smaller "
    "step steps approach mindset attitude culture skills skill growth grow develop improve "
    "improving improvement matter went go goes going take taking took look looking back "
    "hindsight retrospect hard lesson-learned takeaway takeaways biggest main most"
)
_PLATITUDE = frozenset(_PLATITUDE_WORDS.split())
_STOP_WORDS = (
    "i me my mine myself we our us you your he she it they them their this that these those the "
    "a an and or but if then so to of in on at for with from by as is are was were be been am "
    "do did does not no yes can will what when where which who whom how why there here about "
    "into over under than too its it's i'd i'll i've i'm don't didn't can't won't"
)
_STOP = frozenset(_STOP_WORDS.split())
_GENERIC = re.compile(
    r"(?im)\bcommunicat\w*\s+(?:more|earlier|better|sooner|early|proactively)\b|"
    r"\bover-?communicat\w*|\b(?:better|more)\s+communication\b|"
    r"\bcommunication\s+is\s+(?:key|important|everything|crucial|vital|essential)\b|"
    r"\blearn(?:ed|t)\s+(?:a\s+lot|so\s+much|many\s+things)\b|\bteam\s?work\b|"
    r"\bplan(?:ning)?\s+(?:better|more|ahead)\b|\bbetter\s+planning\b|"
    r"^\s*(?:nothing|none|n/?a)\b|\b(?:would\s+not|wouldn't)\s+(?:change|do)\s+"
    r"(?:anything|a\s+thing)\b|\bimportance\s+of\s+(?:communication|teamwork|planning|"
    r"collaboration|testing)\b|\bask(?:ing)?\s+for\s+help\s+(?:earlier|sooner)\b|"
    r"\bstart(?:ing)?\s+(?:earlier|sooner)\b|\bbe\s+more\s+(?:proactive|careful|organi[sz]ed)\b|"
    r"\bwork(?:ing)?\s+harder\b|\bwent\s+well\b"
)
_SPECIFIC = re.compile(
    r"(?i)\b\d|\bbecause\b|\bassum\w*|\bnow\s+I\b|\bbefore\s+I\b|\bI\s+now\b|\binstead\s+of\b"
)


def _content(text: str) -> list[str]:
    toks = re.findall(r"[a-z][a-z'-]+", text.lower())
    return [t for t in toks if t not in _STOP and t not in _PLATITUDE and len(t) > 2]


def generic_learning(story: Story) -> tuple[Sentence, str] | None:
    """The sentence that makes the learning generic, and why; None when it is specific."""
    said = sentences(story, "learning")
    if not said:
        return None
    whole = " ".join(s.text for s in said)
    for s in said:
        match = _GENERIC.search(s.text)
        if match and not _SPECIFIC.search(s.text) and len(_content(s.text)) < 4:
            return s, f"'{match.group().strip()}' fits any story"
    if sum(len(words(s.text)) for s in said) < 10 and len(set(_content(whole))) < 4:
        return said[0], "This is too short to be specific"
    if not _SPECIFIC.search(whole) and len(set(_content(whole))) < 3:
        return said[0], "Nothing here is particular to this story"
    return None


_FAILURE = re.compile(
    r"(?i)\b(?:fail\w*|mistakes?|wrong|bad\s+call|screw\w*\s+up|mess\w*\s+up|misjudg\w*|"
    r"regret\w*|blunder\w*|my\s+fault|went\s+badly|backfir\w*|went\s+wrong|misstep|"
    r"got\s+wrong)\b"
)
_OWN_FAILURE = re.compile(
    r"(?i)\b(?:my\s+(?:mistake|fault|error|bad\s+call|wrong\s+call)|I\s+(?:was\s+wrong|"
    r"misjudged|got\s+(?:it|this|that)\s+wrong|made\s+(?:a|the)\s+(?:mistake|wrong\s+call|"
    r"bad\s+call)|broke|caused)|(?:it|this|that|the\s+\w+)\s+(?:failed|backfired))\b"
)
_CONSEQUENCE = re.compile(
    r"(?i)\b(?:outages?|downtime|down\s+for|lost|loss(?:es)?|losing|churn\w*|incidents?|"
    r"roll(?:ed)?\s*back|rollbacks?|revenue|refunds?|(?:customers?|users?|clients?|orders?|"
    r"requests?|payments?|patients?|merchants?)\s+(?:were\s+)?(?:affected|impacted|lost|failed|"
    r"dropped|charged|locked|stuck|blocked)|corrupt\w*|sev-?\d|paged|post-?mortem|cancel\w*|"
    r"missed|delayed|slipped|penalt\w*|breach\w*|complaints?|wasted|scrapped|fined|escalat\w*|"
    r"angry|cost\s+(?:us|the\s+company|me)|had\s+to\s+(?:redo|rewrite|revert|apologi[sz]e))\b"
)
_NEGATED = re.compile(
    r"(?i)\b(?:no|zero|without(?:\s+any)?|never|nobody|no\s+one|none|not\s+a\s+single)\s+"
    r"(?:\w+\s+){0,2}?(?:outages?|downtime|incidents?|customers?|users?|impact|data|complaints?|"
    r"one|noticed|harm|damage|loss|issues?|bugs?)\b|\bnobody\s+(?:really\s+)?noticed\b|"
    r"\bnot\s+a\s+big\s+deal\b"
)
_SPIN = re.compile(
    r"(?i)\bbut\b.{0,60}\b(?:zero|no|without\s+any?)\s+(?:\w+\s+)?(?:bugs?|defects?|issues?|"
    r"incidents?|regressions?|complaints?|problems?)\b|\bbut\b.{0,60}\b(?:on\s+time|worth\s+it|"
    r"better\s+than|stronger|praised|thanked|a\s+success|high\s+quality|perfect\w*)\b|"
    r"\b(?:merely|slightly|minor|a\s+little|negligible|barely)\b"
)


def is_failure_story(story: Story, category: str = "failure") -> bool:
    if category in story.categories or _FAILURE.search(f"{story.title} {story.summary}"):
        return True
    return any(
        _OWN_FAILURE.search(s.text) for s in sentences(story, "problem", "decision", "outcome")
    )


def real_cost(text: str) -> bool:
    """The sentence shows what a mistake cost, not a cost waved away ("slipped a day, but…")."""
    if _SPIN.search(text):
        return False
    cleaned = _NEGATED.sub(" ", text)
    if _CONSEQUENCE.search(cleaned):
        return True
    return bool(measurements(cleaned)) and not _NEGATED.search(text)


__all__ = ["assigned", "options", "vague", "generic_learning", "is_failure_story", "real_cost"]
