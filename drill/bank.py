"""The story bank: `stories/<id>.md` files parsed into `Story` values that keep line numbers."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from drill.errors import Problem
from drill.ladder import LEVELS

SECTIONS = (
    "situation",
    "problem",
    "decision",
    "alternatives",
    "people",
    "outcome",
    "metric",
    "learning",
)

_ALIASES = {
    "situation": ["situation", "context", "background", "setting", "the situation"],
    "problem": [
        "problem",
        "the problem",
        "problem i identified",
        "problem i noticed",
        "what i noticed",
        "diagnosis",
        "what i diagnosed",
        "problem i personally identified",
    ],
    "decision": ["decision", "the decision", "decision i made", "my decision", "key decision"],
    "alternatives": [
        "alternatives",
        "alternatives considered",
        "alternatives i considered",
        "alternatives i rejected",
        "options",
        "options considered",
        "options i rejected",
        "what i rejected",
        "rejected alternatives",
    ],
    "people": [
        "people",
        "people i influenced",
        "stakeholders",
        "influence",
        "who i convinced",
        "people i convinced",
        "who i influenced",
    ],
    "outcome": ["outcome", "the outcome", "result", "results", "impact"],
    "metric": [
        "metric",
        "metrics",
        "measurement",
        "measure",
        "the metric",
        "numbers",
        "evidence",
        "outcome measurement",
    ],
    "learning": [
        "learning",
        "learnings",
        "lesson",
        "lessons",
        "lesson learned",
        "lessons learned",
        "what i'd do differently",
        "what i would do differently",
        "retrospective",
        "reflection",
        "what i learned",
    ],
}
SECTION_BY_HEADING = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
# Headings in other words ("What I decided", "Actions", "Results by the numbers"): the first
# section whose keywords the heading contains, in an order where the narrower ones win.
_HEADING_WORDS = [
    (
        "learning",
        r"learn|lesson|differently|reflect|retro|takeaway|hindsight|looking\s+back|"
        r"would\s+change|next\s+time|growth|do\s+again|change\s+now|wiser|in\s+retrospect",
    ),
    (
        "alternatives",
        r"alternative|option|considered|rejected|instead|trade-?off|ruled\s+out|"
        r"turned\s+down|other\s+(?:paths|ideas|ways|approaches|choices)|(?:did\s+not|didn't)\s+"
        r"(?:do|choose|pick)|roads?\s+not\s+taken|weighed|what\s+else",
    ),
    ("metric", r"metric|measur|numbers|evidence|kpi|proof|stats|by\s+how\s+much|figures"),
    (
        "people",
        r"people|stakeholder|influence|convinc|persuad|buy-?in|on\s+board|allies|push-?back|"
        r"alignment|who\s+(?:i|we|had|needed)|won\s+over|win\s+over|politic|partners|"
        r"getting\s+(?:agreement|support)|cross-?functional|disagree",
    ),
    (
        "outcome",
        r"outcome|result|impact|what\s+happened|aftermath|payoff|end\s+state|turned\s+out|"
        r"how\s+it\s+(?:went|ended)|afterwards|in\s+the\s+end|where\s+it\s+landed|delivered",
    ),
    (
        "decision",
        r"decid|decision|chose|choice|the\s+call|approach|solution|action|what\s+i\s+did|"
        r"how\s+i|plan|fix|my\s+move|what\s+i\s+(?:proposed|built|picked|went\s+with)|proposal|"
        r"recommend",
    ),
    (
        "problem",
        r"problem|task|challenge|issue|diagnos|notic|found|root\s+cause|what\s+was\s+wrong|"
        r"complication|obstacle|goal|objective|trigger|going\s+on|went\s+wrong|symptom|pain|"
        r"what\s+i\s+saw|the\s+ask|spotted|bug|why\s+it\s+mattered",
    ),
    ("situation", r"situation|context|background|setting|setup|scene|where\s+i\s+was|the\s+team"),
]
_HEADING_RES = [(name, re.compile(rf"(?i)\b(?:{words})")) for name, words in _HEADING_WORDS]


def section_for_heading(heading: str) -> str | None:
    """The section a `## ` heading names: an exact alias, else the first keyword it holds."""
    text = normalize_heading(heading)
    if text in SECTION_BY_HEADING:
        return SECTION_BY_HEADING[text]
    text = re.sub(r"^(?:\d+[.)]\s*|[sptarl]\s*[:\-]\s*)", "", text)
    return next((name for name, pattern in _HEADING_RES if pattern.search(text)), None)


# A facet is what a `story` card asks for: one or two sections recalled together.
FACETS: dict[str, tuple[str, ...]] = {
    "decision": ("decision", "alternatives"),
    "outcome": ("outcome", "metric"),
    "people": ("people",),
    "problem": ("problem",),
    "learning": ("learning",),
}
FACET_LABELS = {
    "decision": "the decision and the alternatives you rejected",
    "outcome": "the outcome and the metric that proves it",
    "people": "who you influenced, where they started, how you moved them",
    "problem": "the problem you identified yourself",
    "learning": "what you would do differently",
}

DEPTHS = ("deep", "surface")
STORY_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")

# One short hint per section for `drill story new`, in our words, from the evidence standard.
HINTS = {
    "situation": "Two to four sentences: company size or stage, your team, and why it mattered.",
    "problem": "What you noticed or diagnosed yourself, not what someone handed you.",
    "decision": "The call you made, in the first person, and the reason it won.",
    "alternatives": "At least two options you turned down, each with why (one per line).",
    "people": "Roles outside your reporting line you had to convince, where each started, "
    "and what moved them.",
    "outcome": "What changed because of you, not because of 'the team'.",
    "metric": "A number from a baseline to a result, e.g. 'from 15 tickets a week to 2'.",
    "learning": "One narrow thing you would do differently, and the habit you now keep.",
}


def normalize_heading(text: str) -> str:
    text = text.strip().lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[:.!?]+$", "", text)
    return re.sub(r"\s+", " ", text)


@dataclass(frozen=True)
class Section:
    name: str
    heading: str
    text: str  # the body, stripped of leading/trailing blank lines
    line: int  # line number of the `## ` heading
    body_line: int  # line number of the first line of `text`

    def line_of(self, offset: int) -> int:
        """File line number of a character offset into `text`."""
        return self.body_line + self.text.count("\n", 0, max(0, offset))


@dataclass(frozen=True)
class Story:
    id: str
    path: Path
    title: str
    summary: str
    categories: tuple[str, ...] = ()
    principles: dict[str, str] = field(default_factory=dict)
    level: str | None = None
    tags: tuple[str, ...] = ()
    example: bool = False
    sections: dict[str, Section] = field(default_factory=dict)
    text: str = ""

    def section_text(self, name: str) -> str:
        section = self.sections.get(name)
        return section.text if section else ""

    def facet_text(self, facet: str) -> str:
        return "\n\n".join(
            self.section_text(name) for name in FACETS[facet] if self.section_text(name)
        )

    @property
    def label(self) -> str:
        return self.summary or self.title


def _front_matter_line(lines: list[str], start: int, needle: str) -> int:
    for offset, line in enumerate(lines):
        if needle in line:
            return start + offset
    return start


def parse_story(
    text: str,
    story_id: str,
    path: Path | str,
    categories: Iterable[str] | None = None,
    principles: Iterable[str] | None = None,
) -> tuple[Story | None, list[Problem]]:
    """Parse one story; fatal problems give no story, others are reported beside it."""
    path = Path(path)
    problems: list[Problem] = []

    def problem(line: int, message: str, severity: str = "error") -> None:
        problems.append(Problem(path, line, message, severity))

    if not text.strip():
        problem(1, "the file is empty; `drill story new` writes a template")
        return None, problems
    lines = text.splitlines()
    meta: dict = {}
    body_start = 0  # index into lines where the Markdown body begins
    if lines and lines[0].strip() == "+++":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "+++"), None)
        if end is None:
            problem(1, "front matter opened with +++ is never closed (add a line with +++)")
            return None, problems
        front = "\n".join(lines[1:end])
        try:
            meta = tomllib.loads(front)
        except RecursionError:
            problem(2, "invalid TOML in front matter: values nested too deeply")
            return None, problems
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"line (\d+)", str(exc))
            line = int(match.group(1)) + 1 if match else 1
            reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
            problem(line, f"invalid TOML in front matter: {reason}")
            return None, problems
        body_start = end + 1
        front_lines = lines[1:end]

        def meta_line(key: str) -> int:  # the key's own line: `key =` at a line's start
            pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
            for offset, line in enumerate(front_lines):
                if pattern.match(line):
                    return 2 + offset
            return _front_matter_line(front_lines, 2, key)
    else:

        def meta_line(key: str) -> int:
            return 1

    known_keys = {"title", "summary", "categories", "principles", "level", "tags", "example"}
    for key in meta:
        if key not in known_keys:
            problem(meta_line(key), f"unknown front matter key {key!r}", "warning")

    def text_value(key: str) -> str:
        value = meta.get(key, "")
        if not isinstance(value, str):
            problem(meta_line(key), f"{key} must be a string")
            return ""
        return value.strip()

    def list_value(key: str) -> tuple[str, ...]:
        value = meta.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problem(meta_line(key), f'{key} must be a list of strings, e.g. {key} = ["a", "b"]')
            return ()
        return tuple(value)

    known_categories = set(categories) if categories is not None else None
    story_categories = []
    for cat in list_value("categories"):
        if known_categories is not None and cat not in known_categories:
            problem(
                _front_matter_line(lines, 1, f'"{cat}"'),
                f"unknown category {cat!r} (see `drill coverage` for the ids)",
            )
        else:
            story_categories.append(cat)

    known_principles = set(principles) if principles is not None else None
    story_principles: dict[str, str] = {}
    raw_principles = meta.get("principles", {})
    if isinstance(raw_principles, list):  # tolerate a plain list: depth unknown = surface
        raw_principles = {p: "surface" for p in raw_principles if isinstance(p, str)}
    if not isinstance(raw_principles, dict):
        problem(meta_line("principles"), 'principles must be a table, e.g. { ownership = "deep" }')
        raw_principles = {}
    for pid, depth in raw_principles.items():
        line = _front_matter_line(lines, 1, pid)
        if known_principles is not None and pid not in known_principles:
            problem(line, f"unknown principle {pid!r}")
            continue
        if depth not in DEPTHS:
            problem(line, f'principle {pid!r}: depth must be "deep" or "surface", not {depth!r}')
            continue
        story_principles[pid] = depth

    level = meta.get("level")
    if level is not None and level not in LEVELS:
        problem(meta_line("level"), f"level must be one of {', '.join(LEVELS)}, not {level!r}")
        level = None
    example = meta.get("example", False)
    if not isinstance(example, bool):
        problem(meta_line("example"), "example must be true or false")
        example = False

    title = text_value("title")
    sections: dict[str, Section] = {}
    current: tuple[str, str, int] | None = None  # name, heading, heading line
    buffer: list[tuple[int, str]] = []

    def flush() -> None:
        if current is None:
            return
        name, heading, line = current
        while buffer and not buffer[0][1].strip():
            buffer.pop(0)
        while buffer and not buffer[-1][1].strip():
            buffer.pop()
        body = "\n".join(b for _, b in buffer)
        body_line = buffer[0][0] if buffer else line + 1
        if name in sections:
            problem(
                line,
                f"duplicate section '{heading}' (first at line {sections[name].line}); "
                "merge the two",
            )
            return
        sections[name] = Section(name, heading, body, line, body_line)

    in_fence = False
    for index in range(body_start, len(lines)):
        raw = lines[index]
        number = index + 1
        if raw.lstrip().startswith("```"):
            in_fence = not in_fence
        if not in_fence and raw.startswith("## "):
            flush()
            buffer = []
            heading = raw[3:].strip()
            name = section_for_heading(heading)
            if name is None:
                problem(
                    number,
                    f"unknown section '{heading}' (ignored); sections are: "
                    + ", ".join(s.title() for s in SECTIONS),
                    "warning",
                )
                current = None
            else:
                current = (name, heading, number)
            continue
        if not in_fence and raw.startswith("# ") and current is None and not title:
            title = raw[2:].strip()
            continue
        if current is not None:
            buffer.append((number, raw))
    flush()

    story = Story(
        id=story_id,
        path=path,
        title=title or story_id,
        summary=text_value("summary"),
        categories=tuple(story_categories),
        principles=story_principles,
        level=level,
        tags=list_value("tags"),
        example=example,
        sections=sections,
        text=text,
    )
    return story, problems


def read_story(
    path: Path,
    categories: Iterable[str] | None = None,
    principles: Iterable[str] | None = None,
) -> tuple[Story | None, list[Problem]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(path, 1, f"cannot read: {exc.strerror}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(path, line, "not UTF-8 text; save the file as UTF-8")]
    if text.startswith("\ufeff"):
        text = text[1:]
    return parse_story(text, path.stem, path, categories, principles)


@dataclass
class Bank:
    stories: dict[str, Story]
    problems: list[Problem]
    broken: set[str]  # ids of files present but unparseable

    def active(self) -> list[Story]:
        """The stories drilled: the user's own, or the examples while there are none."""
        own = [s for s in self.stories.values() if not s.example]
        if own:
            return own
        return [s for s in self.stories.values() if s.example]

    @property
    def only_examples(self) -> bool:
        return bool(self.stories) and all(s.example for s in self.stories.values())


def inside(path: Path, root: Path) -> bool:
    """Does `path`, links followed, lie within `root`?"""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except OSError:
        return False


def story_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("*.md") if not p.name.startswith("."))


def load_bank(
    directories: Iterable[Path],
    categories: Iterable[str] | None = None,
    principles: Iterable[str] | None = None,
) -> Bank:
    """Read every story; later directories do not override ids already read."""
    categories = list(categories) if categories is not None else None
    principles = list(principles) if principles is not None else None
    stories: dict[str, Story] = {}
    problems: list[Problem] = []
    broken: set[str] = set()
    for directory in directories:
        for path in sorted(directory.glob(".*.md")) if directory.is_dir() else ():
            problems.append(
                Problem(path, 1, "hidden file (its name starts with a dot), ignored", "warning")
            )
        for path in story_files(directory):
            if path.stem in stories or path.stem in broken:
                continue
            if path.is_symlink() and not inside(path, directory.parent):
                problems.append(
                    Problem(path, 1, "a link to a file outside the home; copy the file in instead")
                )
                broken.add(path.stem)
                continue
            story, found = read_story(path, categories, principles)
            problems.extend(found)
            if story is None:
                broken.add(path.stem)
            else:
                stories[story.id] = story
    return Bank(stories, problems, broken)


def render_story(
    title: str,
    sections: dict[str, str],
    categories: Iterable[str] = (),
    principles: dict[str, str] | None = None,
    level: str | None = None,
    summary: str = "",
) -> str:
    """Write a story file's text from its parts."""

    def toml_str(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    front = []
    if summary:
        front.append(f"summary = {toml_str(summary)}")
    front.append("categories = [" + ", ".join(toml_str(c) for c in categories) + "]")
    if principles:
        inner = ", ".join(f"{k} = {toml_str(v)}" for k, v in principles.items())
        front.append("principles = { " + inner + " }")
    if level:
        front.append(f"level = {toml_str(level)}")
    out = ["+++", *front, "+++", "", f"# {title}", ""]
    for name in SECTIONS:
        out += [f"## {name.title()}", sections.get(name, "").strip(), ""]
    return "\n".join(out).rstrip() + "\n"


def template(title: str = "Title of the story") -> str:
    """A new story file with each section's hint as a placeholder comment."""
    return render_story(title, {name: f"<!-- {HINTS[name]} -->" for name in SECTIONS})


def own_copy(example: Story, stories_dir: Path) -> Path:
    """The user's own copy of an example story in `stories_dir` (made once, without its
    example mark): what editing an example opens. Shipped files are never written."""
    from drill.home import write_private

    target = stories_dir / f"{example.id}.md"
    if not target.exists():
        text = example.path.read_text(encoding="utf-8")
        write_private(target, re.sub(r"(?m)^example\s*=\s*true\s*\n", "", text, count=1))
    return target
