"""`drill doctor`: what is wrong with the database and the bank, and what can be fixed safely.

The rule for fixes: never delete history. Reviews are never removed; a review whose card is
gone gets an inactive placeholder card instead. Mappings to questions no deck holds any more
are deleted (they can never be drilled); everything else is reported for the user to decide.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from drill.migrations import LATEST

EXPECTED_TABLES = {"cards", "reviews", "mappings", "plans", "params", "meta", "rehearsals"}
EXPECTED_TABLES |= {"assignments", "loops"}  # drill assign, drill loop


@dataclass(frozen=True)
class Diagnosis:
    check: str  # integrity | schema | orphan-reviews | mappings | cards | files
    message: str
    problem: bool = True  # False: worth knowing, but not wrong (exit code stays 0)
    fix: str | None = None  # what --fix does; None when it is for the user to do
    data: dict = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict:
        return {
            "check": self.check,
            "problem": self.problem,
            "message": self.message,
            "fix": self.fix,
        }


# --- pure checks ------------------------------------------------------------------------------


def schema_findings(version: int, tables: set[str], latest: int = LATEST) -> list[Diagnosis]:
    if version > latest:
        return [
            Diagnosis(
                "schema",
                f"schema version {version} comes from a newer drill (this one knows {latest})",
                fix=None,
                data={"newer": True},
            )
        ]
    if version < latest:
        return [
            Diagnosis(
                "schema",
                f"schema version {version}, this drill expects {latest}",
                fix=f"apply migrations {version + 1}-{latest} (drill.db is copied first)",
                data={"migrate": True},
            )
        ]
    missing = sorted(EXPECTED_TABLES - tables)
    if missing:
        return [
            Diagnosis(
                "schema",
                f"schema version {version} but table{'s' * (len(missing) > 1)} "
                f"{', '.join(missing)} missing; restore drill.db from a backup (drill.db.bak-v*)",
            )
        ]
    return []


def integrity_findings(messages: list[str], fk_rows: list[dict]) -> list[Diagnosis]:
    out = []
    if messages != ["ok"]:
        more = len(messages) - 3
        shown = "; ".join(messages[:3]) + (f" (+{more} more)" if more > 0 else "")
        out.append(
            Diagnosis(
                "integrity",
                f"database damaged: {shown}; restore drill.db from a backup (drill.db.bak-v*) "
                "or salvage it with `sqlite3 drill.db .recover`",
            )
        )
    other = [r for r in fk_rows if r["table"] != "reviews"]  # reviews: see orphan_findings
    if other:
        tables = ", ".join(sorted({r["table"] for r in other}))
        out.append(Diagnosis("integrity", f"{len(other)} rows in {tables} break a foreign key"))
    return out


def orphan_findings(orphans: dict[int, int]) -> list[Diagnosis]:
    if not orphans:
        return []
    ids = sorted(orphans)
    shown = ", ".join(map(str, ids[:8])) + (" …" if len(ids) > 8 else "")
    reviews = sum(orphans.values())
    return [
        Diagnosis(
            "orphan-reviews",
            f"{reviews} review{'s' * (reviews != 1)} of {len(ids)} card"
            f"{'s' * (len(ids) != 1)} that no longer exist (card {shown})",
            fix="give each missing card an inactive placeholder (ref lost/<id>), so the "
            "reviews stay attached; no review is deleted",
            data={"card_ids": ids},
        )
    ]


def mapping_findings(
    pairs: list[tuple[str, str]],
    question_status: Callable[[str], str],
    story_status: Callable[[str], str],
    known_stories: set[str],
) -> list[Diagnosis]:
    """Status: "present", "gone", or "unreadable" (its file exists but does not load).

    `known_stories`: stories that have cards, i.e. drill has seen their file once. A mapping
    to one of those is kept while the file is away; a mapping to any other can only be a typo.
    """
    dead_questions = [(q, s) for q, s in pairs if question_status(q) == "gone"]
    out = []
    if dead_questions:
        shown = ", ".join(sorted({q for q, _ in dead_questions})[:6])
        out.append(
            Diagnosis(
                "mappings",
                f"{len(dead_questions)} mapping{'s' * (len(dead_questions) != 1)} to questions "
                f"no deck holds any more ({shown})",
                fix="delete these mappings",
                data={"pairs": dead_questions},
            )
        )
    rest = [(q, s) for q, s in pairs if story_status(s) == "gone" and (q, s) not in dead_questions]
    never = [(q, s) for q, s in rest if s not in known_stories]
    if never:
        shown = ", ".join(sorted({s for _, s in never})[:6])
        out.append(
            Diagnosis(
                "mappings",
                f"{len(never)} mapping{'s' * (len(never) != 1)} to stories drill has never "
                f"seen ({shown})",
                fix="delete these mappings",
                data={"pairs": never},
            )
        )
    gone_stories = sorted({s for _, s in rest if s in known_stories})
    if gone_stories:
        out.append(
            Diagnosis(
                "mappings",
                f"mappings to stories whose file is gone: {', '.join(gone_stories)}; kept "
                "until the file is back (`drill story rm --purge ID` forgets a story)",
                problem=False,
            )
        )
    return out


def card_findings(
    cards: list[dict],
    question_status: Callable[[str], str],
    story_status: Callable[[str], str],
) -> list[Diagnosis]:
    def status(card: dict) -> str:
        if card["ref"].startswith("lost/"):
            return "gone"
        return (
            story_status(card["ref"]) if card["kind"] == "story" else question_status(card["ref"])
        )

    gone = [c for c in cards if status(c) == "gone"]
    active = [c for c in gone if c["active"]]
    resting = [c for c in gone if not c["active"]]
    out = []
    if active:
        refs = ", ".join(sorted({c["ref"] for c in active})[:6])
        out.append(
            Diagnosis(
                "cards",
                f"{len(active)} active card{'s' * (len(active) != 1)} whose story or question "
                f"is gone ({refs})",
                fix="re-sync the cards: they go inactive, with their history",
                data={"sync": True},
            )
        )
    if resting:
        refs = sorted({c["ref"] for c in resting})
        reviews = sum(c["reviews"] for c in resting)
        out.append(
            Diagnosis(
                "cards",
                f"{len(resting)} inactive card{'s' * (len(resting) != 1)} ({reviews} review"
                f"{'s' * (reviews != 1)}) whose story or question has no file any more: "
                f"{', '.join(refs[:6])}{' …' if len(refs) > 6 else ''}; kept with their "
                "history until the file is back",
                problem=False,
            )
        )
    return out


def file_findings(problems) -> list[Diagnosis]:
    """Story, deck and taxonomy file problems, as the library reports them."""
    out = []
    for p in problems:
        error = p.severity == "error"
        out.append(
            Diagnosis(
                "files",
                str(p),
                problem=error,
                fix=None,
            )
        )
    return out


# --- gathering and fixing ---------------------------------------------------------------------


@dataclass
class Report:
    findings: list[Diagnosis]

    @property
    def problems(self) -> list[Diagnosis]:
        return [f for f in self.findings if f.problem]

    @property
    def fixable(self) -> list[Diagnosis]:
        return [f for f in self.findings if f.fix]


def statuses(library):
    """question_status and story_status functions over every file the home and the repo hold."""
    from drill.bank import story_files
    from drill.decks import deck_paths, load_decks

    dirs = [library.shipped, library.home.decks_dir]
    paths = deck_paths(dirs)
    decks, _ = load_decks(dirs, paths, library.taxonomy)
    questions = {q.id for deck in decks.values() for q in deck.questions}
    story_ids = {
        p.stem for p in story_files(library.home.stories_dir) + story_files(library.examples_dir)
    }

    def question_status(qid: str) -> str:
        deck = qid.split("/", 1)[0]
        if deck not in paths:
            return "gone"
        if deck not in decks:
            return "unreadable"  # its file is there but broken: do not judge its questions
        return "present" if qid in questions else "gone"

    def story_status(story_id: str) -> str:
        return "present" if story_id in story_ids else "gone"

    return question_status, story_status


def plan_findings(plans: list[dict]) -> list[Diagnosis]:
    """Interview plans whose time drill cannot use (garbage, or outside the years it handles)."""
    from drill.home import FIRST_YEAR, LAST_YEAR, parse_iso

    found = []
    for plan in plans:
        try:
            at = parse_iso(plan["at"])
        except (TypeError, ValueError):
            at = None
        if at is None or not FIRST_YEAR <= at.year <= LAST_YEAR:
            found.append(
                Diagnosis(
                    "plans",
                    f"plan {plan['id']} ({plan['company']}) has the time {plan['at']!r}, which "
                    f"is not a date between {FIRST_YEAR} and {LAST_YEAR}; remove it with "
                    f"`drill plan rm {plan['id']}` and add it again",
                )
            )
    return found


def beside_findings(aside: list[Path], staging: list[Path]) -> list[Diagnosis]:
    """Old homes an import set aside (worth knowing), and staging homes a killed import left."""
    found = [
        Diagnosis(
            "imports",
            f"{path} is the home as it was before an import; delete it once you are sure you "
            "do not need it",
            problem=False,
        )
        for path in aside
    ]
    found += [
        Diagnosis(
            "imports",
            f"{path} is a half-built home from an interrupted import; your home was not "
            "changed by it, so it can be deleted",
            problem=False,
        )
        for path in staging
    ]
    return found


def restore_hint(db_path: Path) -> str:
    """Where the newest copy of drill.db is, and how to put it back."""
    from drill.database import backups

    copies = backups(db_path) + sorted(db_path.parent.glob(f"{db_path.name}.bak-v*"))
    if not copies:
        return "no backup copy of it exists yet"
    newest = max(copies, key=lambda p: p.stat().st_mtime)
    return f"the newest backup is {newest}; to restore it, quit drill and copy it over {db_path}"


def examine(store, library) -> Report:
    """Every check; a check that cannot run says why instead of stopping the others."""
    findings: list[Diagnosis] = []
    if store.path is not None and store.path.is_file() and store.path.stat().st_size == 0:
        return Report(
            [
                Diagnosis(
                    "integrity",
                    f"{store.path} is empty (0 bytes): the history is not in it; "
                    f"{restore_hint(store.path)}",
                )
            ]
        )

    def guarded(what: str, check: Callable[[], list[Diagnosis]]) -> None:
        try:
            findings.extend(check())
        except sqlite3.DatabaseError as exc:
            findings.append(Diagnosis(what, f"cannot check {what}: {exc}"))

    try:
        version = store.schema_version()
        tables = store.table_names()
    except sqlite3.DatabaseError as exc:
        return Report(
            [
                Diagnosis(
                    "integrity",
                    f"{store.path}: not a readable SQLite database ({exc}); "
                    f"{restore_hint(store.path)}",
                )
            ]
        )
    guarded(
        "integrity", lambda: integrity_findings(store.integrity_check(), store.foreign_key_check())
    )
    findings.extend(schema_findings(version, tables))
    question_status, story_status = statuses(library)
    if {"reviews", "cards"} <= tables:
        guarded("orphan-reviews", lambda: orphan_findings(store.orphan_reviews()))
        guarded("cards", lambda: card_findings(store.card_refs(), question_status, story_status))
    if "mappings" in tables:
        pairs = lambda: sorted(  # noqa: E731
            (q, s) for q, stories in store.mappings().items() for s in stories
        )
        seen = lambda: {c["ref"] for c in store.card_refs() if c["kind"] == "story"}  # noqa: E731
        guarded(
            "mappings", lambda: mapping_findings(pairs(), question_status, story_status, seen())
        )
    if "plans" in tables:
        guarded("plans", lambda: plan_findings(store.plans()))
    findings.extend(file_findings(library.problems))
    from drill.backup import homes_beside

    beside = homes_beside(library.home.root)
    findings.extend(beside_findings(beside["aside"], beside["staging"]))
    if store.path is not None:
        from drill.database import backups

        copies = backups(store.path)
        if copies:
            findings.append(
                Diagnosis("backups", f"daily copies of the database: newest {copies[-1]}", False)
            )
    return Report(findings)


def fix(store, library, report: Report, now_iso: str) -> list[str]:
    """Apply the safe fixes of a report; returns what was done, one line each."""
    from drill.library import sync

    done = []
    for finding in report.fixable:
        if finding.data.get("migrate"):
            ran = store.migrate()
            done.append(f"applied {ran} migration{'s' * (ran != 1)}")
        elif "card_ids" in finding.data:
            n = store.restore_lost_cards(finding.data["card_ids"], now_iso)
            done.append(f"gave {n} vanished card{'s' * (n != 1)} a placeholder; reviews kept")
        elif "pairs" in finding.data:
            n = store.delete_mappings(finding.data["pairs"])
            done.append(f"deleted {n} mapping{'s' * (n != 1)} that can never be drilled")
        elif finding.data.get("sync"):
            sync(store, library, now_iso, force=True)
            done.append("re-synced the cards with the bank and decks")
    return done
