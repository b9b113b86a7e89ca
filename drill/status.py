"""`drill status` for a shell prompt: the figures rendered, and a fast path that skips click.

A prompt runs `drill status` before every command the user types, so the console script
enters here: when the arguments are exactly a status call and the bank and decks are unchanged
since the last sync (the same stat fingerprint `library.sync` stores), the counts come straight
from the database, without importing click or reading the bank. Anything else, or any doubt
(no home yet, a schema to migrate, a file changed, an error), goes to the full command line,
which syncs first; so the fast answer is never stale, only sometimes not fast.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime

FORMATS = ("text", "json", "prompt")
NEAR_DAYS = 7  # the prompt segment names an interview this close
COLORS = {"due": "33", "new": "36", "interview": "35"}  # yellow, cyan, magenta


def render(counts: dict, fmt: str = "text", color: bool = False) -> str:
    """What `drill status` prints for `counts` (stats.status_counts with the company)."""
    if fmt == "json":
        import json

        public = {k: v for k, v in counts.items() if k != "next_company"}
        return json.dumps(public, indent=2, ensure_ascii=False) + "\n"
    if fmt == "prompt":
        segment = prompt_segment(counts, color)
        return segment + "\n" if segment else ""
    lines = [
        f"due {counts['due']} · new {counts['new']} · reviewed today {counts['reviews_today']} · "
        f"streak {counts['streak_days']}d",
        f"stories {counts['stories']} · questions {counts['questions']} · "
        f"mapped {counts['mapped_questions']}",
    ]
    if counts["next_interview"]:
        lines.append(f"next interview {counts['next_interview']}")
    if ready := counts.get("interview_readiness"):
        if ready.get("today"):  # the drill follows the plan: say what it adds to the day
            lines.append(f"plan: {ready['today']} of today's cards are for {ready['company']}")
        lines.append(
            f"plan: recall at the interview {ready['recall_now']:.0%} now, "
            f"{ready['recall_planned']:.0%} if followed"
        )
    if (loop := counts.get("planned_loop")) and loop["principles"]:  # `drill assign`
        lines.append(f"story plan: {loop['drilled']}/{loop['principles']} with a drilled story")
    lines += [f"story error: {problem}" for problem in counts.get("story_errors", [])]
    return "\n".join(lines) + "\n"


def prompt_segment(counts: dict, color: bool = False, now: datetime | None = None) -> str:
    """`drill 12 due · 3 new · amazon in 3d`; empty when there is nothing to do today and no
    interview within a week. ANSI colours only with `color`."""

    def paint(kind: str, text: str) -> str:
        return f"\x1b[{COLORS[kind]}m{text}\x1b[0m" if color else text

    parts = []
    if counts["due"]:
        parts.append(paint("due", f"{counts['due']} due"))
    if counts["new"]:
        parts.append(paint("new", f"{counts['new']} new"))
    if counts["next_interview"]:
        at = datetime.fromisoformat(counts["next_interview"])
        left = at - (now or _now(at))
        if left.days < NEAR_DAYS:
            hours = left.total_seconds() / 3600
            when = f"{left.days}d" if left.days >= 1 else f"{max(1, int(hours))}h"
            company = counts.get("next_company") or "interview"
            parts.append(paint("interview", f"{company} in {when}"))
    return "drill " + " · ".join(parts) if parts else ""


def _now(like: datetime) -> datetime:
    from drill.home import clock_from_env

    return clock_from_env().now.astimezone(like.tzinfo)


# --- the fast path ---------------------------------------------------------------------------


def parse_args(args: list[str]) -> tuple[str, bool] | None:
    """(format, color) when `args` (after `status`) are options the fast path knows."""
    fmt, color, as_json = None, False, False
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--json":
            as_json = True
        elif arg == "--color":
            color = True
        elif arg == "--format" and rest and rest[0] in FORMATS:
            fmt = rest.pop(0)
        elif arg.startswith("--format=") and arg.split("=", 1)[1] in FORMATS:
            fmt = arg.split("=", 1)[1]
        else:
            return None
    if as_json and fmt not in (None, "json"):
        return None  # the full command line says what is wrong
    return ("json" if as_json else fmt or "text"), color


def _home_root():
    from pathlib import Path

    env = os.environ.get("DRILL_HOME")
    if env:
        return Path(env).expanduser()
    if not sys.platform.startswith("linux"):
        return None  # click knows where the app directory is elsewhere
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return Path(base) / "drill"  # click.get_app_dir("drill") on Linux


LIBRARY_CACHE_FORMAT = 3  # library.CACHE_FORMAT, part of the signature (a test keeps it equal)


RACY_NS = 2_000_000_000  # a digest is reused only for a file unchanged for 2 s before it


def _digest(path, st, cache) -> str:
    """A file's content digest (as Library's), reused from `cache` only while the file's
    inode, size, mtime and ctime are those it was taken at, and it was taken at least 2 s after
    the file last changed. ctime is set by the kernel on every write and on every change of
    mtime, so an edit that restores size and mtime still changes it; the 2 s margin covers
    file systems with coarse timestamps (git's racy-clean rule)."""
    key = [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
    files = cache.data.setdefault("files", {}) if cache is not None else {}
    entry = files.get(str(path))
    changed = max(st.st_mtime_ns, st.st_ctime_ns)
    if isinstance(entry, dict) and entry.get("key") == key and changed < entry["at"] - RACY_NS:
        return entry["digest"]
    import hashlib
    import time

    digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    if cache is not None:
        files[str(path)] = {"key": key, "digest": digest, "at": time.time_ns()}
        cache.changed = True
    return digest


def signature(home, config, cache: _Cache | None = None) -> str:
    """`Library(home, config).signature()` without importing the library (a test keeps the
    two equal): drill's version, the deck names, and each file's mode and content digest."""
    from pathlib import Path

    from drill import __version__

    package = Path(__file__).resolve().parent  # decks.shipped_decks_dir, without its import
    taxonomy = "taxonomy.toml"
    shipped = next(
        (d for d in (package / "_decks", package.parent / "decks") if (d / taxonomy).is_file()),
        package.parent / "decks",
    )
    available = {}  # decks.deck_paths
    for directory in (shipped, home.decks_dir):
        if directory.is_dir():
            for path in sorted(directory.glob("*.toml")):
                if path.name != taxonomy and not path.name.startswith("."):
                    available[path.stem] = path

    def story_files(directory: Path) -> list[Path]:  # bank.story_files
        if not directory.is_dir():
            return []
        return sorted(p for p in directory.glob("*.md") if not p.name.startswith("."))

    names = tuple(dict.fromkeys(config.decks))
    files = [shipped / taxonomy, home.decks_dir / taxonomy]
    files += [available[name] for name in names if name in available]
    files += story_files(home.stories_dir) + story_files(shipped / "examples")
    answers = shipped / "examples" / "answers.toml"  # library.ANSWERS_FILE: picks follow it
    files += [answers] if answers.is_file() else []
    parts = [f"drill {__version__} cache {LIBRARY_CACHE_FORMAT}", ",".join(names)]
    for path in files:
        try:
            st = path.stat()
            parts.append(f"{path}:{st.st_mode}:{_digest(path, st, cache)}")
        except OSError:
            parts.append(f"{path}:-")
    text = "\n".join(parts)
    known = cache.data.get("signature") if cache is not None else None
    if isinstance(known, dict) and known.get("text") == text:
        return known["sha1"]  # SHA-1 is a function of the text: no need to import hashlib
    import hashlib

    sha1 = hashlib.sha1(text.encode()).hexdigest()
    if cache is not None:
        cache.data["signature"] = {"text": text, "sha1": sha1}
        cache.changed = True
    return sha1


CONFIG_FIELDS = ("decks", "new_per_day", "desired_retention", "day_starts_at", "level")


class _Cache:
    """$DRILL_HOME/cache/status.json: the parsed config with the exact text it came from, and
    the files' digests (see `_digest`), so a prompt neither parses TOML nor reads every story
    and deck. Best effort: a missing or odd file is a miss."""

    def __init__(self, home):
        import json

        self.json = json
        self.path = home.root / "cache" / "status.json"
        try:
            self.data = json.loads(self.path.read_text(encoding="utf-8"))
        except Exception:
            self.data = {}
        self.changed = False

    def config(self, home):
        from drill.home import Config

        key = home.config_path.read_text(encoding="utf-8")
        cached = self.data.get("config")
        if isinstance(cached, dict) and cached.get("key") == key:
            values = {k: cached[k] for k in CONFIG_FIELDS}
            return Config(**{**values, "decks": tuple(values["decks"])}, path=home.config_path)
        config = home.config()
        self.data["config"] = {"key": key, **{k: getattr(config, k) for k in CONFIG_FIELDS}}
        self.changed = True
        return config

    def save(self) -> None:
        if not self.changed:
            return
        try:
            from drill.home import write_private

            self.path.parent.mkdir(mode=0o700, exist_ok=True)
            write_private(self.path, self.json.dumps(self.data))
        except OSError:
            pass


def own_stories_undrilled(home, store) -> bool:
    """The user has story files but none of them has a card: they may all be broken."""
    own = [p.stem for p in home.stories_dir.glob("*.md") if not p.name.startswith(".")]
    if not own:
        return False
    marks = ",".join("?" * len(own))
    found = store._scalar(
        f"select count(*) from cards where kind = 'story' and active = 1 and ref in ({marks})",
        own,
    )
    return not found


def fast_counts(fmt: str = "text") -> dict | None:
    """The status counts straight from the database, or None when only a sync can tell."""
    root = _home_root()
    if root is None:
        return None
    from drill.home import Home, clock_from_env

    home = Home(root)
    if not (home.db_path.is_file() and home.config_path.is_file() and home.stories_dir.is_dir()):
        return None  # a first run: the full path creates the home
    if not home.decks_dir.is_dir():
        return None
    cache = _Cache(home)
    config = cache.config(home)
    from drill.migrations import LATEST
    from drill.stats import status_counts
    from drill.store import Store

    store = Store.open_unmigrated(home.db_path)
    try:
        if store.schema_version() != LATEST:
            return None
        if store.get_meta("sync_signature") != signature(home, config, cache):
            return None
        counts = status_counts(store, config, clock_from_env(), company=True)
        if counts["next_interview"] and fmt != "prompt":
            return None  # the plan's readiness needs the planner: the full path adds it
        if own_stories_undrilled(home, store):
            return None  # perhaps all broken: the full path names the file and line
        return counts
    finally:
        store.close()
        cache.save()


def main() -> None:
    """The `drill` console script: a status call answered fast when it can be, else click."""
    args = sys.argv[1:]
    if args[:1] == ["status"] and (options := parse_args(args[1:])) is not None:
        try:
            counts = fast_counts(options[0])
        except Exception:  # any doubt: the full command line answers, and reports errors
            counts = None
        if counts is not None:
            sys.stdout.write(render(counts, *options))
            return
    from drill.cli import main as full

    full()
