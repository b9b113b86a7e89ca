"""Hostile conditions: planted links, devices, full disks, crafted backups, interrupted imports."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from drill import backup as jsonbackup
from drill import files
from drill.cli import cli
from drill.errors import DrillError
from drill.home import Home
from drill.store import Store
from tests.harness import DRILL
from tests.samples import MENTOR, STRONG


def invoke(*args: str, code: int = 0, input: str | None = None):
    result = CliRunner().invoke(cli, list(args), input=input)
    assert result.exit_code == code, (result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


# --- writing files ----------------------------------------------------------------------------


def test_an_export_streams_into_a_fifo_and_leaves_it_a_fifo(bank_home, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    invoke("export", "--format", "json", "-o", str(fifo))
    reader.join(10)
    assert json.loads(received[0])["format"] == "drill-backup"
    assert fifo.is_fifo()  # written into, not replaced by a regular file


def test_an_export_to_a_folder_is_refused(bank_home, tmp_path):
    result = invoke("export", "--format", "md", "-o", str(tmp_path), code=2)
    assert "is a directory" in result.output
    with pytest.raises(DrillError, match="is a folder"):  # the writer refuses it too
        files.write_output(tmp_path, "text")


def test_a_symlink_planted_at_the_old_temp_name_is_never_followed(bank_home, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / ".backup.json.tmp").symlink_to(victim)
    invoke("export", "--format", "json", "-o", str(tmp_path / "backup.json"))
    assert victim.read_text() == "keep me"
    assert json.loads((tmp_path / "backup.json").read_text())["format"] == "drill-backup"


def test_a_failed_apkg_export_leaves_neither_a_package_nor_litter(bank_home, tmp_path, monkeypatch):
    from drill import export

    def broken(path, *args):
        Path(path).write_bytes(b"PK half a zip")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(export, "write_apkg", broken)
    result = invoke("export", "--format", "apkg", "-o", str(out / "drill.apkg"), code=1)
    assert "No space left on device" in result.output
    assert list(out.iterdir()) == []


def test_a_full_disk_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "notes.md"
    target.write_text("old")

    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patched, pytest.raises(DrillError, match="disk is full"):
        patched.setattr(Path, "write_bytes", full)
        files.write_private(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.md"]


# --- crafted backups --------------------------------------------------------------------------


@pytest.fixture
def good_backup(bank_home, tmp_path) -> dict:
    invoke("status")
    return json.loads(invoke("export", "--format", "json").output)


def _card(data: dict) -> dict:
    return data["cards"][0]


def _review(data: dict) -> dict:
    card = _card(data)
    row = {
        "id": 1,
        "card_id": card["id"],
        "at": "2026-11-30T09:00:00.000000+00:00",
        "day": "2026-11-30",
        "rating": 3,
        "mode": "daily",
        "before": json.dumps({"state": "new"}),
    }
    data["reviews"] = [row]
    return row


BAD_VALUES = [
    (lambda d: _card(d).update(due="garbage"), '"cards"[0].due'),
    (lambda d: _card(d).update(stability="abc"), '"cards"[0].stability'),
    (lambda d: _card(d).update(state="bogus"), '"cards"[0].state'),
    (lambda d: _card(d).update(kind="flashcard"), '"cards"[0].kind'),
    (lambda d: _card(d).update(difficulty=42.0), '"cards"[0].difficulty'),
    (lambda d: _review(d).update(before="not json"), '"reviews"[0].before'),
    (lambda d: _review(d).update(day="yesterday"), '"reviews"[0].day'),
    (lambda d: _review(d).update(rating=9), '"reviews"[0].rating'),
    (
        lambda d: d["plans"].append({"id": 1, "company": "amazon", "at": "soon"}),
        '"plans"[0].at',
    ),
    (
        lambda d: d["plans"].append(
            {"id": 1, "company": "amazon", "at": "9999-12-31T23:59:59+00:00"}
        ),
        '"plans"[0].at',
    ),
    (
        lambda d: d["params"].append({"id": 1, "parameters": json.dumps([0.5] * 19)}),
        '"params"[0].parameters',
    ),
    (lambda d: d.update(config="new_per_day = -4\n"), '"config"'),
]


@pytest.mark.parametrize("spoil, where", BAD_VALUES)
def test_a_backup_with_a_bad_value_is_refused_naming_the_field(
    good_backup, tmp_path, monkeypatch, spoil, where
):
    spoil(good_backup)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(good_backup))
    monkeypatch.setenv("DRILL_HOME", str(tmp_path / "fresh"))
    result = invoke("import", str(path), code=1)
    assert where in result.output
    assert not list((tmp_path / "fresh" / "stories").iterdir())


def test_deeply_nested_brackets_get_a_message_not_a_recursion_error(home, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    result = invoke("import", str(path), code=1)
    assert "nested too deeply" in result.output


@pytest.mark.parametrize("name", ["Notes.md", "my story.md", "Café.md"])
def test_story_files_named_any_plain_way_round_trip_through_a_backup(
    bank_home, tmp_path, monkeypatch, name
):
    (bank_home.stories_dir / name).write_text(MENTOR)
    text = invoke("export", "--format", "json").output
    path = tmp_path / "b.json"
    path.write_text(text)
    fresh = tmp_path / "fresh"
    monkeypatch.setenv("DRILL_HOME", str(fresh))
    invoke("import", str(path))
    assert (fresh / "stories" / name).read_text() == MENTOR
    assert invoke("export", "--format", "json").output == text


# --- interrupted imports ----------------------------------------------------------------------


def _big_backup(tmp_path: Path, stories: int) -> Path:
    home = Home(tmp_path / "source").ensure()
    for n in range(stories):
        (home.stories_dir / f"story-{n:04d}.md").write_text(STRONG)
    env = {**os.environ, "DRILL_HOME": str(home.root)}
    path = tmp_path / "big.json"
    out = subprocess.run(
        [DRILL, "export", "--format", "json", "-o", str(path)], env=env, capture_output=True
    )
    assert out.returncode == 0, out.stderr
    return path


def _export(root: Path) -> str:
    """The home's export, in-process; any command first finishes an import killed between its
    renames."""
    result = CliRunner().invoke(cli, ["export", "--format", "json"], env={"DRILL_HOME": str(root)})
    assert result.exit_code == 0 and result.exception is None, (result.output, result.exception)
    return result.output


def _import(root: Path, path: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [DRILL, "import", "--force", str(path)],
        env={**env, "DRILL_HOME": str(root)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_kill_9_during_import_leaves_the_old_home_or_the_new_one(tmp_path):
    big = _big_backup(tmp_path, 300)
    new_text = big.read_text()
    env = dict(os.environ)
    probe = tmp_path / "probe"  # how long a whole import takes here, now
    (Home(probe).ensure().stories_dir / "mine.md").write_text(MENTOR)
    started = time.monotonic()
    assert _import(probe, big, env).wait() == 0
    whole = time.monotonic() - started
    assert _export(probe) == new_text
    root = tmp_path / "home"
    home = Home(root).ensure()
    (home.stories_dir / "mine.md").write_text(MENTOR)
    old_text = _export(root)
    restore = tmp_path / "old.json"
    restore.write_text(old_text)
    seen = set()
    for share in (0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0):  # seven kills across the import
        proc = _import(root, big, env)
        time.sleep(share * whole)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = _export(root)
        assert now in (old_text, new_text), f"a mix after a kill at {share:.0%} of an import"
        seen.add("new" if now == new_text else "old")
        if now == new_text:  # start over from the user's own home
            result = CliRunner().invoke(
                cli, ["import", "--force", str(restore)], env={"DRILL_HOME": str(root)}
            )
            assert result.exit_code == 0 and result.exception is None, result.output
            assert _export(root) == old_text
        assert not [p for p in tmp_path.glob("home.importing-*") if (p / ".complete").exists()]
    assert "old" in seen


def test_a_home_missing_between_the_two_renames_is_finished_by_the_next_command(tmp_path):
    root = tmp_path / "home"
    staging = tmp_path / "home.importing-20261201-090000"
    Home(staging).ensure()
    (staging / "stories" / "mine.md").write_text(MENTOR)
    Store(staging / "drill.db").close()
    (staging / jsonbackup.COMPLETE).write_text("")
    env = {**os.environ, "DRILL_HOME": str(root)}
    out = subprocess.run([DRILL, "story", "list"], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "mine" in out.stdout
    assert not staging.exists() and not (root / jsonbackup.COMPLETE).exists()


def test_a_failure_while_building_leaves_the_home_untouched(used_home_files, tmp_path, monkeypatch):
    backup, before = used_home_files

    def boom(self, tables, write_files):
        raise OSError(errno.ENOSPC, "No space left on device", "drill.db")

    with monkeypatch.context() as patched:
        patched.setattr(Store, "restore", boom)
        result = invoke("import", "--force", str(backup), code=1)
    assert "No space left on device" in result.output
    assert invoke("export", "--format", "json").output == before
    assert not list(tmp_path.glob("home.importing-*"))
    assert not list(tmp_path.glob("home.before-import-*"))


@pytest.fixture
def used_home_files(bank_home, tmp_path):
    invoke("status")
    before = invoke("export", "--format", "json").output
    backup = tmp_path / "b.json"
    backup.write_text(before)
    (bank_home.stories_dir / "extra.md").write_text(MENTOR)
    return backup, invoke("export", "--format", "json").output


def test_doctor_names_the_copy_an_import_set_aside(used_home_files, tmp_path):
    backup, _ = used_home_files
    invoke("import", "--force", str(backup))
    report = invoke("doctor").output
    assert "before-import" in report


def test_the_cli_never_prints_a_traceback_on_a_bad_backup(home, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "drill-backup", "version": 1, "cards": "x"}))
    out = subprocess.run(
        [sys.executable, "-m", "drill", "import", str(path)],
        env={**os.environ},
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1
    assert "Traceback" not in out.stderr and out.stderr.startswith("drill: ")


# --- nothing outside the home -----------------------------------------------------------------


@pytest.mark.parametrize("command", [["rm", "--yes"], ["rename"], ["edit"]])
@pytest.mark.parametrize("target", ["../../other/todo", "ABSOLUTE", "../invoices"])
def test_story_commands_never_reach_outside_the_stories_folder(
    bank_home, tmp_path, monkeypatch, command, target
):
    outside = tmp_path / "other"
    outside.mkdir()
    (outside / "todo.md").write_text("not a story")
    monkeypatch.setenv("EDITOR", "true")
    if target == "ABSOLUTE":
        target = str(outside / "todo")
    args = ["story", command[0], target, *command[1:]]
    if command[0] == "rename":
        args.append("fresh-name")
    result = invoke(*args, code=2)
    assert "is not a story id" in result.output
    assert (outside / "todo.md").read_text() == "not a story"


def test_a_story_file_linked_to_outside_the_home_is_refused_and_never_exported(bank_home, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text(MENTOR.replace("Mentoring", "Top secret"))
    (bank_home.stories_dir / "linked.md").symlink_to(secret)
    listed = invoke("story", "list").output
    assert "linked" not in listed.split("problems")[0] or "outside the home" in listed
    backup = invoke("export", "--format", "json").output
    assert "Top secret" not in backup and "linked.md" not in json.loads(backup)["stories"]
    result = invoke("story", "rm", "linked", "--yes", code=1)
    assert "outside" in result.output
    assert secret.exists()


def test_a_rename_whose_file_move_fails_leaves_history_on_the_old_name(bank_home, monkeypatch):
    invoke("status")
    store = Store(bank_home.db_path)
    before = store.cards()
    store.close()

    def refuse(self, target):
        raise OSError(errno.EACCES, "Permission denied", str(self))

    with monkeypatch.context() as patched:
        patched.setattr(Path, "rename", refuse)
        result = invoke("story", "rename", "mentor", "coaching", code=1)
    assert "nothing was changed" in result.output
    store = Store(bank_home.db_path)
    assert store.cards() == before
    store.close()
    assert (bank_home.stories_dir / "mentor.md").exists()


def test_a_hidden_story_file_is_reported_not_silently_ignored(bank_home):
    (bank_home.stories_dir / "..md").write_text(MENTOR)
    out = subprocess.run([DRILL, "doctor"], env={**os.environ}, capture_output=True, text=True)
    assert "..md" in out.stdout and "hidden" in out.stdout


def test_a_front_matter_error_is_reported_at_the_key_s_own_line(tmp_path):
    from drill.bank import read_story

    path = tmp_path / "s.md"
    path.write_text(
        '+++\ntitle = "T"\nsummary = "S"\nlevel = "senior"\ntags2 = 1\n'
        'categories = ["failure"]\nexample = false\n\ntags = 5\n+++\n\n# T\n\n## Situation\nx\n'
    )
    _, problems = read_story(path, None, None)
    tags = [p for p in problems if "tags must be" in p.message]
    assert tags and tags[0].line == 9, problems


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59+00:00", "1900-01-01 10:00"])
def test_interview_dates_outside_the_years_drill_handles_are_refused(home, when):
    result = invoke("plan", "add", "amazon", when, code=2)
    assert "year must be between 1970 and 2200" in result.output


def test_doctor_reports_a_stored_plan_drill_cannot_use(home):
    invoke("status")
    store = Store(home.db_path)
    store.add_plan("amazon", "9999-12-31T23:59:59+00:00", "2026-12-01T08:00:00+00:00")
    store.close()
    result = invoke("doctor", code=1)
    assert "plan 1 (amazon)" in result.output and "drill plan rm 1" in result.output


# --- the parse cache ---------------------------------------------------------------------------


def test_a_same_size_edit_with_its_time_restored_is_seen(bank_home):
    from drill.library import Library

    path = bank_home.stories_dir / "mentor.md"
    assert Library(bank_home, bank_home.config()).stories["mentor"]
    stat = path.stat()
    text = path.read_text()
    edited = text.replace("# First on-call", "# Final on-call", 1)
    assert len(edited) == len(text) and edited != text
    path.write_text(edited)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_mtime_ns == stat.st_mtime_ns
    assert Library(bank_home, bank_home.config()).stories["mentor"].title == "Final on-call"


def test_a_cache_written_by_another_version_is_not_read(bank_home, monkeypatch):
    from drill import library as library_module
    from drill.library import Library

    with monkeypatch.context() as patched:
        patched.setattr(library_module, "__version__", "0.0.1-old")
        Library(bank_home, bank_home.config()).bank  # noqa: B018  (writes the cache)
    parsed = []
    real = library_module.load_bank
    monkeypatch.setattr(
        library_module, "load_bank", lambda *a, **k: parsed.append(1) or real(*a, **k)
    )
    Library(bank_home, bank_home.config()).bank  # noqa: B018
    assert parsed == [1]


# --- damaged, locked and read-only databases --------------------------------------------------


def _graded_home(bank_home) -> Path:
    from datetime import UTC, datetime

    from drill.home import clock_from_env, iso
    from drill.library import Library, sync

    store = Store(bank_home.db_path)
    sync(store, Library(bank_home, bank_home.config()), iso(datetime.now(UTC)))
    card = store.cards()[0]
    from tests.history import log_review

    log_review(store, card.id, clock_from_env().utc, 3, interval_days=2)
    store.close()
    return bank_home.db_path


READ_COMMANDS = (["status"], ["cards"], ["stats"], ["plan", "list"], ["history"])


def test_a_zero_byte_database_is_reported_by_every_command_and_doctor(bank_home):
    db = _graded_home(bank_home)
    db.write_bytes(b"")
    for args in READ_COMMANDS:
        result = invoke(*args, code=1)
        assert "is empty (0 bytes)" in result.output, args
    report = invoke("doctor", code=1).output
    assert "is empty (0 bytes)" in report and "backup" in report
    assert db.stat().st_size == 0  # never silently replaced by a new, empty history


def test_random_bytes_in_the_database_give_one_line_everywhere(bank_home):
    db = _graded_home(bank_home)
    data = bytearray(db.read_bytes())
    for offset in range(4096 + 100, len(data), 997):  # spare the header, spoil the pages
        data[offset] = (data[offset] + 77) % 256
    db.write_bytes(bytes(data))
    for args in (*READ_COMMANDS, ["undo"], ["doctor"], ["doctor", "--fix"]):
        out = subprocess.run([DRILL, *args], env={**os.environ}, capture_output=True, text=True)
        assert "Traceback" not in out.stderr, (args, out.stderr)
        assert out.returncode in (0, 1), args


def test_a_database_the_user_cannot_write_serves_reads_and_refuses_writes(bank_home, monkeypatch):
    db = _graded_home(bank_home)
    real_access = os.access
    locked = {db, db.parent}  # as a user without write permission sees them (root ignores modes)
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) in locked else real_access(p, mode)
    )
    for args in (["status", "--json"], ["cards"], ["stats"], ["plan", "list"], ["doctor"]):
        invoke(*args)
    for args in (["undo"], ["plan", "add", "amazon", "2026-12-20 10:00"]):
        result = invoke(*args, code=1)
        assert "read-only" in result.output, args
    assert Store(db).review_count() == 1


def test_a_lock_held_past_the_timeout_is_one_line(bank_home, monkeypatch):
    from drill import database

    _graded_home(bank_home)
    monkeypatch.setattr(database, "BUSY_SECONDS", 0.2)
    holder = Store(bank_home.db_path)
    holder.conn.execute("BEGIN IMMEDIATE")
    try:
        result = invoke("undo", code=1)
        assert "another drill is writing" in result.output
    finally:
        holder.conn.execute("ROLLBACK")
        holder.close()


def test_a_deleted_write_ahead_log_loses_nothing(bank_home):
    from tests.history import log_review

    db = _graded_home(bank_home)
    store = Store(db)
    card = store.cards()[1]
    from drill.home import clock_from_env

    log_review(store, card.id, clock_from_env().utc, 3, interval_days=2)
    for suffix in ("-wal", "-shm"):
        db.with_name(db.name + suffix).unlink()
    log_review(store, store.cards()[2].id, clock_from_env().utc, 4, interval_days=3)
    other = Store(db)  # another process's view: it must see all three reviews
    assert other.review_count() == 3
    other.close()
    store.close()
    assert Store(db).integrity_check() == ["ok"]


def test_a_daily_backup_is_taken_before_the_first_write_and_doctor_names_it(bank_home):
    from drill.database import backups

    db = _graded_home(bank_home)
    invoke("undo")  # a write: the day's copy is taken first
    copies = backups(db)
    assert len(copies) == 1 and oct(copies[0].stat().st_mode & 0o777) == "0o600"
    assert Store(copies[0]).review_count() == 1  # taken before the undo
    assert str(copies[0]) in invoke("doctor").output


def test_a_full_disk_during_the_migration_copy_leaves_no_partial_backup(bank_home, monkeypatch):
    import shutil as shutil_module

    from drill import migrations

    db = _graded_home(bank_home)
    conn = __import__("sqlite3").connect(db)
    conn.execute("PRAGMA user_version = 2")  # pretend the last migration is still to run
    conn.close()

    def full(src, dst, *args, **kwargs):
        Path(dst).write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(shutil_module, "copyfile", full)
    with pytest.raises(DrillError, match="No space left on device"):
        Store(db)
    assert not list(db.parent.glob("drill.db.bak-v*"))
    assert migrations.schema_version(__import__("sqlite3").connect(db)) == 2


# --- the card on screen -------------------------------------------------------------------------


def test_a_grade_never_lands_on_another_card_that_took_the_same_id(bank_home):
    from drill.home import clock_from_env
    from drill.library import Library
    from drill.session import Answer, Session
    from drill.store import StaleCard

    store = Store(bank_home.db_path)
    session = Session(store, Library(bank_home, bank_home.config()), clock_from_env, fuzz=False)
    prompt = session.next_card()
    card_id = prompt.card.id
    other = [c for c in store.cards() if c.kind != prompt.card.kind][0]
    with store.transaction():  # as an import would: same id, another card, same schedule
        store.conn.execute("delete from cards where id = ?", [other.id])
        store.conn.execute(
            "update cards set kind = ?, ref = ?, facet = ? where id = ?",
            [other.kind, other.ref, other.facet, card_id],
        )
    with pytest.raises(StaleCard):
        session.grade(prompt, Answer(story="invoices"), 3)
    assert store.review_count() == 0
    store.close()


def test_a_grade_after_an_import_replaced_the_database_is_refused(bank_home, tmp_path):
    from drill.home import clock_from_env
    from drill.library import Library
    from drill.session import Answer, Session

    invoke("status")
    backup = tmp_path / "b.json"
    backup.write_text(invoke("export", "--format", "json").output)
    store = Store(bank_home.db_path)
    session = Session(store, Library(bank_home, bank_home.config()), clock_from_env, fuzz=False)
    prompt = session.next_card()
    invoke("import", "--force", str(backup))
    with pytest.raises(DrillError, match="replaced meanwhile"):
        session.grade(prompt, Answer(story="invoices"), 3)
    store.close()
    assert Store(bank_home.db_path).review_count() == 0


def test_two_sets_of_decks_keep_their_parse_caches_apart(bank_home, monkeypatch):
    from drill import library as library_module
    from drill.library import Library

    config = bank_home.config()
    Library(bank_home, config)._parsed_decks  # noqa: B018
    Library(bank_home, config, ("amazon",))._parsed_decks  # noqa: B018
    parsed = []
    real = library_module.load_decks
    monkeypatch.setattr(
        library_module, "load_decks", lambda *a, **k: parsed.append(1) or real(*a, **k)
    )
    Library(bank_home, config)._parsed_decks  # noqa: B018
    Library(bank_home, config, ("amazon",))._parsed_decks  # noqa: B018
    assert parsed == []  # both read back from their own cache files
