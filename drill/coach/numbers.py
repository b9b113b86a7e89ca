"""Reading numbers: digits and spelled-out words, units, ranges, approximations, from→to pairs,
and what each number is (a measurement, money, a percentage, a count of something that changed)
as opposed to a date, a version, an identifier, a team size or how long the work took.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

_UNIT_GROUPS: list[tuple[str, float, str]] = [  # kind, scale to the base unit, spellings
    ("%", 1, "% percent per-cent pct"),
    ("pp", 1, "pp"),
    ("x", 1, "x ×"),
    ("s", 1e-3, "ms milliseconds millisecond"),
    ("s", 1, "s sec secs second seconds"),
    ("s", 60, "min mins minute minutes"),
    ("s", 3600, "h hr hrs hour hours"),
    ("s", 86400, "day days"),
    ("s", 604800, "week weeks"),
    ("s", 2629800, "month months"),
    ("s", 7889400, "quarter quarters"),
    ("s", 31557600, "year years"),
    ("", 1e3, "k K thousand"),
    ("", 1e6, "M million"),
    ("", 1e9, "bn billion"),
    ("B", 1e3, "KB"),
    ("B", 1e6, "MB"),
    ("B", 1e9, "GB"),
    ("B", 1e12, "TB"),
    ("rps", 1, "rps qps req/s"),
]
_UNITS = {unit: (kind, scale) for kind, scale, units in _UNIT_GROUPS for unit in units.split()}
_UNIT_RE = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_UNIT_AFTER = re.compile(rf"[ \t\u00a0-]?(?P<unit>{_UNIT_RE}|per\s+cent)(?![\w/])")
_NUMBER = re.compile(
    r"(?<![\w.])(?P<cur>[$€£])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w.]\d)"
)
_SMALL = {
    w: n
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
_TENS = {
    w: 10 * n
    for n, w in enumerate(
        ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
    if n >= 2
}
_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9}
_FRACTIONS = {"half": 50.0, "third": 100 / 3, "quarter": 25.0, "fifth": 20.0, "tenth": 10.0}
_WORD = re.compile(r"[A-Za-z]+")
_APPROX = re.compile(
    r"(?i)(?:\b(?:about|around|roughly|approximately|approx\.?|nearly|almost|some|close\s+to|"
    r"just\s+(?:over|under)|over|under|more\s+than|less\s+than|upwards\s+of)|~|≈)\s*$"
)
_YEAR_BEFORE = re.compile(
    r"(?i)\b(?:in|since|during|until|till|by|early|late|mid|of|q[1-4]|h[12]|fy|jan\w*|feb\w*|"
    r"mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*)\s+$"
)
_MONTH_BEFORE = re.compile(
    r"(?i)\b(?:jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|"
    r"dec\w*)\.?\s+$"
)
_MONTH_AFTER = re.compile(
    r"(?i)(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
)
_VERSION_BEFORE = re.compile(
    r"(?i)(?:\b(?:v|version|release|python|ios|android|java|node|api|postgres\w*|mysql|react|"
    r"angular|kubernetes|k8s|go|rails|django|spark|php|windows|macos|ubuntu|gen|generation|"
    r"webpack|hugo|native|ruby|rust|swift|kotlin|xcode|gradle|redis|kafka|terraform|helm|"
    r"elasticsearch|vue|next|typescript|scala|dotnet|debian|centos|jdk|openssl|tls|http|"
    r"phase|stage|step|tier|level|sev|severity|priority|p|chapter|section|rfc|iso|hipaa|soc|"
    r"sprint|milestone|week\s+no)|"
    r"\bv)\s*$"
)
_ID_BEFORE = re.compile(
    r"(?i)(?:#|[a-z]-|\b(?:ticket|issue|pr|pull\s+request|incident|bug|story|epic|case|room|no\.?|"
    r"number|id|build|commit|line|port|cve-\d+)-?\s*)$"
)
_PEOPLE = re.compile(
    r"(?i)^[\s-]*(?:\w+\s+)?(?:engineers?|developers?|devs?|people|persons?|person|members?|"
    r"folks|reports|direct\s+reports|juniors?|seniors?|contractors?|hires?|interns?|teammates?|"
    r"ICs?|SREs?|PMs?|designers?|managers?|teams?|orgs?|organi[sz]ations?|groups?|squads?|"
    r"sprints?|iterations?|meetings?|sessions?|options?|alternatives?|approaches|ideas|"
    r"stakeholders|leads?|clusters?|services?|microservices?|locales?|regions?|repos?|"
    r"repositories|business\s+units?|apps?|countries|markets?|languages?|platforms?|"
    r"environments?|sites?|offices?|products?|product\s+groups?|divisions?|"
    r"of\s+(?:us|them|the\s+\w+|my|our))\b"
)
_TEAM_BEFORE = re.compile(r"(?i)\b(?:team|group|squad|org)\s+of\s+$|\bone\s+of\s+$")
_SPAN_BEFORE = re.compile(
    r"(?i)\b(?:in|for|over|within|after|took|takes|spent|during|lasting|first|next|last|"
    r"past|every|each|a|an|the|about)\s+(?:(?:about|around|roughly|nearly|just|only|the)\s+)?$"
)


@dataclass(frozen=True)
class Num:
    text: str
    start: int
    end: int
    value: float  # as written: "1.8 s" -> 1.8, "$2M" -> 2
    scaled: float  # in the base unit: "240 ms" -> 0.24, "$2M" -> 2e6
    kind: str  # "%", "s", "$", "x", "B", "rps", "pp" or "" for a plain count
    decimals: int = 0  # as spoken: "11%" has 0, "11.4%" has 1
    approx: bool = False  # "about 40", "roughly a third"
    high: float | None = None  # the top of a range ("30-40%"), scaled
    klass: str = "count"  # measure|money|percent|count|date|version|id|team|duration


def _spelled(text: str) -> list[tuple[int, int, float, bool]]:
    """Spelled-out numbers as (start, end, value, is_fraction): "four hundred", "a third"."""
    out: list[tuple[int, int, float, bool]] = []
    toks = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]
    i = 0
    while i < len(toks):
        start, end, word = toks[i]
        nxt = toks[i + 1][2] if i + 1 < len(toks) else ""
        after = toks[i + 2][2] if i + 2 < len(toks) else ""
        frac = nxt[:-1] if nxt.endswith("s") and nxt[:-1] in _FRACTIONS else nxt
        if word in ("a", "one") and frac in _FRACTIONS:
            cue = _APPROX.search(text[max(0, start - 20) : start]) or re.search(
                r"(?i)\bby\s+$", text[max(0, start - 5) : start]
            )
            if after == "of" or cue:
                out.append((start, toks[i + 1][1], _FRACTIONS[frac], True))
                i += 2
                continue
        if word == "half" and nxt == "of":
            out.append((start, end, 50.0, True))
            i += 1
            continue
        if word in _SMALL or word in _TENS:
            total, current, j, last_end = 0.0, 0.0, i, end
            while j < len(toks):
                w = toks[j][2]
                gap = text[last_end : toks[j][0]] if j > i else ""
                if j > i and not re.fullmatch(r"[\s-]*", gap) and gap.strip() != "and":
                    break
                if w in _SMALL or w in _TENS:
                    current += _SMALL.get(w, 0) + _TENS.get(w, 0)
                elif w in _SCALES and j > i:
                    scale = _SCALES[w]
                    if scale == 100:
                        current *= 100
                    else:
                        total += current * scale
                        current = 0
                elif (
                    w == "and"
                    and j > i
                    and j + 1 < len(toks)
                    and (toks[j + 1][2] in _SMALL or toks[j + 1][2] in _TENS)
                ):
                    pass
                else:
                    break
                last_end = toks[j][1]
                j += 1
            value = total + current
            if word == "one" and j == i + 1:
                after = text[last_end : last_end + 12]
                if not _UNIT_AFTER.match(after):
                    i = j
                    continue  # "one of the…": not a quantity
            out.append((start, last_end, value, False))
            i = j
            continue
        i += 1
    return out


def _classify(text: str, n: Num) -> str:
    before = text[max(0, n.start - 24) : n.start]
    after = text[n.end : n.end + 40]
    if n.kind == "$":
        return "money"
    if n.kind in ("%", "pp"):
        return "percent"
    bare = not n.kind and "." not in n.text
    if (
        bare
        and re.fullmatch(r"(?:19[5-9]\d|20[0-4]\d)", n.text)
        and not re.match(r"\s*(?:to|→|->)", after)
    ) and (_YEAR_BEFORE.search(before) or not re.match(r"\s+[a-z]", after)):
        return "date"
    if bare and (_MONTH_BEFORE.search(before) or _MONTH_AFTER.match(after)):
        return "date"
    if _VERSION_BEFORE.search(before) or re.match(r"\.\d", text[n.end : n.end + 2]):
        return "version"
    if (
        not n.kind
        and re.search(r"(?<![.!?]\s)\b[A-Z][\w.+-]*\s+$", before)
        and ("." in n.text or re.match(r"\s*[),;]|\s*$|\s+(?:to|and|or|on|in|with)\b", after))
    ):
        return "version"  # "Kubernetes 1.24", "Hugo 0.110", "React Native 0.72"
    if _ID_BEFORE.search(before):
        return "id"
    if bare and (_TEAM_BEFORE.search(before) or _PEOPLE.match(after)):
        return "team"
    if bare and re.match(r"-(?:person|people|member|engineer)", after):
        return "team"
    if n.kind == "s" and n.scaled >= 86400 and _SPAN_BEFORE.search(before):
        return "duration"
    if n.kind == "s" and n.scaled >= 86400 and re.match(r"\s+(?:later|ago|in|of\s+work)", after):
        return "duration"
    if n.kind:
        return "measure"
    return "count"


def numbers(text: str, spelled: bool = True) -> list[Num]:
    """Every quantity in the text, in order, each classified."""
    found: list[Num] = []
    for m in _NUMBER.finditer(text):
        raw, cur = m.group("num"), m.group("cur") or ""
        line_start = text.rfind("\n", 0, m.start()) + 1
        if not text[line_start : m.start()].strip() and re.match(r"[.)]\s", text[m.end() :]):
            continue  # "1. " opening a list item
        if re.match(r"[^\W_]", text[m.end() : m.end() + 1]) and not _UNIT_AFTER.match(
            text, m.end()
        ):
            continue  # "3rd", "4xx", "2fa": not a quantity
        value = float(raw.replace(",", ""))
        found.append(_num(text, m.start(), m.end(), value, cur, len(raw.partition(".")[2])))
    if spelled:
        taken = [(n.start, n.end) for n in found]
        for start, end, value, fraction in _spelled(text):
            if any(a < end and start < b for a, b in taken):
                continue
            n = _num(text, start, end, value, "", 0)
            if fraction:
                n = replace(n, kind="%", scaled=value, text=text[start:end], approx=True)
            found.append(n)
    found.sort(key=lambda n: n.start)
    found = _ranges(text, found)
    out = [replace(n, klass=_classify(text, n)) for n in found]
    for i in range(1, len(out)):  # the second end of "1.24 to 1.27" is a version too
        a, b = out[i - 1], out[i]
        if a.klass == "version" and re.fullmatch(r"\s*(?:to|->|→)\s*", text[a.end : b.start]):
            out[i] = replace(b, klass="version")
    return out


def _num(text: str, start: int, end: int, value: float, cur: str, decimals: int) -> Num:
    unit_m = _UNIT_AFTER.match(text, end)
    unit = ""
    if unit_m:
        unit = unit_m.group("unit")
        unit = "%" if re.fullmatch(r"(?i)per\s*-?\s*cent|percent|pct", unit) else unit
        end = unit_m.end()
    kind, scale = _UNITS.get(unit, ("", 1.0))
    approx = bool(_APPROX.search(text[max(0, start - 20) : start - len(cur)]))
    return Num(text[start:end], start, end, value, value * scale, cur or kind, decimals, approx)


def _ranges(text: str, nums: list[Num]) -> list[Num]:
    """ "30-40%", "between 30 and 40 ms": one number spanning both ends."""
    out: list[Num] = []
    i = 0
    while i < len(nums):
        a = nums[i]
        b = nums[i + 1] if i + 1 < len(nums) else None
        if b is not None and (not a.kind or a.kind == b.kind):
            gap = text[a.end : b.start]
            dash = re.fullmatch(r"\s*[-–]\s*|\s*to\s*", gap) and not re.search(
                r"(?i)\bfrom\s+\S*$", text[max(0, a.start - 12) : a.start]
            )
            between = gap.strip() == "and" and re.search(
                r"(?i)\bbetween\s+$", text[max(0, a.start - 10) : a.start]
            )
            if (dash and "to" not in gap and b.kind) or between:
                scale = b.scaled / b.value if b.value else 1.0
                low = a.value * scale
                out.append(
                    replace(
                        b,
                        text=text[a.start : b.end],
                        start=a.start,
                        value=a.value,
                        scaled=low,
                        high=b.scaled,
                        approx=True,
                    )
                )
                i += 2
                continue
        out.append(a)
        i += 1
    return out


MEASURED = ("measure", "money", "percent", "count")
_RELATIVE_WORD = re.compile(
    r"(?i)\b(?:halved|doubled|tripled|quadrupled|twice|by\s+(?:half|a\s+third|a\s+quarter)|"
    r"\d+\s?[x×](?!\w))"
)


_CHANGE = re.compile(
    r"(?i)\b(?:from|to|fell|dropped|rose|grew|cut|reduced|increased|decreased|down|up|saved|"
    r"per|a\s+(?:day|week|month|year|quarter)|each|every|fewer|more|less|zero|halved|doubled|"
    r"went|now|after|before|only|lost|gained|shrank|caught|closed|churned|affected|failed|"
    r"lower|higher|faster|slower|weekly|daily|monthly|hourly|nightly|yearly|annual|reported|"
    r"measured|active|total|average|median|p\d\d)\b|/"
)


def measurements(text: str) -> list[Num]:
    """Numbers that measure something; not dates, versions, ids, team sizes or time spent.
    A bare count measures only when something changed ("41 pages a week", "zero bugs")."""
    nums = numbers(text)
    paired = {
        id(n) for a, b in pairs(text, nums) for n in (a, b) if {a.klass, b.klass} <= set(MEASURED)
    }
    out = []
    for n in nums:
        if id(n) in paired:
            out.append(n)
        elif n.klass == "count":
            near = text[max(0, n.start - 60) : n.end + 60]
            if _CHANGE.search(near):
                out.append(n)
        elif n.klass in MEASURED:
            out.append(n)
    return out


def has_measurement(text: str) -> bool:
    return bool(measurements(text) or _RELATIVE_WORD.search(text))


def extract_numbers(text: str) -> list[str]:
    """Every number as written, with its unit: "40%", "1.8 s", "$2M", "3x", "15"."""
    found = numbers(text, spelled=False)
    return [n.text for n in found if n.klass not in ("date", "version", "id")]


_PAIR_GAP = re.compile(  # what may stand between the two numbers of a change or comparison
    r"(?i)(?:\bto|→|->|=>|⇒|\bnow(?:\s+at)?|\bdown\s+from|\bup\s+from)\s*[:~≈]?\s*"
    r"(?:about|around|roughly|under|over|just|only|nearly|almost|below|above)?\s*$|"
    r"(?:\(|,|;)?\s*\b(?:was|were|previously|formerly|before|from)\s*:?\s*(?:about|around)?\s*$|"
    r"\b(?:against|vs\.?|versus|compared\s+(?:to|with)|(?<!rather\s)than|relative\s+to|baseline|"
    r"median|average)\b[^\d;!?]{0,30}$"
)


def pairs(text: str, nums: list[Num]) -> list[tuple[Num, Num]]:
    """Adjacent numbers joined as a change: "from X to Y", "X → Y", "Y, down from X"…"""
    out = []
    for a, b in zip(nums, nums[1:], strict=False):
        gap = text[a.end : b.start]
        compatible = a.kind == b.kind or "" in (a.kind, b.kind)
        broken = re.search(r"[;!?]|\.\s+\S", gap)
        if compatible and len(gap) <= 40 and not broken and _PAIR_GAP.search(gap):
            out.append((a, b))
    return out


_TO_BEFORE = re.compile(
    r"(?i)\b(?:to|now|at|reached|hit|down\s+to|up\s+to|under|below)\s*[:~≈]?\s*"
    r"(?:about|around|roughly|just)?\s*$"
)


def role(text: str, n: Num, found_pairs: list[tuple[Num, Num]]) -> str:
    """ "from" or "to" when the number is one end of a change ("went to 300 ms" is a "to")."""
    for a, b in found_pairs:
        if n == a:
            return "from"
        if n == b:
            return "to"
    if re.search(
        r"(?i)\bfrom\s+(?:about|around|roughly)?\s*$", text[max(0, n.start - 20) : n.start]
    ):
        return "from"
    if _TO_BEFORE.search(text[max(0, n.start - 20) : n.start]):
        return "to"
    return ""


def same(a: Num, b: Num) -> bool:
    def close(x: float, y: float) -> bool:
        return abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1.0)

    if a.kind == b.kind and close(a.scaled, b.scaled):
        return True
    return close(a.value, b.value) and (a.kind == b.kind or "" in (a.kind, b.kind))


def consistent(said: Num, told: Num) -> bool:
    """Equal, rounded the way it was said ("11%" for "11.4%"), inside a range said, or close
    to it when the speaker approximated ("about 40" for 38)."""
    if same(said, told):
        return True
    if said.kind != told.kind:
        return False
    if round(told.value, said.decimals) == said.value:
        return True
    if said.high is not None:
        return said.scaled * 0.95 <= told.scaled <= said.high * 1.05
    if told.high is not None:
        return told.scaled * 0.95 <= said.scaled <= told.high * 1.05
    if said.approx or told.approx:
        return abs(said.scaled - told.scaled) <= 0.15 * max(abs(told.scaled), 1e-9)
    return False


def metric_match(story_metric_text: str, typed: str) -> tuple[list[str], list[str]]:
    """The story's metric numbers the user typed, and those missed; "1,200" == "1200"."""
    wanted: list[Num] = []
    for n in numbers(re.sub(r"<!--.*?-->", " ", story_metric_text, flags=re.S), spelled=False):
        if not any(same(n, w) for w in wanted):
            wanted.append(n)
    got = numbers(typed)
    matched = [n.text for n in wanted if any(same(n, g) for g in got)]
    return matched, [n.text for n in wanted if n.text not in matched]
