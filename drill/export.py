"""Data out and back in: an Anki package, a full JSON backup, a Markdown cram sheet.

The JSON backup is deterministic (sorted keys, rows in a fixed order, no export time), so
export → import → export gives the same bytes.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from drill.bank import FACET_LABELS, FACETS, STORY_ID, Story, story_files
from drill.decks import Question
from drill.errors import DrillError

FORMAT = "drill-backup"
VERSION = 1
DECK_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.toml$")
TEXT_KEYS = ("stories", "decks")  # file name -> text
TABLE_KEYS = ("cards", "reviews", "mappings", "plans", "params", "rehearsals")
TABLE_KEYS += ("assignments", "loops")  # drill assign, drill loop


# --- the JSON backup --------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    """A file's exact text (no newline translation); a clear error if it is not UTF-8."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise DrillError(
            f"{path}: not UTF-8 text, so it cannot go into a JSON backup; save it as UTF-8 "
            "(`drill doctor` lists such files)"
        ) from None
    except OSError as exc:
        raise DrillError(f"{path}: cannot read: {exc.strerror}") from None


def _text_files(directory: Path, pattern: str) -> dict[str, str]:
    if not directory.is_dir():
        return {}
    return {
        p.name: _read_text(p)
        for p in sorted(directory.glob(pattern))
        if p.is_file() and not p.name.startswith(".")
    }


def build_backup(home, store) -> dict:
    """Everything that is the user's: story and deck files as text, config, every table."""
    config = _read_text(home.config_path) if home.config_path.is_file() else None
    return {
        "format": FORMAT,
        "version": VERSION,
        "config": config,
        "stories": {p.name: _read_text(p) for p in story_files(home.stories_dir)},
        "decks": _text_files(home.decks_dir, "*.toml"),
        **store.backup_rows(),
    }


def dump_backup(backup: dict) -> str:
    return json.dumps(backup, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def parse_backup(text: str | bytes, name: str, tables: dict[str, list[dict]]) -> dict:
    """Check a backup before anything is written; every error names the file and the place.

    `tables` is the database's schema: table -> PRAGMA table_info rows.
    """

    def fail(message: str) -> DrillError:
        return DrillError(f"{name}: {message}")

    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise fail(f"not UTF-8 text (byte {exc.start}); is this a drill backup?") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(
            f"not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "make a backup with `drill export --format json`"
        ) from None
    if not isinstance(data, dict):
        raise fail("not a drill backup: the top level is not a JSON object")
    if data.get("format") != FORMAT:
        raise fail(f'not a drill backup: "format" is {data.get("format")!r}, expected {FORMAT!r}')
    if type(data.get("version")) is not int or data["version"] != VERSION:
        raise fail(
            f"backup version {data.get('version')!r} is not one this drill reads ({VERSION}); "
            "upgrade drill or export again"
        )
    for key in ("assignments", "loops"):  # backups made before `drill loop` lack them
        data.setdefault(key, [])
    missing = [k for k in ("config", *TEXT_KEYS, *TABLE_KEYS) if k not in data]
    if missing:
        raise fail(f"missing key{'s' * (len(missing) > 1)}: {', '.join(missing)}")
    unknown = sorted(set(data) - {"format", "version", "config", *TEXT_KEYS, *TABLE_KEYS})
    if unknown:
        raise fail(f"unknown key{'s' * (len(unknown) > 1)}: {', '.join(unknown)}")
    if data["config"] is not None and not isinstance(data["config"], str):
        raise fail('"config" must be the text of config.toml or null')
    for key, pattern, example in (
        ("stories", None, "billing-split.md"),
        ("decks", DECK_FILE, "mine.toml"),
    ):
        files = data[key]
        if not isinstance(files, dict):
            raise fail(f'"{key}" must map file names to their text')
        for file_name, content in files.items():
            ok = (
                STORY_ID.match(file_name[:-3]) and file_name.endswith(".md")
                if pattern is None
                else pattern.match(file_name)
            )
            if not ok:
                raise fail(
                    f'"{key}": {file_name!r} is not a file name drill writes (e.g. {example})'
                )
            if not isinstance(content, str):
                raise fail(f'"{key}": {file_name!r} must be text')
    for table in TABLE_KEYS:
        rows = data[table]
        info = tables[table]
        columns = {c["name"] for c in info}
        required = {
            c["name"] for c in info if c["notnull"] and c["dflt_value"] is None and not c["pk"]
        }
        if table == "mappings":
            required |= {"question", "story"}
        if not isinstance(rows, list):
            raise fail(f'"{table}" must be a list of rows')
        for index, row in enumerate(rows):
            where = f'"{table}"[{index}]'
            if not isinstance(row, dict):
                raise fail(f"{where} is not an object")
            extra = sorted(set(row) - columns)
            if extra:
                raise fail(f"{where}: unknown column{'s' * (len(extra) > 1)} {', '.join(extra)}")
            absent = sorted(c for c in required if row.get(c) is None)
            if absent:
                raise fail(f"{where}: {', '.join(absent)} missing")
            for column, value in row.items():
                if isinstance(value, bool) or not isinstance(value, str | int | float | None):
                    raise fail(f"{where}: {column} must be text or a number")
                if isinstance(value, int) and not -(2**63) <= value < 2**63:
                    raise fail(f"{where}: {column} is too large a number for the database")
    card_ids = {row.get("id") for row in data["cards"]}
    for index, row in enumerate(data["reviews"]):
        if row["card_id"] not in card_ids:
            raise fail(f'"reviews"[{index}]: card {row["card_id"]} is not in "cards"')
    for table in ("cards", "reviews", "plans", "params", "rehearsals", "loops"):
        ids = [row.get("id") for row in data[table]]
        if len(ids) != len(set(ids)) or not all(isinstance(i, int) for i in ids):
            raise fail(f'"{table}": every row needs a distinct whole-number "id"')
    return data


def home_is_empty(home, store) -> bool:
    """Empty: no story of the user's own and no review yet."""
    return not story_files(home.stories_dir) and store.review_count() == 0


def set_aside(root: Path, moment: datetime) -> Path:
    """Copy a home to a timestamped folder beside it, before an import replaces it."""
    stamp = moment.strftime("%Y%m%d-%H%M%S")
    target = root.with_name(f"{root.name}.before-import-{stamp}")
    n = 2
    while target.exists():
        target = root.with_name(f"{root.name}.before-import-{stamp}-{n}")
        n += 1
    shutil.copytree(root, target)
    os.chmod(target, 0o700)
    return target


def write_private_bytes(path: Path, text: str) -> None:
    """Write text exactly (no newline translation), mode 0600, atomically."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(text.encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _clash(path: Path, text: str, config_path: Path) -> bool:
    """Would writing `text` at `path` lose something? The untouched default config does not."""
    from drill.home import DEFAULT_CONFIG_TEXT

    if not path.exists():
        return False
    if not path.is_file():
        return True
    current = path.read_bytes()
    if current == text.encode("utf-8"):
        return False
    return not (path == config_path and current == DEFAULT_CONFIG_TEXT.encode("utf-8"))


@dataclass(frozen=True)
class Restored:
    stories: int
    reviews: int
    set_aside: Path | None


def restore_backup(home, store, data: dict, force: bool, moment: datetime) -> Restored:
    """Put a checked backup into `home`: files and tables together, or nothing.

    An empty home is filled in place; a home in use needs `force`, and is first copied beside
    itself. Without `force`, a file the backup would overwrite with other text stops the import.
    """
    from drill.home import DEFAULT_CONFIG_TEXT

    writes: list[tuple[Path, str]] = [
        *((home.stories_dir / n, t) for n, t in sorted(data["stories"].items())),
        *((home.decks_dir / n, t) for n, t in sorted(data["decks"].items())),
    ]
    config = data["config"] if data["config"] is not None else DEFAULT_CONFIG_TEXT
    writes.append((home.config_path, config))
    aside = None
    if not force and not home_is_empty(home, store):
        raise DrillError(
            f"{home.root} already holds stories or reviews; `drill import --force` copies it "
            "aside first, then replaces it"
        )
    if force:
        store.checkpoint()
        aside = set_aside(home.root, moment)
    else:
        clashes = [str(path) for path, text in writes if _clash(path, text, home.config_path)]
        if clashes:
            raise DrillError(
                f"the backup would overwrite {', '.join(clashes)}; move them away or use --force"
            )

    def write_files() -> None:
        if force:  # the home was copied aside: it becomes exactly the backup
            for path in [*story_files(home.stories_dir), *home.decks_dir.glob("*.toml")]:
                path.unlink()
        created: list[Path] = []
        try:
            for path, text in writes:
                new = not path.exists()
                write_private_bytes(path, text)
                if new:
                    created.append(path)
        except BaseException:
            for path in created:  # the database rolls back; take back the new files too
                path.unlink(missing_ok=True)
            raise

    tables = {table: data[table] for table in TABLE_KEYS}
    try:
        store.restore(tables, write_files)
    except sqlite3.IntegrityError as exc:
        raise DrillError(
            f"the backup does not fit the database ({exc}); nothing was changed"
        ) from None
    except OSError as exc:
        raise DrillError(
            f"cannot write {exc.filename}: {exc.strerror}; the database was left as it was"
        ) from None
    return Restored(len(data["stories"]), len(data["reviews"]), aside)


# --- the Markdown cram sheet -------------------------------------------------------------------

CRAM_BEATS = ("problem", "decision", "alternatives", "people", "metric", "learning")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def first_sentence(text: str, limit: int = 160) -> str:
    """The gist of a section: its first sentence, on one line, cut at `limit` characters."""
    flat = " ".join(_COMMENT.sub("", text).split())
    match = re.match(r"(.+?[.!?])(\s|$)", flat)
    sentence = match.group(1) if match else flat
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def list_items(text: str) -> list[str]:
    """The bullet points of a section, or its sentences when it has none."""
    text = _COMMENT.sub("", text)
    bullets = [
        re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line).strip()
        for line in text.splitlines()
        if re.match(r"^\s*(?:[-*+]|\d+[.)])\s+", line)
    ]
    return [first_sentence(b) for b in bullets if b] or (
        [first_sentence(text)] if text.strip() else []
    )


def cram_sheet(
    stories: Iterable[Story], questions: dict[str, Question], mappings: dict[str, set[str]]
) -> str:
    """One section per story: its key beats as short bullets and the questions it answers."""
    answers: dict[str, list[str]] = {}
    for qid in sorted(mappings):
        for story_id in mappings[qid]:
            answers.setdefault(story_id, []).append(qid)
    out = ["# Cram sheet", ""]
    stories = sorted(stories, key=lambda s: s.id)
    if not stories:
        out.append("No stories yet: `drill story new` writes one.")
    for story in stories:
        out += [f"## {story.title} (`{story.id}`)", ""]
        if story.summary:
            out += [f"_{story.summary}_", ""]
        for beat in CRAM_BEATS:
            text = story.section_text(beat)
            if not _COMMENT.sub("", text).strip():
                continue
            label = beat.title()
            if beat == "alternatives":
                out.append(f"- **{label}:**")
                out += [f"  - {item}" for item in list_items(text)]
            elif beat == "metric":
                out.append(f"- **{label}:** {first_sentence(' '.join(text.split()), 240)}")
            else:
                out.append(f"- **{label}:** {first_sentence(text)}")
        asked = [questions[q] for q in answers.get(story.id, []) if q in questions]
        if asked:
            out += ["", "Answers:"]
            out += [f"- {q.text} ({q.id})" for q in asked]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# --- the Anki package -------------------------------------------------------------------------

CSS = """.card { font-family: sans-serif; font-size: 18px; text-align: left; max-width: 40em;
margin: auto; } .facet { color: #666; } .look { color: #555; font-size: 15px; }"""


def _stable_id(name: str) -> int:
    """Model and deck ids from their names, so re-imports update instead of duplicating."""
    return (1 << 30) + int(hashlib.sha1(name.encode()).hexdigest()[:8], 16) % (1 << 30)


def _html(text: str) -> str:
    return html.escape(_COMMENT.sub("", text).strip()).replace("\n", "<br>")


def anki_notes(
    stories: Iterable[Story], questions: Iterable[Question], mappings: dict[str, set[str]]
) -> list[tuple[str, str, list[str], list[str]]]:
    """(kind, guid seed, fields, tags) of every note: questions, then story facets."""
    stories = sorted(stories, key=lambda s: s.id)
    titles = {s.id: s.title for s in stories}
    notes = []
    for q in questions:
        mapped = sorted(mappings.get(q.id, set()) & titles.keys())
        answer = (
            "<br>".join(f"<b>{html.escape(s)}</b>: {html.escape(titles[s])}" for s in mapped)
            if mapped
            else "<i>no story mapped yet (drill mapping set)</i>"
        )
        notes.append(
            (
                "question",
                f"question:{q.id}",
                [_html(q.text), answer, _html(q.look_for), html.escape(q.id)],
                ["drill::question", f"deck::{q.deck}", *q.categories],
            )
        )
    for story in stories:
        for facet in FACETS:
            body = story.facet_text(facet)
            if not _COMMENT.sub("", body).strip():
                continue
            notes.append(
                (
                    "story",
                    f"story:{story.id}:{facet}",
                    [
                        _html(story.title),
                        _html(FACET_LABELS[facet]),
                        _html(body),
                        html.escape(f"{story.id}:{facet}"),
                    ],
                    ["drill::story", f"story::{story.id}", *story.categories],
                )
            )
    return notes


def write_apkg(
    path: Path,
    stories: Iterable[Story],
    questions: Iterable[Question],
    mappings: dict[str, set[str]],
    timestamp: float,
) -> int:
    """Write an Anki package; returns the number of notes. Each note gives one card."""
    import genanki

    question_model = genanki.Model(
        _stable_id("drill question"),
        "drill question",
        fields=[{"name": "Question"}, {"name": "Stories"}, {"name": "LookFor"}, {"name": "Id"}],
        templates=[
            {
                "name": "Question",
                "qfmt": "{{Question}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Stories}}"
                "{{#LookFor}}<p class=look>{{LookFor}}</p>{{/LookFor}}",
            }
        ],
        css=CSS,
    )
    story_model = genanki.Model(
        _stable_id("drill story"),
        "drill story",
        fields=[{"name": "Title"}, {"name": "Facet"}, {"name": "Beats"}, {"name": "Id"}],
        templates=[
            {
                "name": "Facet",
                "qfmt": "<b>{{Title}}</b><p class=facet>{{Facet}}</p>",
                "afmt": "{{FrontSide}}<hr id=answer>{{Beats}}",
            }
        ],
        css=CSS,
    )
    deck = genanki.Deck(_stable_id("drill"), "drill")
    notes = anki_notes(stories, questions, mappings)
    for kind, seed, fields, tags in notes:
        deck.add_note(
            genanki.Note(
                model=question_model if kind == "question" else story_model,
                fields=fields,
                tags=[re.sub(r"\s+", "-", t) for t in tags],
                guid=genanki.guid_for(seed),
            )
        )
    package = genanki.Package(deck)
    # genanki's own write_to_file leaves its temporary database behind; this one is cleaned up.
    with tempfile.TemporaryDirectory(prefix="drill-apkg-") as tmp:
        db_path = Path(tmp) / "collection.anki2"
        conn = sqlite3.connect(db_path)
        try:
            package.write_to_db(conn.cursor(), timestamp, _counter(int(timestamp * 1000)))
            conn.commit()
        finally:
            conn.close()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle, zipfile.ZipFile(handle, "w") as archive:
            archive.write(db_path, "collection.anki2")
            archive.writestr("media", "{}")
    return len(notes)


def _counter(start: int):
    import itertools

    return itertools.count(start)
