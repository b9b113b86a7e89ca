"""Scheduling exactness (issue 14): recall on the real clock, skip and cram accounting."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from fsrs.scheduler import DEFAULT_PARAMETERS

from drill.cli import cli
from drill.home import clock_from_env, iso
from drill.library import Library
from drill.modes import CramSession
from drill.scheduling import Memory, recall, recall_at
from drill.session import Answer, Session
from drill.stats import status_counts
from drill.store import Store
from tests.history import log_review


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0 and result.exception is None, result.output
    return result.output


def session_for(home, cls=Session, **kwargs):
    store = Store(home.db_path)
    return cls(store, Library(home, home.config()), clock_from_env, fuzz=False, **kwargs)


def test_recall_is_the_fsrs6_curve_on_fractional_days():
    w = DEFAULT_PARAMETERS
    # a first Again gives S = w0; twelve hours later the curve says 0.83, not 1.0
    assert recall(w[0], 0.5, w) == pytest.approx(0.8314, abs=1e-4)
    assert recall(7.0, 7.0, w) == pytest.approx(0.9, abs=1e-12)  # R(S) = 0.9 by definition
    assert recall(7.0, -1.0, w) == 1.0  # a clock that went backwards: no time has passed
    now = clock_from_env().utc
    memory = Memory(state="review", stability=7.0, difficulty=5, due=now, last_review=now)
    assert recall_at(memory, now + timedelta(hours=36), w) == recall(7.0, 1.5, w)
    assert recall_at(Memory(), now, w) == 0.0


def test_cards_json_shows_recall_twelve_hours_after_an_again(bank_home, monkeypatch):
    run("status")
    store = Store(bank_home.db_path)
    card = store.card_for("story", "invoices", "decision")
    session = session_for(bank_home)
    session.grade(session.prompt_for(card), Answer(), 1)
    later = clock_from_env().now + timedelta(hours=12)
    monkeypatch.setenv("DRILL_NOW", later.isoformat())
    rows = {r["id"]: r for r in json.loads(run("cards", "--json"))}
    assert rows[card.id]["retrievability"] == pytest.approx(0.8314, abs=1e-4)


def test_at_risk_uses_exact_elapsed_time(bank_home):
    """A card at t = 21.985 days with S = 21.02 is under 0.9 (0.8994); floored days say 0.9004."""
    run("status")
    store = Store(bank_home.db_path)
    card = store.card_for("story", "mentor", "people")
    interview = clock_from_env().utc + timedelta(days=2)
    last = interview - timedelta(days=21.985)
    store.conn.execute(
        "update cards set state = 'review', stability = 21.02, difficulty = 5, reps = 3, "
        "due = ?, last_review = ? where id = ?",
        [iso(last + timedelta(days=21)), iso(last), card.id],
    )
    store.add_plan("acme", iso(interview), "x")
    assert recall(21.02, 21.985, DEFAULT_PARAMETERS) < 0.9 < recall(21.02, 21, DEFAULT_PARAMETERS)
    # the daily drill follows the interview planner; the at-risk list serves the other modes
    assert card.id in session_for(bank_home, mode="rehearse").at_risk


def test_skip_holds_for_a_card_at_risk_before_an_interview(bank_home):
    run("status")
    store = Store(bank_home.db_path)
    now = clock_from_env().utc
    card = store.card_for("story", "mentor", "people")
    store.conn.execute(
        "update cards set state = 'review', stability = 3, difficulty = 5, reps = 3, "
        "due = ?, last_review = ? where id = ?",
        [iso(now + timedelta(days=1)), iso(now - timedelta(days=2)), card.id],
    )
    store.add_plan("acme", iso(now + timedelta(days=3)), "x")
    session = session_for(bank_home, mode="rehearse", max_cards=50)
    assert session.at_risk == [card.id]
    prompt = session.next_card()
    assert prompt.card.id == card.id
    session.skip(prompt)
    shown = []
    while (prompt := session.next_card()) is not None and len(shown) < 30:
        shown.append(prompt.card.id)
        session.grade(prompt, Answer(), 3)
    assert card.id not in shown


def test_cram_without_rescheduling_leaves_the_new_card_allowance(bank_home):
    run("status")
    cram = session_for(
        bank_home,
        CramSession,
        max_cards=4,
        interview=clock_from_env().utc + timedelta(days=2),
        reschedule=False,
    )
    for _ in range(4):
        cram.grade(cram.next_card(), Answer(), 3)
    store = cram.store
    assert store._scalar("select count(*) from reviews where rescheduled = 0") == 4
    daily = session_for(bank_home, max_cards=50)
    shown = 0
    while (prompt := daily.next_card()) is not None:
        daily.grade(prompt, Answer(), 4)
        shown += 1
    assert shown == 10  # new_per_day, untouched by the cram


def test_new_pick_cards_of_a_map_sprint_do_not_use_the_daily_allowance(bank_home):
    run("status")
    store = Store(bank_home.db_path)
    question = next(iter(Library(bank_home, bank_home.config()).questions))
    store.map_story(question, "invoices", "x")
    from drill.modes import MapSession

    sprint = session_for(bank_home, MapSession, max_cards=3)
    prompt = sprint.next_card()
    sprint.answer_pick(prompt, "invoices", 2.0)
    assert (
        store._scalar(
            "select count(*) from reviews r join cards c on c.id = r.card_id where c.kind = 'pick'"
        )
        == 1
    )
    assert json.loads(run("status", "--json"))["new"] == 10


def test_status_due_counts_what_the_drill_shows_one_per_story(bank_home):
    run("status")
    store = Store(bank_home.db_path)
    now = clock_from_env().utc
    for facet in ("decision", "outcome", "people"):
        card = store.card_for("story", "mentor", facet)
        store.conn.execute(
            "update cards set state = 'review', stability = 3, difficulty = 5, reps = 2, "
            "due = ?, last_review = ? where id = ?",
            [iso(now - timedelta(hours=1)), iso(now - timedelta(days=3)), card.id],
        )
    bank_home.config_path.write_text("new_per_day = 0\n")
    assert json.loads(run("status", "--json"))["due"] == 1
    session = session_for(bank_home, max_cards=50)
    prompt = session.next_card()
    session.grade(prompt, Answer(), 4)
    assert session.next_card() is None
    assert json.loads(run("status", "--json"))["due"] == 0


def test_status_due_skips_a_card_whose_sibling_was_reviewed_today(bank_home):
    run("status")
    store = Store(bank_home.db_path)
    now = clock_from_env().utc
    a = store.card_for("story", "mentor", "decision")
    b = store.card_for("story", "mentor", "outcome")
    log_review(store, a.id, now - timedelta(hours=1), 3, interval_days=5)
    store.conn.execute(
        "update cards set state = 'review', stability = 3, difficulty = 5, reps = 2, "
        "due = ?, last_review = ? where id = ?",
        [iso(now - timedelta(hours=1)), iso(now - timedelta(days=3)), b.id],
    )
    config = bank_home.config()
    assert status_counts(store, config, clock_from_env())["due"] == 0


def test_a_naive_plan_time_is_read_in_the_system_zone_for_that_date(home, monkeypatch):
    """DRILL_NOW in winter at -05:00; the interview is after the spring change (-04:00)."""
    import time

    monkeypatch.setenv("TZ", "EST5EDT,M3.2.0,M11.1.0")
    monkeypatch.setenv("DRILL_NOW", "2026-03-01T09:00:00-05:00")
    time.tzset()
    try:
        run("plan", "add", "acme", "2026-03-20 10:00")
        plans = Store(home.db_path).plans()
    finally:
        monkeypatch.undo()
        time.tzset()
    assert plans[0]["at"].startswith("2026-03-20T14:00:00")


def test_cram_readiness_twenty_hours_after_failing_every_facet(bank_home):
    """Every facet graded Again now: at an interview 20 h later the curve gives about 78%,
    not the 100% that whole days floored to zero would show."""
    run("status")
    store = Store(bank_home.db_path)
    session = session_for(bank_home)
    for card in store.cards(["story"]):
        if card.ref == "mentor":
            session.grade(session.prompt_for(card), Answer(), 1)
    cram = session_for(
        bank_home,
        CramSession,
        interview=clock_from_env().utc + timedelta(hours=20),
        reschedule=False,
    )
    w = DEFAULT_PARAMETERS
    assert cram.before["mentor"] == pytest.approx(recall(w[0], 20 / 24, w), abs=1e-9)
    assert 0.7 < cram.before["mentor"] < 0.8
