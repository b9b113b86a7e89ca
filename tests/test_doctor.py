"""`drill doctor`: planted faults are found, safe fixes applied, history never deleted."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from drill import doctor
from drill.cli import cli
from drill.home import iso
from drill.library import Library, sync
from drill.migrations import LATEST
from drill.store import Store
from tests.history import log_review

TZ = timezone(timedelta(hours=1))
NOW = datetime(2026, 12, 1, 9, tzinfo=TZ)


def invoke(*args: str, code: int = 0):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return " ".join(result.output.split())  # as one line: the output is filled to 80 columns


@pytest.fixture
def drilled(bank_home):
    """A bank with mappings and a few reviews: clean."""
    store = Store(bank_home.db_path)
    library = Library(bank_home, bank_home.config())
    questions = list(library.questions)
    store.map_story(questions[0], "invoices", iso(NOW))
    store.map_story(questions[1], "mentor", iso(NOW))
    sync(store, library, iso(NOW), force=True)
    for n, card in enumerate(store.cards()[:4]):
        log_review(store, card.id, NOW - timedelta(days=4 - n), 3)
    store.close()
    return bank_home


def raw(home) -> sqlite3.Connection:
    """A connection that plants faults the way a crash or a hand edit could."""
    conn = sqlite3.connect(home.db_path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    return conn


def test_a_clean_home_is_clean(drilled):
    assert "No problems found" in invoke("doctor")
    assert json.loads(invoke("doctor", "--json")) == {"findings": [], "fixed": []}


def test_a_fresh_home_is_clean(home):
    assert "No problems found" in invoke("doctor")
    assert Store(home.db_path).schema_version() == LATEST


def test_orphan_review_is_found_and_reattached_never_deleted(drilled):
    conn = raw(drilled)
    conn.execute(
        "insert into reviews (card_id, at, day, rating, mode) values (9999, ?, '2026-11-30', 3, "
        "'daily')",
        [iso(NOW)],
    )
    conn.close()
    out = invoke("doctor", code=1)
    assert "problem: 1 review of 1 card that no longer exist (card 9999)" in out
    assert "--fix would give each missing card an inactive placeholder" in out
    assert "Run `drill doctor --fix`" in out

    out = invoke("doctor", "--fix")
    assert "fixed: gave 1 vanished card a placeholder; reviews kept" in out
    store = Store(drilled.db_path)
    assert store.review_count() == 5
    placeholder = store.card(9999)
    assert placeholder.ref == "lost/9999" and placeholder.active == 0
    assert store.foreign_key_check() == []
    assert "note: 1 inactive card (1 review)" in out  # reported, not a problem
    invoke("doctor")  # exit 0 now


def test_mapping_to_a_vanished_question_is_deleted_by_fix(drilled):
    conn = raw(drilled)
    conn.execute("insert into mappings values ('core/no-such-question', 'invoices', 'x')")
    conn.execute("insert into mappings values ('gone-deck/q', 'mentor', 'x')")
    conn.execute("insert into mappings values ('core/defensible-options', 'typo-story', 'x')")
    conn.close()
    out = invoke("doctor", code=1)
    assert "2 mappings to questions no deck holds any more" in out
    assert "core/no-such-question" in out and "gone-deck/q" in out
    assert "1 mapping to stories drill has never seen (typo-story)" in out
    out = invoke("doctor", "--fix")
    assert "deleted 2 mappings" in out and "deleted 1 mapping " in out
    mappings = Store(drilled.db_path).mappings()
    assert "core/no-such-question" not in mappings and "gone-deck/q" not in mappings
    assert "typo-story" not in mappings.get("core/defensible-options", set())
    assert len(mappings) == 2  # the good ones stay


def test_a_removed_story_keeps_its_mappings_and_cards_as_notes(drilled):
    (drilled.stories_dir / "mentor.md").unlink()
    invoke("status")  # any command re-syncs: mentor's cards go inactive with their history
    out = invoke("doctor")  # by design, so exit 0
    assert "note: mappings to stories whose file is gone: mentor" in out
    assert "note: 5 inactive cards" in out and "mentor" in out


def test_broken_story_file_is_a_problem_fix_leaves_to_the_user(drilled):
    (drilled.stories_dir / "broken.md").write_text("+++\ncategories = [\n")
    out = invoke("doctor", code=1)
    assert "broken.md:1: error: front matter opened with +++ is never closed" in out
    assert "--fix would" not in out
    out = invoke("doctor", "--fix", code=1)
    assert "broken.md:1: error" in out
    assert (drilled.stories_dir / "broken.md").exists()


def test_older_schema_version_is_found_and_migrated_by_fix(drilled):
    conn = raw(drilled)
    conn.execute("drop table rehearsals")
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    out = invoke("doctor", code=1)
    assert f"schema version 1, this drill expects {LATEST}" in out
    assert f"apply migrations 2-{LATEST}" in out
    out = invoke("doctor", "--fix")
    assert f"applied {LATEST - 1} migration" in out
    store = Store.open_unmigrated(drilled.db_path)
    assert store.schema_version() == LATEST and "rehearsals" in store.table_names()
    assert store.review_count() == 4
    assert (drilled.root / "drill.db.bak-v1").exists()


def test_newer_schema_version_is_reported_without_a_fix(drilled):
    conn = raw(drilled)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    out = invoke("doctor", "--fix", code=1)
    assert f"schema version 99 comes from a newer drill (this one knows {LATEST})" in out
    assert Store.open_unmigrated(drilled.db_path).schema_version() == 99


def test_a_file_that_is_not_a_database_is_reported(home):
    home.db_path.write_bytes(b"this is not sqlite" * 100)
    out = invoke("doctor", code=1)
    assert "drill.db: not a readable SQLite database" in out


def test_all_planted_faults_at_once(drilled):
    conn = raw(drilled)
    conn.execute(
        "insert into reviews (card_id, at, day, rating, mode) values (777, ?, '2026-11-30', 1, "
        "'daily')",
        [iso(NOW)],
    )
    conn.execute("insert into mappings values ('core/vanished', 'invoices', 'x')")
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    (drilled.stories_dir / "broken.md").write_bytes(b"\xff\xfe not utf-8")
    found = json.loads(invoke("doctor", "--json", code=1))["findings"]
    checks = {f["check"] for f in found if f["problem"]}
    assert checks == {"schema", "orphan-reviews", "mappings", "files"}
    assert any("not UTF-8" in f["message"] for f in found)


# --- pure checks ------------------------------------------------------------------------------


def test_schema_findings():
    assert doctor.schema_findings(LATEST, doctor.EXPECTED_TABLES) == []
    assert doctor.schema_findings(LATEST, doctor.EXPECTED_TABLES - {"plans"})[0].message.endswith(
        "restore drill.db from a backup (drill.db.bak-v*)"
    )
    assert doctor.schema_findings(0, set())[0].fix.startswith("apply migrations 1-")


def test_mapping_to_a_question_in_an_unreadable_deck_is_left_alone():
    status = {"broken/q": "unreadable", "core/q": "present"}
    findings = doctor.mapping_findings(
        [("broken/q", "s"), ("core/q", "s")], status.get, lambda s: "present", {"s"}
    )
    assert findings == []


def test_active_card_whose_file_is_gone_is_fixed_by_a_resync():
    cards = [
        {"id": 1, "kind": "story", "ref": "gone", "active": 1, "reps": 2, "reviews": 2},
        {"id": 2, "kind": "question", "ref": "core/q", "active": 1, "reps": 0, "reviews": 0},
    ]
    findings = doctor.card_findings(
        cards, lambda q: "present", lambda s: "present" if s != "gone" else "gone"
    )
    assert len(findings) == 1 and findings[0].problem and findings[0].data == {"sync": True}
