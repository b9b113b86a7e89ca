"""No data lost: kill -9, two sessions at once, migrations, odd clocks, story files gone astray."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner

from drill import migrations, scheduling
from drill import store as store_module
from drill.cli import cli
from drill.errors import DrillError
from drill.home import Clock, Home, clock_from_env, iso, parse_iso
from drill.library import Library, sync
from drill.session import Answer, Session
from drill.store import StaleCard, Store
from tests.harness import Pty
from tests.samples import MENTOR, MINI

DRILL = str(Path(sys.executable).parent / "drill")


def make_session(home, clock=clock_from_env, **kwargs) -> Session:
    kwargs.setdefault("fuzz", False)
    return Session(Store(home.db_path), Library(home, home.config()), clock, **kwargs)


def facts(db_path: Path) -> dict:
    """What the database holds, read with plain sqlite3 (recovering the WAL if need be)."""
    conn = sqlite3.connect(db_path)
    try:
        return {
            "integrity": conn.execute("PRAGMA integrity_check").fetchone()[0],
            "reviews": conn.execute("select count(*) from reviews").fetchone()[0],
            "reps": conn.execute("select coalesce(sum(reps), 0) from cards").fetchone()[0],
            "mismatched": conn.execute(
                "select count(*) from cards c where c.reps != "
                "(select count(*) from reviews r where r.card_id = c.id)"
            ).fetchone()[0],
        }
    finally:
        conn.close()


def assert_consistent(db_path: Path, reviews: int | tuple[int, ...]) -> dict:
    got = facts(db_path)
    assert got["integrity"] == "ok"
    assert got["mismatched"] == 0, got  # every card's reps is its number of reviews
    allowed = reviews if isinstance(reviews, tuple) else (reviews,)
    assert got["reviews"] in allowed, got
    return got


# --- kill -9 in a pseudo-terminal -------------------------------------------------------------


@pytest.fixture
def tty(bank_home):
    (bank_home.decks_dir / "mini.toml").write_text(MINI)
    bank_home.config_path.write_text('decks = ["mini"]\n')
    return {**os.environ, "TERM": "xterm", "COLUMNS": "100", "LINES": "40"}


def spawn(env) -> Pty:
    return Pty(env=env, rows=40, columns=100)


def expect(child: Pty, pattern) -> None:
    """The end of the output, or a pattern on the rendered screen (the review screen redraws
    only what changed, so its text is read from the emulator, not from the raw output)."""
    if pattern is pexpect.EOF:
        child.expect(pattern)
    else:
        child.wait_for(pattern)


def kill(child: Pty) -> None:
    child.kill()


def to_grade_line(child, story: str) -> None:
    """Answer the question card on screen up to its grade line."""
    expect(child, "Story>")
    child.send(story + "\r")
    if story:
        expect(child, r"fit this question\? \[y/n\]")
        child.send("n")
        for label in ("Decision>", "Alternatives>", "Metric>"):
            expect(child, label)
            child.send("\r")
    expect(child, "Enter=")


def story_to_grade_line(child) -> None:
    expect(child, "Recall>")
    child.send("I chose the worker\r")
    expect(child, "Enter=")


def test_kill_at_the_first_story_prompt_then_drill_again(tty, bank_home):
    child = spawn(tty)
    expect(child, "Story>")
    child.send("inv")  # half typed
    kill(child)
    assert_consistent(bank_home.db_path, 0)
    again = spawn(tty)
    to_grade_line(again, "invoices")
    again.send("3")
    expect(again, "Graded Good")
    expect(again, "Recall>")
    again.sendcontrol("d")
    expect(again, pexpect.EOF)
    assert_consistent(bank_home.db_path, 1)


def test_kill_at_the_grade_line_keeps_earlier_grades_only(tty, bank_home):
    child = spawn(tty)
    to_grade_line(child, "invoices")
    child.send("3")
    story_to_grade_line(child)  # the second card, revealed, not graded
    kill(child)
    assert_consistent(bank_home.db_path, 1)
    store = Store(bank_home.db_path)
    assert store._scalar("select count(*) from cards where kind = 'story' and reps > 0") == 0
    store.close()


def test_kill_right_after_a_grade_key(tty, bank_home):
    child = spawn(tty)
    to_grade_line(child, "invoices")
    child.send("3")
    expect(child, "Graded Good")  # printed only once the review is committed
    kill(child)
    assert_consistent(bank_home.db_path, 1)
    child = spawn(tty)
    story_to_grade_line(child)
    child.send("4")  # and no waiting at all: the review is all there or not at all
    kill(child)
    assert_consistent(bank_home.db_path, (1, 2))


def test_kill_while_typing_the_answer_and_after_an_undo(tty, bank_home):
    child = spawn(tty)
    to_grade_line(child, "")
    child.send("1")
    story_to_grade_line(child)
    child.send("u")  # undo the first grade, from the second card's grade line
    expect(child, "Undid the last grade")
    expect(child, "Story>")  # the undone question comes back
    child.send("invoices\r")
    expect(child, r"fit this question\? \[y/n\]")
    child.send("y")  # the mapping is committed on its own
    expect(child, "Decision>")
    child.send("moved invoicing to a wor")
    kill(child)
    assert_consistent(bank_home.db_path, 0)
    store = Store(bank_home.db_path)
    assert store.mappings() == {"mini/big-call": {"invoices"}}
    assert store._scalar("select count(*) from cards where reps > 0") == 0
    store.close()


# --- two sessions at once ---------------------------------------------------------------------


def test_two_sessions_in_threads_grade_concurrently(bank_home):
    bank_home.config_path.write_text('decks = ["core"]\nnew_per_day = 200\n')
    make_session(bank_home).store.close()  # cards exist before the race
    barrier = threading.Barrier(2)
    results: dict[int, tuple[int, int]] = {}
    errors: list[BaseException] = []

    def grader(index: int) -> None:
        try:
            session = make_session(bank_home, max_cards=40)
            barrier.wait()
            graded = stale = 0
            for turn in range(200):
                prompt = session.next_card()
                if prompt is None:
                    break
                try:
                    session.grade(prompt, Answer(), 1 + (turn + index) % 4)
                    graded += 1
                except StaleCard:
                    stale += 1
            session.store.close()
            results[index] = (graded, stale)
        except BaseException as exc:  # surfaced below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=grader, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    graded = sum(g for g, _ in results.values())
    assert all(g > 0 for g, _ in results.values()) and graded >= 40
    assert_consistent(bank_home.db_path, graded)


GRADER = textwrap.dedent(
    """
    import json, random, sys
    from drill.errors import DrillError
    from drill.home import clock_from_env, open_home
    from drill.library import Library
    from drill.session import Answer, Session
    from drill.store import StaleCard, Store

    rng = random.Random(int(sys.argv[1]))
    home = open_home()
    store = Store(home.db_path)
    session = Session(store, Library(home, home.config()), clock_from_env, max_cards=60)
    graded = undone = stale = refused = 0
    for _ in range(400):
        prompt = session.next_card()
        if prompt is None:
            break
        try:
            session.grade(prompt, Answer(), rng.randint(1, 4))
            graded += 1
        except StaleCard:
            stale += 1
            continue
        if rng.random() < 0.25:
            try:
                undone += session.undo() is not None
            except DrillError:
                refused += 1
    print(json.dumps({"graded": graded, "undone": undone, "stale": stale, "refused": refused}))
    """
)


def test_two_processes_on_a_fresh_home_grade_and_undo_concurrently(tmp_path):
    home = tmp_path / "fresh"  # no home yet: both create it, its database and its cards
    env = {**os.environ, "DRILL_HOME": str(home)}
    Home(home).ensure().config_path.write_text('decks = ["core", "traps"]\nnew_per_day = 300\n')
    (home / "drill.db").unlink(missing_ok=True)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", GRADER, str(seed)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in (1, 2)
    ]
    outs = [p.communicate(timeout=60) for p in procs]
    for proc, (_, err) in zip(procs, outs, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    counts = [json.loads(out) for out, _ in outs]
    assert all(c["graded"] > 0 for c in counts)
    kept = sum(c["graded"] - c["undone"] for c in counts)
    assert_consistent(home / "drill.db", kept)


def test_undo_of_a_review_another_session_built_on_is_refused(bank_home):
    first = make_session(bank_home)
    second = make_session(bank_home)
    prompt = first.next_card()
    first.grade(prompt, Answer(), 3)
    card_id = prompt.card.id
    again = second.prompt_for(second.store.card(card_id))  # the other session sees it now
    second.grade(again, Answer(), 1)
    after_second = second.store.card(card_id)
    with pytest.raises(DrillError, match="reviewed again"):
        first.undo()
    assert first.store.card(card_id) == after_second  # the later review still counts
    assert_consistent(bank_home.db_path, 2)
    second.undo()  # the later one can go, and then the earlier one
    assert first.store.undo_last() is not None
    assert_consistent(bank_home.db_path, 0)


# --- migrations -------------------------------------------------------------------------------


def graded_home(home, grades: int = 3) -> dict:
    session = make_session(home)
    for _ in range(grades):
        session.grade(session.next_card(), Answer(), 3)
    rows = {
        "cards": session.store._all("select * from cards order by id"),
        "reviews": session.store._all("select * from reviews order by id"),
    }
    session.store.close()
    return rows


def with_migration(mp: pytest.MonkeyPatch, step) -> int:
    version = migrations.LATEST
    mp.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, step])
    mp.setattr(migrations, "LATEST", version + 1)
    mp.setattr(store_module, "LATEST", version + 1)
    return version


def test_a_failed_migration_leaves_the_old_database_usable(bank_home):
    rows = graded_home(bank_home)
    seen_transaction = []

    def m999_half_done(db) -> None:
        seen_transaction.append(db.conn.in_transaction)
        db["scratch"].create({"id": int}, pk="id")
        db["cards"].add_column("hint", str)
        db.execute("update cards set hint = 'x', reps = reps + 100")
        db.execute("delete from reviews")
        raise RuntimeError("simulated failure halfway")

    with pytest.MonkeyPatch.context() as mp:
        version = with_migration(mp, m999_half_done)
        with pytest.raises(DrillError, match=r"drill\.db: migration m999_half_done failed"):
            Store(bank_home.db_path)
        result = CliRunner().invoke(cli, ["status"])
        assert result.exit_code == 1 and "m999_half_done" in result.output
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert seen_transaction and all(seen_transaction)
    backup = bank_home.db_path.with_name(f"drill.db.bak-v{version}")
    assert backup.stat().st_mode & 0o777 == 0o600
    assert facts(backup)["reviews"] == len(rows["reviews"]) and facts(backup)["integrity"] == "ok"
    store = Store(bank_home.db_path)
    assert store.schema_version() == version and "scratch" not in store.table_names()
    assert store._all("select * from cards order by id") == rows["cards"]
    assert store._all("select * from reviews order by id") == rows["reviews"]
    store.close()
    session = make_session(bank_home)
    session.grade(session.next_card(), Answer(), 2)  # and it still drills
    assert_consistent(bank_home.db_path, len(rows["reviews"]) + 1)


def test_a_migration_commits_with_its_version_after_a_backup(bank_home):
    rows = graded_home(bank_home)

    def m999_hint(db) -> None:
        assert db.conn.in_transaction
        db["cards"].add_column("hint", str)

    with pytest.MonkeyPatch.context() as mp:
        version = with_migration(mp, m999_hint)
        store = Store(bank_home.db_path)
        assert store.schema_version() == version + 1
        assert "hint" in {c["name"] for c in store.table_info("cards")}
        assert store.review_count() == len(rows["reviews"])
        store.close()
    assert facts(bank_home.db_path.with_name(f"drill.db.bak-v{version}"))["reviews"] == 3


KILLED_MIGRATION = textwrap.dedent(
    """
    import os, signal, sys
    from drill import migrations, store

    def m999_killed(db):
        db["cards"].add_column("hint", str)
        db.execute("delete from reviews")
        os.kill(os.getpid(), signal.SIGKILL)

    migrations.MIGRATIONS.append(m999_killed)
    migrations.LATEST = store.LATEST = len(migrations.MIGRATIONS)
    store.Store(sys.argv[1])
    """
)


def test_kill_9_in_the_middle_of_a_migration(bank_home):
    rows = graded_home(bank_home)
    done = subprocess.run(
        [sys.executable, "-c", KILLED_MIGRATION, str(bank_home.db_path)], capture_output=True
    )
    assert done.returncode == -signal.SIGKILL
    store = Store(bank_home.db_path)
    assert store.schema_version() == migrations.LATEST
    assert store._all("select * from reviews order by id") == rows["reviews"]
    assert "hint" not in {c["name"] for c in store.table_info("cards")}
    store.close()


# --- clocks: backwards, across DST, another zone -----------------------------------------------


def clock_at(text: str):
    moment = datetime.fromisoformat(text)
    return lambda: Clock(moment, moment.tzinfo)


def grade_checked(session: Session, prompt, rating: int) -> None:
    """Grade as the loop does, checking the preview and the result never go negative."""
    now = session.clock().utc
    for delta in scheduling.preview(prompt.card.memory, now, session.scheduler).values():
        assert delta >= timedelta(0)
    assert not any(v.startswith("-") for v in session.reveal(prompt, Answer()).intervals.values())
    session.grade(prompt, Answer(), rating)
    card = session.store.card(prompt.card.id)
    assert card.memory.due >= now and card.memory.last_review == now


def drill_some(session: Session, ratings=(3, 1, 4, 2, 3)) -> int:
    count = 0
    for rating in ratings:
        prompt = session.next_card()
        if prompt is None:
            break
        grade_checked(session, prompt, rating)
        count += 1
    return count


def test_a_clock_that_goes_backwards(bank_home):
    later = make_session(bank_home, clock_at("2026-12-10T09:00:00+01:00"), max_cards=50)
    graded = drill_some(later, (3, 3, 4, 1, 2, 3, 4))
    reviewed = [r["card_id"] for r in later.store._all("select card_id from reviews")]
    earlier = make_session(bank_home, clock_at("2026-12-01T09:00:00+01:00"), max_cards=50)
    graded += drill_some(earlier)
    for card_id in reviewed:  # cards last reviewed "in the future", graded again now
        prompt = earlier.prompt_for(earlier.store.card(card_id))
        grade_checked(earlier, prompt, 1 + card_id % 4)
        graded += 1
    assert_consistent(bank_home.db_path, graded)
    for args in (["status"], ["cards"], ["stats"], ["doctor"], ["undo"]):
        result = CliRunner().invoke(cli, args, env={"DRILL_NOW": "2026-11-20T09:00:00+01:00"})
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        assert result.exit_code == 0, (args, result.output)


BERLIN_DST = [
    # spring forward: 02:00 CET becomes 03:00 CEST on 29 March 2026
    "2026-03-29T01:30:00+01:00",
    "2026-03-29T01:59:00+01:00",
    "2026-03-29T03:01:00+02:00",
    "2026-03-29T04:30:00+02:00",
    # fall back: 03:00 CEST becomes 02:00 CET on 25 October 2026; 02:30 happens twice
    "2026-10-25T02:30:00+02:00",
    "2026-10-25T02:10:00+01:00",
    "2026-10-25T02:40:00+01:00",
    "2026-10-25T04:10:00+01:00",
    # and the user flies to New York, then to Tokyo
    "2026-10-25T00:30:00-04:00",
    "2026-10-25T15:00:00+09:00",
]


def test_days_across_dst_and_time_zone_changes(bank_home):
    bank_home.config_path.write_text("day_starts_at = 2\nnew_per_day = 40\n")  # the DST hour
    graded = 0
    days = []
    for moment in BERLIN_DST:
        session = make_session(bank_home, clock_at(moment), max_cards=50)
        graded += drill_some(session, (3, 1, 2))
        prompt = session.next_card()
        if prompt is not None:
            session.skip(prompt)
            until = session.store.card(prompt.card.id).buried_until
            assert timedelta(0) < until - session.clock().utc <= timedelta(hours=26)
        days.append(session.today())
        session.store.close()
    assert days[:4] == ["2026-03-28", "2026-03-28", "2026-03-29", "2026-03-29"]
    assert days[4:8] == ["2026-10-25", "2026-10-25", "2026-10-25", "2026-10-25"]
    assert_consistent(bank_home.db_path, graded)
    store = Store(bank_home.db_path)
    for review in store._all("select r.at, r.before from reviews r"):
        before = json.loads(review["before"])
        assert before["due"] is None or parse_iso(before["due"]) >= parse_iso(before["last_review"])
    store.close()


REAL_ZONE = textwrap.dedent(
    """
    import json, sys, time
    from datetime import UTC, datetime, timedelta
    from drill import scheduling
    from drill.home import Clock, clock_from_env, iso, open_home, parse_iso
    from drill.library import Library
    from drill.scheduling import Memory
    from drill.session import Answer, Session
    from drill.store import Store

    time.tzset()
    assert clock_from_env().tz is None  # no DRILL_NOW: the system's zone, DST included
    home = open_home()
    store = Store(home.db_path)
    out = {"graded": 0, "days": []}
    for start in ("2026-03-29T00:10:00", "2026-10-24T23:40:00"):  # UTC, before each change
        for step in range(10):
            instant = datetime.fromisoformat(start + "+00:00") + timedelta(minutes=17 * step)
            clock = lambda instant=instant: Clock(instant.astimezone(), None)
            session = Session(store, Library(home, home.config()), clock, fuzz=False)
            prompt = session.next_card()
            if prompt is not None:
                memory = prompt.card.memory
                deltas = scheduling.preview(memory, instant, session.scheduler)
                assert min(deltas.values()) >= timedelta(0), deltas
                session.grade(prompt, Answer(), 1 + step % 4)
                card = store.card(prompt.card.id)
                assert card.memory.due >= instant
                out["graded"] += 1
            nxt = clock().next_day_start(home.config().day_starts_at)
            assert nxt > instant, (instant, nxt)
            out["days"].append([clock().now.isoformat(), session.today()])
    print(json.dumps(out))
    """
)


def test_a_real_time_zone_with_dst_and_no_drill_now(bank_home):
    bank_home.config_path.write_text("day_starts_at = 2\nnew_per_day = 40\n")
    env = {k: v for k, v in os.environ.items() if k != "DRILL_NOW"}
    env["TZ"] = "Europe/Berlin"
    done = subprocess.run(
        [sys.executable, "-c", REAL_ZONE], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    offsets = {now[-6:] for now, _ in out["days"]}
    assert offsets == {"+01:00", "+02:00"}  # the run really crossed both changes
    assert out["graded"] == 20
    assert_consistent(bank_home.db_path, 20)
    status = subprocess.run([DRILL, "status", "--json"], env=env, capture_output=True, text=True)
    assert status.returncode == 0 and "Traceback" not in status.stderr
    assert json.loads(status.stdout)["reviews_today"] >= 0


# --- story files deleted, renamed by hand, broken, unreadable ---------------------------------


def story_reviews(store: Store) -> dict[str, int]:
    rows = store._all(
        "select c.ref, count(r.id) as n from cards c join reviews r on r.card_id = c.id "
        "where c.kind = 'story' group by c.ref"
    )
    return {r["ref"]: r["n"] for r in rows}


def unreadable(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod 000; as root that does not stop a read, so reading it is made to fail as well."""
    path.chmod(0)
    if os.geteuid() == 0:
        real = Path.read_bytes

        def read_bytes(self):
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
        monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: read_bytes(self).decode())


@pytest.mark.parametrize("mishap", ["deleted", "renamed", "broken", "unreadable", "not-utf8"])
def test_story_file_mishaps_never_delete_history(bank_home, mishap):
    patches = pytest.MonkeyPatch()
    bank_home.config_path.write_text("new_per_day = 40\n")
    session = make_session(bank_home, max_cards=60)
    while (prompt := session.next_card()) is not None:
        session.grade(prompt, Answer(story="mentor"), 3)
    store = session.store
    before = story_reviews(store)
    total = store.review_count()
    assert before.get("mentor", 0) >= 1
    path = bank_home.stories_dir / "mentor.md"
    if mishap == "deleted":
        path.unlink()
    elif mishap == "renamed":
        path.rename(bank_home.stories_dir / "coaching.md")
    elif mishap == "broken":
        path.write_text("+++\ncategories = [\n+++\n" + MENTOR)
    elif mishap == "not-utf8":
        path.write_bytes(MENTOR.encode("utf-16"))
    else:
        unreadable(path, patches)
    runner = CliRunner()
    for args in (["status"], ["cards"], ["stats"], ["story", "list"], ["lint"], ["coverage"]):
        result = runner.invoke(cli, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        assert result.exit_code in (0, 1), args
    doctor = runner.invoke(cli, ["doctor", "--fix"])
    assert doctor.exception is None or isinstance(doctor.exception, SystemExit), doctor.exception
    if mishap not in ("deleted", "renamed"):
        assert "mentor.md" in doctor.output  # the broken file is named
    session.reload()
    drill_some(session, (3, 3))
    assert store.review_count() >= total
    after = story_reviews(store)
    assert after["mentor"] == before["mentor"]
    assert store._scalar("select count(*) from cards where ref = 'mentor' and active = 1") == 0
    assert store._scalar("select count(*) from cards where ref = 'mentor'") == 5
    # the file back as it was: the same cards, active again, with their history
    patches.undo()
    path.unlink(missing_ok=True)
    (bank_home.stories_dir / "coaching.md").unlink(missing_ok=True)
    path.write_text(MENTOR)
    sync(store, Library(bank_home, bank_home.config()), iso(datetime.now(UTC)))
    assert store._scalar("select count(*) from cards where ref = 'mentor' and active = 1") == 5
    assert story_reviews(store)["mentor"] == before["mentor"]
    assert_consistent(bank_home.db_path, store.review_count())
    store.close()


def test_two_drills_writing_the_same_file_at_once(tmp_path):
    """Two first runs at once both write config.toml: no crash, no half file, no litter."""
    from drill.home import write_private

    path = tmp_path / "config.toml"
    texts = [f"new_per_day = {n}\n" * 40 for n in (1, 2)]
    errors: list[BaseException] = []

    def writer(text: str) -> None:
        for _ in range(200):
            try:
                write_private(path, text)
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=writer, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert path.read_text() in texts
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]
    assert path.stat().st_mode & 0o777 == 0o600
