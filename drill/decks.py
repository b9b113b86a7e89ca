"""Question decks and the taxonomy: `decks/*.toml` into `Question`, `Category`, `Framework`."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from drill.errors import Problem
from drill.ladder import LEVELS

TAXONOMY_FILE = "taxonomy.toml"
PROBES_FILE = "probes.toml"  # generic follow-ups, shared by every question: not a deck
NOT_DECKS = {TAXONOMY_FILE, PROBES_FILE}
# what in an answer's analysis calls for a probe ("any": always a candidate)
PROBE_TRIGGERS = ("no-number", "we-heavy", "no-alternative", "no-outsider", "no-learning", "any")
QUESTION_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    description: str
    required: bool = False


@dataclass(frozen=True)
class Principle:
    id: str
    name: str
    gloss: str
    framework: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    deck: str | None
    principles: tuple[Principle, ...]


@dataclass(frozen=True)
class Taxonomy:
    categories: dict[str, Category]
    frameworks: dict[str, Framework]

    @property
    def principles(self) -> dict[str, Principle]:
        return {p.id: p for f in self.frameworks.values() for p in f.principles}

    @property
    def required(self) -> list[str]:
        return [c.id for c in self.categories.values() if c.required]


@dataclass(frozen=True)
class Question:
    id: str  # global: "<deck>/<local id>"
    deck: str
    text: str
    variants: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    principles: tuple[str, ...] = ()
    trap: bool = False
    look_for: str = ""
    followups: tuple[str, ...] = ()
    line: int = 0
    red_flags: tuple[str, ...] = ()
    # level -> what an answer at that level shows; only levels of LEVELS, possibly none
    rubric: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def wordings(self) -> tuple[str, ...]:
        return (self.text, *self.variants)

    def wording(self, turn: int) -> str:
        """Rotate through the wordings so the user learns the question, not one phrasing."""
        return self.wordings[turn % len(self.wordings)]

    @property
    def local_id(self) -> str:
        return self.id.split("/", 1)[1]

    def rubric_for(self, level: str) -> str:
        """What an answer at `level` shows; empty when the deck gives no rubric for it."""
        return self.rubric.get(level, "")


@dataclass(frozen=True)
class Probe:
    """A generic follow-up ("What did you personally do?"), asked when `when` fits the answer."""

    id: str
    text: str
    when: str


@dataclass(frozen=True)
class Deck:
    id: str
    title: str
    path: Path
    questions: tuple[Question, ...]


def shipped_decks_dir() -> Path:
    """The repo's decks/: beside the package in a checkout, inside it in a wheel."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "_decks", package.parent / "decks"):
        if (candidate / TAXONOMY_FILE).is_file():
            return candidate
    return package.parent / "decks"


def _read_toml(path: Path) -> tuple[dict | None, list[Problem]]:
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        return None, [Problem(path, 1, f"cannot read: {exc.strerror}")]
    except UnicodeDecodeError as exc:
        return None, [Problem(path, 1, f"not UTF-8 text (byte {exc.start})")]
    try:
        return tomllib.loads(text), []
    except RecursionError:
        return None, [Problem(path, 1, "invalid TOML: values nested too deeply")]
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else 1
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        return None, [Problem(path, line, f"invalid TOML: {reason}")]


def _line_finder(path: Path):
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []

    def find(needle: str, start: int = 1) -> int:
        for number in range(max(start, 1), len(lines) + 1):
            if needle in lines[number - 1]:
                return number
        return start

    return find


def _strings(value: object) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def load_taxonomy(path: Path) -> tuple[Taxonomy, list[Problem]]:
    data, problems = _read_toml(path)
    if data is None:
        return Taxonomy({}, {}), problems
    find = _line_finder(path)
    categories: dict[str, Category] = {}
    for key in ("category", "framework"):
        if not isinstance(data.get(key, []), list):
            problems.append(Problem(path, find(key), f"{key} must be [[{key}]] tables"))
            data[key] = []
    for raw in data.get("category", []):
        cid = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(cid, str) or not cid:
            problems.append(Problem(path, find("[[category]]"), "a category has no id"))
            continue
        if cid in categories:
            problems.append(Problem(path, find(f'"{cid}"'), f"duplicate category id {cid!r}"))
            continue
        categories[cid] = Category(
            cid,
            str(raw.get("name", cid)),
            str(raw.get("description", "")),
            bool(raw.get("required", False)),
        )
    frameworks: dict[str, Framework] = {}
    seen: set[str] = set()
    for raw in data.get("framework", []):
        fid = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(fid, str) or not fid:
            problems.append(Problem(path, find("[[framework]]"), "a framework has no id"))
            continue
        principles = []
        if not isinstance(raw.get("principle", []), list):
            problems.append(
                Problem(
                    path,
                    find("principle"),
                    f"framework {fid}: principle must be [[framework.principle]] tables",
                )
            )
            raw["principle"] = []
        if not isinstance(raw.get("deck", ""), str):
            problems.append(Problem(path, find("deck"), f"framework {fid}: deck must be a name"))
            raw["deck"] = None
        for p in raw.get("principle", []):
            pid = p.get("id") if isinstance(p, dict) else None
            if not isinstance(pid, str) or not pid or pid in seen:
                problems.append(
                    Problem(path, find(f'"{pid}"'), f"principle id {pid!r} missing or repeated")
                )
                continue
            seen.add(pid)
            cats = _strings(p.get("categories", [])) or ()
            for cat in cats:
                if cat not in categories:
                    problems.append(
                        Problem(
                            path, find(f'"{pid}"'), f"principle {pid}: unknown category {cat!r}"
                        )
                    )
            principles.append(
                Principle(pid, str(p.get("name", pid)), str(p.get("gloss", "")), fid, cats)
            )
        frameworks[fid] = Framework(
            fid, str(raw.get("name", fid)), raw.get("deck"), tuple(principles)
        )
    return Taxonomy(categories, frameworks), problems


def load_deck(path: Path, taxonomy: Taxonomy | None = None) -> tuple[Deck | None, list[Problem]]:
    data, problems = _read_toml(path)
    if data is None:
        return None, problems
    deck_id = path.stem
    find = _line_finder(path)
    meta = data.get("deck", {})
    title = meta.get("title", deck_id) if isinstance(meta, dict) else deck_id
    categories = set(taxonomy.categories) if taxonomy else None
    principles = set(taxonomy.principles) if taxonomy else None
    questions: list[Question] = []
    seen: set[str] = set()
    last = 1
    raw_questions = data.get("question", [])
    if not isinstance(raw_questions, list):
        return None, [*problems, Problem(path, 1, "questions must be [[question]] tables")]
    for raw in raw_questions:
        if not isinstance(raw, dict):
            problems.append(Problem(path, 1, "each question must be a [[question]] table"))
            continue
        qid = raw.get("id")
        # questions come in file order: search on from the last one (a scan from line 1 for
        # each question made a 100-question deck cost 10,000 line tests)
        line = find(f'"{qid}"', last) if isinstance(qid, str) else find("[[question]]", last)
        last = line
        if not isinstance(qid, str) or not QUESTION_ID.match(qid):
            problems.append(Problem(path, line, f"question id {qid!r} must be kebab-case text"))
            continue
        if qid in seen:
            problems.append(Problem(path, line, f"duplicate question id {qid!r}"))
            continue
        text = raw.get("text")
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(path, line, f"question {qid!r} has no text"))
            continue
        fields = {}
        for key in ("variants", "categories", "principles", "followups", "red_flags"):
            value = _strings(raw.get(key, []))
            if value is None:
                problems.append(Problem(path, line, f"question {qid!r}: {key} must be strings"))
                value = ()
            fields[key] = tuple(v.strip() for v in value if v.strip())
        if categories is not None:
            for cat in fields["categories"]:
                if cat not in categories:
                    problems.append(
                        Problem(path, line, f"question {qid!r}: unknown category {cat!r}")
                    )
            fields["categories"] = tuple(c for c in fields["categories"] if c in categories)
        if principles is not None:
            for pid in fields["principles"]:
                if pid not in principles:
                    problems.append(
                        Problem(path, line, f"question {qid!r}: unknown principle {pid!r}")
                    )
            fields["principles"] = tuple(p for p in fields["principles"] if p in principles)
        rubric, found = _rubric(raw.get("rubric", {}), qid)
        problems.extend(Problem(path, line, message) for message in found)
        seen.add(qid)
        questions.append(
            Question(
                id=f"{deck_id}/{qid}",
                deck=deck_id,
                text=text.strip(),
                trap=bool(raw.get("trap", False)),
                look_for=str(raw.get("look_for", "")).strip(),
                line=line,
                rubric=rubric,
                **fields,
            )
        )
    return Deck(deck_id, str(title), path, tuple(questions)), problems


def _rubric(value: object, qid: str) -> tuple[dict[str, str], list[str]]:
    """`[question.rubric]`: level -> text, levels from LEVELS only; (rubric, problems)."""
    if not isinstance(value, dict):
        return {}, [f"question {qid!r}: rubric must be a table of levels ({', '.join(LEVELS)})"]
    rubric: dict[str, str] = {}
    problems = []
    for level, text in value.items():
        if level not in LEVELS:
            problems.append(
                f"question {qid!r}: unknown rubric level {level!r} (use {', '.join(LEVELS)})"
            )
        elif not isinstance(text, str) or not text.strip():
            problems.append(f"question {qid!r}: rubric.{level} must be text")
        else:
            rubric[level] = " ".join(text.split())
    return {level: rubric[level] for level in LEVELS if level in rubric}, problems


def load_probes(path: Path) -> tuple[tuple[Probe, ...], list[Problem]]:
    """`probes.toml`: `probes = [{ id, text, when }, ...]`; (probes, problems)."""
    data, problems = _read_toml(path)
    if data is None:
        return (), problems
    find = _line_finder(path)
    raw_probes = data.get("probes", [])
    if not isinstance(raw_probes, list):
        return (), [*problems, Problem(path, find("probes"), "probes must be a list of tables")]
    probes: list[Probe] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_probes, 1):
        if not isinstance(raw, dict):
            problems.append(Problem(path, find("probes"), f"probe {number} must be a table"))
            continue
        pid, text, when = raw.get("id"), raw.get("text"), raw.get("when", "any")
        line = find(f'"{pid}"') if isinstance(pid, str) else find("probes")
        if not isinstance(pid, str) or not QUESTION_ID.match(pid):
            problems.append(Problem(path, line, f"probe {number}: id {pid!r} must be kebab-case"))
        elif pid in seen:
            problems.append(Problem(path, line, f"duplicate probe id {pid!r}"))
        elif not isinstance(text, str) or not text.strip():
            problems.append(Problem(path, line, f"probe {pid!r} has no text"))
        elif when not in PROBE_TRIGGERS:
            problems.append(
                Problem(
                    path,
                    line,
                    f"probe {pid!r}: unknown trigger {when!r} (use {', '.join(PROBE_TRIGGERS)})",
                )
            )
        else:
            seen.add(pid)
            probes.append(Probe(pid, " ".join(text.split()), when))
    return tuple(probes), problems


def deck_paths(directories: Iterable[Path]) -> dict[str, Path]:
    """Deck id -> file; the user's decks (listed later) override shipped ones of the same id."""
    found: dict[str, Path] = {}
    for directory in directories:
        if directory.is_dir():
            for path in sorted(directory.glob("*.toml")):
                if path.name not in NOT_DECKS and not path.name.startswith("."):
                    found[path.stem] = path
    return found


def company_deck(company: str, frameworks: dict, available: Iterable[str]) -> str | None:
    """The deck a company stands for: its framework's deck, or a deck of that name."""
    key = company.strip().lower()
    framework = frameworks.get(key)
    if framework is not None and framework.deck:
        return framework.deck
    return key if key in set(available) else None


def load_decks(
    directories: Iterable[Path], names: Iterable[str], taxonomy: Taxonomy | None
) -> tuple[dict[str, Deck], list[Problem]]:
    available = deck_paths(directories)
    decks: dict[str, Deck] = {}
    problems: list[Problem] = []
    for name in names:
        if name in decks:
            continue
        path = available.get(name)
        if path is None:
            known = ", ".join(sorted(available)) or "none"
            problems.append(
                Problem("config.toml", 1, f"no deck named {name!r} (available: {known})")
            )
            continue
        deck, found = load_deck(path, taxonomy)
        problems.extend(found)
        if deck is not None:
            decks[name] = deck
    return decks, problems
