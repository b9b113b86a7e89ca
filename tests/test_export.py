"""`drill export` and `drill import`: an Anki package Anki can open, a byte-stable JSON backup."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from fsrs.scheduler import DEFAULT_PARAMETERS
from hypothesis import given, settings
from hypothesis import strategies as st

from drill import backup as jsonbackup
from drill import export
from drill.cli import cli
from drill.errors import DrillError
from drill.home import iso
from drill.library import Library, sync
from drill.store import Store
from tests.history import log_review

TZ = timezone(timedelta(hours=1))
NOW = datetime(2026, 12, 1, 9, tzinfo=TZ)


def invoke(*args: str, code: int = 0):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception  # a message, never a traceback
    return result


@pytest.fixture
def used_home(bank_home):
    """Two stories, a user deck, mappings, reviews, a plan, parameters and a rehearsal."""
    (bank_home.decks_dir / "mine.toml").write_text(
        '[deck]\ntitle = "Mine"\n\n[[question]]\nid = "why-us"\ntext = "Why this company?"\n'
    )
    bank_home.config_path.write_text('decks = ["core", "mine"]\nnew_per_day = 5\n')
    store = Store(bank_home.db_path)
    library = Library(bank_home, bank_home.config())
    core = [q for q in library.questions if q.startswith("core/")]
    store.map_story(core[0], "invoices", iso(NOW))
    store.map_story(core[1], "mentor", iso(NOW))
    store.map_story("mine/why-us", "invoices", iso(NOW))
    sync(store, library, iso(NOW), force=True)
    cards = store.cards()
    for n, card in enumerate(cards[:6]):
        log_review(store, card.id, NOW - timedelta(days=6 - n), 3, interval_days=2.5 + n)
    store.add_plan("amazon", iso(NOW + timedelta(days=2)), iso(NOW))
    fitted = [round(w * 1.1, 4) for w in DEFAULT_PARAMETERS]
    store.add_parameters(fitted, iso(NOW), "optimized", 0.31, 0.045, 123)
    store.close()
    return bank_home


# --- JSON backup ------------------------------------------------------------------------------


def test_backup_holds_everything_and_is_deterministic(used_home, tmp_path):
    first = invoke("export", "--format", "json").output
    assert invoke("export", "--format", "json").output == first
    data = json.loads(first)
    assert data["format"] == "drill-backup" and data["version"] == 1
    assert sorted(data["stories"]) == ["invoices.md", "mentor.md"]
    assert data["stories"]["mentor.md"] == (used_home.stories_dir / "mentor.md").read_text()
    assert list(data["decks"]) == ["mine.toml"]
    assert data["config"].startswith('decks = ["core", "mine"]')
    assert len(data["reviews"]) == 6 and len(data["plans"]) == 1 and len(data["params"]) == 1
    assert len(data["mappings"]) == 3
    assert [c["id"] for c in data["cards"]] == sorted(c["id"] for c in data["cards"])
    assert json.loads(data["reviews"][0]["before"])["state"] == "new"
    assert "exported" not in first  # no timestamp that would change between exports
    assert first == json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def test_export_import_export_is_byte_identical(used_home, tmp_path, monkeypatch):
    backup = tmp_path / "backup.json"
    invoke("export", "--format", "json", "-o", str(backup))
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    data = json.loads(backup.read_text())
    data["rehearsals"] = [  # one row of every table, rehearsals included
        {
            "id": 1,
            "at": iso(NOW),
            "question": "core/x",
            "story": "invoices",
            "text": "I chose…",
            "seconds": 95.5,
            "budget_seconds": 180,
            "followup": None,
            "followup_text": None,
            "followup_seconds": None,
            "analysis": '{"words": 3}',
            "rating": 3,
        }
    ]
    backup.write_text(json.dumps(data))

    fresh = tmp_path / "fresh"
    monkeypatch.setenv("DRILL_HOME", str(fresh))
    out = invoke("import", str(backup)).output
    assert "Restored 2 stories and 6 reviews" in out
    again = invoke("export", "--format", "json").output
    assert again == jsonbackup.dump_backup(data)
    for name in ("invoices.md", "mentor.md"):
        path = fresh / "stories" / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_text() == (used_home.stories_dir / name).read_text()
    assert stat.S_IMODE((fresh / "decks" / "mine.toml").stat().st_mode) == 0o600

    # and the restored home works: the cards come back with their history
    status = json.loads(invoke("status", "--json").output)
    assert status["stories"] == 2 and status["mapped_questions"] == 3


def test_import_refuses_a_home_in_use_unless_forced(used_home, tmp_path):
    backup = tmp_path / "b.json"
    invoke("export", "-o", str(backup))  # .json: the format follows the extension
    result = invoke("import", str(backup), code=1)
    assert "already holds stories or reviews" in result.output and "--force" in result.output

    (used_home.stories_dir / "extra.md").write_text(
        (used_home.stories_dir / "mentor.md").read_text()
    )
    result = invoke("import", "--force", str(backup))
    aside = Path(result.output.split("copied to ")[1].split(".\n")[0].rstrip("."))
    assert aside.parent == used_home.root.parent
    assert aside.name == "home.before-import-20261201-090000"
    assert (aside / "stories" / "extra.md").exists()  # the old home, kept whole
    assert Store(aside / "drill.db").review_count() == 6
    assert not (used_home.stories_dir / "extra.md").exists()  # the home is now the backup
    assert invoke("export", "--format", "json").output == backup.read_text()
    second = invoke("import", "--force", str(backup)).output
    assert "home.before-import-20261201-090000-2" in second


@pytest.mark.parametrize(
    "text, message",
    [
        ("not json at all", "not JSON (line 1, column 1"),
        ("[1, 2]", "the top level is not a JSON object"),
        ('{"format": "anki"}', "\"format\" is 'anki', expected 'drill-backup'"),
        ('{"format": "drill-backup", "version": 7}', "backup version 7 is not one"),
        ('{"format": "drill-backup", "version": 1, "stories": {}}', "missing keys: config, decks"),
    ],
)
def test_import_names_the_file_and_what_is_wrong(home, tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    result = invoke("import", str(path), code=1)
    assert result.output.startswith(f"drill: {path}: ")
    assert message in result.output


def _valid(**changes) -> dict:
    data = {
        "format": "drill-backup",
        "version": 1,
        "config": None,
        "stories": {},
        "decks": {},
        **{table: [] for table in jsonbackup.TABLE_KEYS},
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"stories": {"../evil.md": "x"}}, "'../evil.md' is not a file name drill writes"),
        ({"decks": {"x.toml": 3}}, "'x.toml' must be text"),
        ({"cards": [{"id": 1, "kind": "story"}]}, '"cards"[0]: ref missing'),
        ({"cards": [{"id": 1, "colour": "red"}]}, "unknown column colour"),
        (
            {
                "reviews": [
                    {"id": 1, "card_id": 5, "at": "t", "day": "d", "rating": 3, "mode": "daily"}
                ]
            },
            'card 5 is not in "cards"',
        ),
        ({"plans": [{"company": "x", "at": "t"}]}, 'needs a distinct whole-number "id"'),
        ({"extra": 1}, "unknown key: extra"),
    ],
)
def test_import_validates_contents_before_writing(home, tmp_path, changes, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_valid(**changes)))
    result = invoke("import", str(path), code=1)
    assert message in result.output
    assert not list(home.stories_dir.iterdir())


def test_a_failed_file_write_leaves_the_home_as_it_was(used_home, tmp_path, monkeypatch):
    backup = tmp_path / "b.json"
    invoke("export", "-o", str(backup))
    fresh = tmp_path / "fresh"
    monkeypatch.setenv("DRILL_HOME", str(fresh))
    invoke("status")  # a fresh home with its cards synced: empty, but not blank
    before = invoke("export").output
    real = jsonbackup.write_private
    calls = []

    def flaky(path, text):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(path))
        real(path, text)

    monkeypatch.setattr(jsonbackup, "write_private", flaky)
    result = invoke("import", str(backup), code=1)
    assert "cannot write" in result.output and "No space left" in result.output
    assert "database was left as it was" in result.output
    monkeypatch.undo()
    monkeypatch.setenv("DRILL_HOME", str(fresh))
    assert invoke("export").output == before  # no row, no story file changed
    assert not list((fresh / "stories").iterdir())


def test_import_into_an_empty_home_will_not_overwrite_a_file(used_home, tmp_path, monkeypatch):
    backup = tmp_path / "b.json"
    invoke("export", "-o", str(backup))
    fresh = tmp_path / "fresh"
    monkeypatch.setenv("DRILL_HOME", str(fresh))
    (fresh / "decks").mkdir(parents=True)
    (fresh / "decks" / "mine.toml").write_text("# my own, different\n")
    result = invoke("import", str(backup), code=1)
    assert "would overwrite" in result.output and "mine.toml" in result.output


# --- Markdown cram sheet ----------------------------------------------------------------------


def test_cram_sheet_has_each_story_key_beats_and_its_questions(used_home):
    sheet = invoke("export", "--format", "md").output
    library = Library(used_home, used_home.config())
    assert sheet.startswith("# Cram sheet\n")
    assert "## Moving invoices out of the monolith (`invoices`)" in sheet
    assert "## First on-call (`mentor`)" in sheet
    assert (
        "- **Metric:** Month-end run time went from 9 hours to 40 minutes; "
        "checkout errors from 2.1% to 0.2%." in sheet
    )
    assert (
        "  - Read replicas for the invoice job; rejected because replication lag broke totals."
        in sheet
    )
    assert "- **Problem:** I saw that new hires froze during their first incident." in sheet
    assert "- Why this company? (mine/why-us)" in sheet
    first_core = next(q for q in library.questions.values() if q.deck == "core")
    assert f"- {first_core.text} ({first_core.id})" in sheet
    assert "Situation" not in sheet and "Ledgerly had 60 engineers" not in sheet
    assert "example" not in sheet.lower()  # the shipped examples are out once a story is own


def test_cram_sheet_shortens_sections_to_their_first_sentence():
    assert export.first_sentence("One. Two.") == "One."
    assert export.first_sentence("<!-- hint -->\nNo full stop here") == "No full stop here"
    long = "word " * 60
    assert len(export.first_sentence(long)) == 160 and export.first_sentence(long).endswith("…")
    assert export.list_items("- a; because b\n- c\n") == ["a; because b", "c"]


# --- Anki package -----------------------------------------------------------------------------


def test_apkg_is_an_anki_collection_with_question_and_story_cards(used_home, tmp_path):
    path = tmp_path / "drill.apkg"
    out = invoke("export", "--format", "apkg", "-o", str(path)).output
    library = Library(used_home, used_home.config(), ("amazon",))  # planned: its deck is in
    questions = len(library.questions)
    facets = sum(
        1
        for s in library.stories.values()
        for f in ("decision", "outcome", "people", "problem", "learning")
        if s.facet_text(f).strip()
    )
    assert f"{questions + facets} cards ({questions} questions, {facets} story facets)" in out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with zipfile.ZipFile(path) as archive:
        assert set(archive.namelist()) == {"collection.anki2", "media"}
        archive.extract("collection.anki2", tmp_path)
    db = sqlite3.connect(tmp_path / "collection.anki2")
    assert db.execute("select count(*) from notes").fetchone()[0] == questions + facets
    assert db.execute("select count(*) from cards").fetchone()[0] == questions + facets
    models = json.loads(db.execute("select models from col").fetchone()[0])
    assert {m["name"] for m in models.values()} == {"drill question", "drill story"}
    decks = json.loads(db.execute("select decks from col").fetchone()[0])
    assert "drill" in {d["name"] for d in decks.values()}
    fields = {
        row[0].split("\x1f")[-1]: row[0].split("\x1f")
        for row in db.execute("select flds from notes")
    }
    why = fields["mine/why-us"]
    assert why[0] == "Why this company?" and "<b>invoices</b>" in why[1]
    decision = fields["invoices:decision"]
    assert decision[0] == "Moving invoices out of the monolith"
    assert "Read replicas" in decision[2] and "<br>" in decision[2]
    assert not any(key.split(":")[0] in _example_ids() for key in fields)
    db.close()


def _example_ids() -> set[str]:
    from drill.decks import shipped_decks_dir

    return {p.stem for p in (shipped_decks_dir() / "examples").glob("*.md")}


def test_apkg_guids_are_stable_across_exports(used_home, tmp_path):
    guids = []
    for name in ("a.apkg", "b.apkg"):
        invoke("export", "-o", str(tmp_path / name))
        with zipfile.ZipFile(tmp_path / name) as archive:
            archive.extract("collection.anki2", tmp_path / name[0])
        db = sqlite3.connect(tmp_path / name[0] / "collection.anki2")
        guids.append(sorted(r[0] for r in db.execute("select guid from notes")))
        db.close()
    assert guids[0] == guids[1]


def test_apkg_cannot_go_to_standard_output(used_home):
    result = invoke("export", "--format", "apkg", "-o", "-", code=2)
    assert "cannot go to standard output" in result.output


def test_data_commands_do_not_import_prompt_toolkit(used_home, tmp_path):
    code = (
        "import sys\n"
        "from drill.cli import cli\n"
        "for args in (['stats'], ['export', '-o', sys.argv[1]], ['doctor'], ['optimize']):\n"
        "    try:\n"
        "        cli(args, prog_name='drill')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "assert 'prompt_toolkit' not in sys.modules, 'prompt_toolkit imported'\n"
    )
    env = {**os.environ}
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "x.md")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


# --- the backup parser, fuzzed ------------------------------------------------------------------

SCHEMA = {table: Store(":memory:").table_info(table) for table in jsonbackup.TABLE_KEYS}
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200) | st.binary(max_size=50))
def test_any_text_is_refused_with_a_message(text):
    with pytest.raises(DrillError, match=r"^x\.json: "):
        jsonbackup.parse_backup(text, "x.json", SCHEMA)


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {"format": st.just("drill-backup"), "version": st.just(1)},
        optional={key: JSON for key in ("config", *jsonbackup.TEXT_KEYS, *jsonbackup.TABLE_KEYS)},
    ),
    st.sampled_from(jsonbackup.TABLE_KEYS),
    st.lists(
        st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "card_id",
                    "kind",
                    "ref",
                    "at",
                    "day",
                    "rating",
                    "mode",
                    "question",
                    "story",
                    "company",
                ]
            ),
            JSON,
            max_size=6,
        ),
        max_size=3,
    ),
)
def test_malformed_backups_never_raise_anything_but_a_message(data, table, rows):
    data = {**_valid(), **data, table: rows}
    try:
        jsonbackup.parse_backup(json.dumps(data), "x.json", SCHEMA)
    except DrillError as exc:
        assert str(exc).startswith("x.json: ")
