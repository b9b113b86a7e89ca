"""The JSON backup: everything that is the user's, out as one deterministic file and back in.

The backup is deterministic (sorted keys, rows in a fixed order, no export time), so
export → import → export gives the same bytes. An import checks every field against the rules
the database lives by before anything is written, builds the new home beside the old one, and
swaps it in with renames: a kill at any moment leaves the old home or the new one, never a mix.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from drill.bank import inside, story_files
from drill.errors import DrillError
from drill.files import write_private

FORMAT = "drill-backup"
VERSION = 1
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
        "stories": {
            p.name: _read_text(p)
            for p in story_files(home.stories_dir)
            if not p.is_symlink() or inside(p, home.root)  # never what a link points out to
        },
        "decks": _text_files(home.decks_dir, "*.toml"),
        **store.backup_rows(),
    }


def dump_backup(backup: dict) -> str:
    return json.dumps(backup, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


# --- what each stored field may hold ------------------------------------------------------------

FIRST_YEAR, LAST_YEAR = 1970, 2400  # stored times: room for FSRS's 100-year intervals
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WORD = re.compile(r"^[a-z][a-z_-]{0,30}$")
_MAX_JSON_DEPTH = 64


def _is_time(value: object) -> bool:
    if not isinstance(value, str) or len(value) > 40:
        return False
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return False
    return moment.tzinfo is not None and FIRST_YEAR <= moment.year <= LAST_YEAR


def _is_day(value: object) -> bool:
    if not isinstance(value, str) or not _DAY.match(value):
        return False
    try:
        return FIRST_YEAR <= datetime.fromisoformat(value).year <= LAST_YEAR
    except ValueError:
        return False


def _json_depth(value: object, depth: int = 0) -> int:
    if depth > _MAX_JSON_DEPTH:
        return depth
    if isinstance(value, dict):
        return max((_json_depth(v, depth + 1) for v in value.values()), default=depth)
    if isinstance(value, list):
        return max((_json_depth(v, depth + 1) for v in value), default=depth)
    return depth


def _json_text(kind: type) -> object:
    def check(value: object) -> bool:
        if not isinstance(value, str) or len(value) > 1_000_000:
            return False
        try:
            parsed = json.loads(value)
        except (ValueError, RecursionError):
            return False
        return isinstance(parsed, kind) and _json_depth(parsed) <= _MAX_JSON_DEPTH

    return check


def _parameters(value: object) -> bool:
    if not _json_text(list)(value):
        return False
    numbers = json.loads(value)
    return len(numbers) == 21 and all(
        isinstance(n, int | float) and not isinstance(n, bool) and math.isfinite(n) for n in numbers
    )


def _whole(low: int, high: int = 2**62):
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and low <= v <= high


def _number(low: float, high: float):
    return lambda v: (
        isinstance(v, int | float)
        and not isinstance(v, bool)
        and math.isfinite(v)
        and low <= v <= high
    )


def _one_of(*choices: str):
    return lambda v: v in choices


def _text(limit: int = 1_000_000):
    return lambda v: isinstance(v, str) and len(v) <= limit


_NAME = _text(300)
# table -> column -> (rule, what a value must be); None is allowed where the column allows it
FIELD_RULES: dict[str, dict[str, tuple]] = {
    "cards": {
        "id": (_whole(1), "a positive whole number"),
        "kind": (_one_of("question", "pick", "story"), "question, pick or story"),
        "ref": (lambda v: isinstance(v, str) and 0 < len(v) <= 300, "a question or story id"),
        "facet": (_NAME, "a facet name"),
        "active": (_one_of(0, 1), "0 or 1"),
        "state": (_one_of("new", "learning", "review", "relearning"), "a card state"),
        "step": (_whole(0, 100), "a learning step"),
        "stability": (_number(0.001, 1e6), "a positive number of days"),
        "difficulty": (_number(1, 10), "a number from 1 to 10"),
        "due": (_is_time, "an ISO time with offset"),
        "last_review": (_is_time, "an ISO time with offset"),
        "reps": (_whole(0), "a whole number"),
        "lapses": (_whole(0), "a whole number"),
        "buried_until": (_is_time, "an ISO time with offset"),
        "position": (_whole(0), "a whole number"),
        "created": (_is_time, "an ISO time with offset"),
    },
    "reviews": {
        "id": (_whole(1), "a positive whole number"),
        "card_id": (_whole(1), "a card id"),
        "at": (_is_time, "an ISO time with offset"),
        "day": (_is_day, "a day, YYYY-MM-DD"),
        "rating": (_whole(1, 4), "a grade from 1 to 4"),
        "mode": (lambda v: isinstance(v, str) and bool(_WORD.match(v)), "a mode name"),
        "duration_ms": (_whole(0), "milliseconds"),
        "latency_ms": (_whole(0), "milliseconds"),
        "story": (_NAME, "a story id"),
        "answer": (_json_text(dict), "JSON of an object"),
        "before": (_json_text(dict), "JSON of the card before the review"),
        "pre_interview": (_one_of(0, 1), "0 or 1"),
        "rescheduled": (_one_of(0, 1), "0 or 1"),
    },
    "mappings": {
        "question": (lambda v: isinstance(v, str) and "/" in v and len(v) <= 300, "deck/id"),
        "story": (lambda v: isinstance(v, str) and 0 < len(v) <= 300, "a story id"),
        "created": (_is_time, "an ISO time with offset"),
    },
    "plans": {
        "id": (_whole(1), "a positive whole number"),
        "company": (lambda v: isinstance(v, str) and 0 < len(v.strip()) <= 100, "a company"),
        "at": (_is_time, "an ISO time with offset"),
        "created": (_is_time, "an ISO time with offset"),
    },
    "params": {
        "id": (_whole(1), "a positive whole number"),
        "parameters": (_parameters, "JSON of 21 FSRS parameters"),
        "created": (_is_time, "an ISO time with offset"),
        "source": (_NAME, "a name"),
        "log_loss": (_number(0, 1e6), "a number"),
        "rmse": (_number(0, 1e6), "a number"),
        "reviews": (_whole(0), "a whole number"),
    },
    "rehearsals": {
        "id": (_whole(1), "a positive whole number"),
        "at": (_is_time, "an ISO time with offset"),
        "question": (_NAME, "a question id"),
        "story": (_NAME, "a story id"),
        "text": (_text(), "text"),
        "seconds": (_number(0, 1e7), "seconds"),
        "budget_seconds": (_whole(0, 10**7), "seconds"),
        "followup": (_text(), "text"),
        "followup_text": (_text(), "text"),
        "followup_seconds": (_number(0, 1e7), "seconds"),
        "analysis": (_json_text(dict), "JSON of an object"),
        "rating": (_whole(1, 4), "a grade from 1 to 4"),
    },
    "assignments": {  # the story plan (`drill assign`)
        "framework": (_NAME, "a framework id"),
        "target": (_NAME, "a principle or category id"),
        "story": (_NAME, "a story id"),
        "pinned": (_whole(0, 1), "0 or 1"),
        "created": (_is_time, "an ISO time with offset"),
    },
    "loops": {  # the mock loops (`drill loop`)
        "id": (_whole(1), "a positive whole number"),
        "at": (_is_time, "an ISO time with offset"),
        "interviewers": (_whole(0, 100), "a whole number"),
        "budget_seconds": (_whole(0, 10**7), "seconds"),
        "transcript": (_json_text(dict), "JSON of an object"),
        "debrief": (_json_text(dict), "JSON of an object"),
        "finished": (_whole(0, 1), "0 or 1"),
    },
}


def check_fields(table: str, index: int, row: dict) -> str | None:
    """The first field of a row that breaks its column's rule, as a message; None if all hold."""
    for column, value in row.items():
        rule = FIELD_RULES.get(table, {}).get(column)
        if rule is None or value is None:
            continue
        test, what = rule
        if not test(value):
            shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
            return f'"{table}"[{index}].{column} is {shown}, not {what}'
    return None


def plain_file_name(name: object, suffix: str) -> bool:
    """A name drill reads in stories/ or decks/: one plain file, not hidden, of that type."""
    return (
        isinstance(name, str)
        and name.endswith(suffix)
        and len(name) > len(suffix)
        and len(name.encode("utf-8")) <= 255
        and not name.startswith(".")
        and not any(c in name for c in "/\\\0")
    )


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
    except RecursionError:
        raise fail("values nested too deeply; is this a drill backup?") from None
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
    if data["config"] is not None:
        from drill.home import parse_config

        try:
            parse_config(data["config"], "config.toml")
        except DrillError as exc:
            raise fail(f'"config": {exc}') from None
    for key, suffix, example in (
        ("stories", ".md", "billing-split.md"),
        ("decks", ".toml", "mine.toml"),
    ):
        files = data[key]
        if not isinstance(files, dict):
            raise fail(f'"{key}" must map file names to their text')
        for file_name, content in files.items():
            if not plain_file_name(file_name, suffix):
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
    for table in TABLE_KEYS:  # last, so the shape of the whole file is reported first
        for index, row in enumerate(data[table]):
            problem = check_fields(table, index, row)
            if problem:
                raise fail(problem)
    return data


def home_is_empty(home, store) -> bool:
    """Empty: no story of the user's own and no review yet."""
    return not story_files(home.stories_dir) and store.review_count() == 0


STAGING = ".importing-"  # <home>.importing-<stamp>: a new home being built beside the old one
ASIDE = ".before-import-"  # <home>.before-import-<stamp>: the old home, kept whole
COMPLETE = ".complete"  # in a staging home: it is whole and may be swapped in


def _beside(root: Path, infix: str, moment: datetime) -> Path:
    stamp = moment.strftime("%Y%m%d-%H%M%S")
    target = root.with_name(f"{root.name}{infix}{stamp}")
    n = 2
    while target.exists():
        target = root.with_name(f"{root.name}{infix}{stamp}-{n}")
        n += 1
    return target


def homes_beside(root: Path) -> dict[str, list[Path]]:
    """Copies set aside by imports, and staging homes an interrupted import left behind."""
    if not root.parent.is_dir():
        return {"aside": [], "staging": []}
    return {
        kind: sorted(root.parent.glob(f"{root.name}{infix}*"))
        for kind, infix in (("aside", ASIDE), ("staging", STAGING))
    }


def finish_interrupted_import(root: Path) -> Path | None:
    """If an import was killed between its two renames, the home is missing and a whole new
    one waits beside it: move it into place. Returns the home moved, if any."""
    if root.exists():
        return None
    ready = [p for p in homes_beside(root)["staging"] if (p / COMPLETE).is_file()]
    if not ready:
        return None
    newest = ready[-1]
    os.rename(newest, root)
    (root / COMPLETE).unlink(missing_ok=True)
    return newest


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
    """Put a checked backup in place of `home`'s contents, whole or not at all.

    The new home is built beside the old one (`<home>.importing-<stamp>`), then swapped in by
    two renames; the old home stays whole beside it as `<home>.before-import-<stamp>`. A home
    in use needs `force`; without it, a file the backup would overwrite with other text stops
    the import. A kill while building leaves the old home untouched; a kill between the renames
    is finished by the next command (`finish_interrupted_import`).
    """
    from drill.home import DEFAULT_CONFIG_TEXT, Home
    from drill.store import Store

    if not force and not home_is_empty(home, store):
        raise DrillError(
            f"{home.root} already holds stories or reviews; `drill import --force` copies it "
            "aside first, then replaces it"
        )
    config = data["config"] if data["config"] is not None else DEFAULT_CONFIG_TEXT
    if not force:
        writes = [
            *((home.stories_dir / n, t) for n, t in data["stories"].items()),
            *((home.decks_dir / n, t) for n, t in data["decks"].items()),
            (home.config_path, config),
        ]
        clashes = [str(path) for path, text in writes if _clash(path, text, home.config_path)]
        if clashes:
            raise DrillError(
                f"the backup would overwrite {', '.join(sorted(clashes))}; move them away or use "
                "--force"
            )
    root = home.root
    staging = _beside(root, STAGING, moment)
    try:
        new = Home(staging)
        for directory in (staging, new.stories_dir, new.decks_dir):
            directory.mkdir(mode=0o700)
        write_private(new.config_path, config)
        for name, text in sorted(data["stories"].items()):
            write_private(new.stories_dir / name, text)
        for name, text in sorted(data["decks"].items()):
            write_private(new.decks_dir / name, text)
        drafts = root / "drafts"
        if drafts.is_dir():  # unfinished stories are the user's too
            shutil.copytree(drafts, staging / "drafts")
        new_store = Store(new.db_path)
        try:
            new_store.restore({table: data[table] for table in TABLE_KEYS}, lambda: None)
            new_store.checkpoint()
        finally:
            new_store.close()
        write_private(staging / COMPLETE, "")
    except sqlite3.IntegrityError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise DrillError(
            f"the backup does not fit the database ({exc}); nothing was changed"
        ) from None
    except (OSError, DrillError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        reason = f"{exc.filename}: {exc.strerror}" if isinstance(exc, OSError) else str(exc)
        raise DrillError(
            f"cannot write {reason}; the database was left as it was, and the home too"
        ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    store.close()
    aside = _beside(root, ASIDE, moment)
    os.rename(root, aside)
    os.rename(staging, root)
    (root / COMPLETE).unlink(missing_ok=True)
    if not force:  # the old home held nothing of the user's (drafts were carried over)
        shutil.rmtree(aside, ignore_errors=True)
        return Restored(len(data["stories"]), len(data["reviews"]), None)
    return Restored(len(data["stories"]), len(data["reviews"]), aside)
