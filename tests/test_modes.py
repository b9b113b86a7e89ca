"""Map sprint, interview plans, cram and rehearsal: driven with pipe input and a fixed clock."""

import json
import time
from datetime import timedelta

import pytest

from drill.home import clock_from_env, iso
from drill.library import Library
from drill.modes import CramSession, MapSession
from drill.session import Answer, Session
from drill.store import Store
from drill.ui.modes import run_cram, run_map, run_rehearse
from tests.drivers import drive_mode as drive
from tests.drivers import map_session, rehearse_session


def scaled_timer(factor: float):
    start = time.monotonic()
    return lambda: (time.monotonic() - start) * factor


def test_map_offers_unmapped_first_then_grades_wrong_as_again(mini_home):
    store = Store(mini_home.db_path)
    session = MapSession(store, Library(mini_home, mini_home.config()), clock_from_env, fuzz=False)
    # both questions unmapped: m takes the offer, map them (ungraded), then the sprint asks them
    keys = "minvoices\rmentor\rmentor\rinvoices\r\x04"
    _, screen = drive(run_map, session, keys)
    assert store.mappings() == {"mini/big-call": {"invoices"}, "mini/grow-someone": {"mentor"}}
    rows = store._all("select r.rating, r.mode, r.latency_ms, r.story from reviews r order by id")
    assert [(r["rating"], r["mode"]) for r in rows] == [(1, "map"), (1, "map")]
    assert all(r["latency_ms"] is not None for r in rows)
    assert "questions have no story yet" in screen and "✗ the story is" in screen


def test_map_offer_is_skipped_with_one_key_and_the_sprint_starts(mini_home):
    store = Store(mini_home.db_path)
    store.map_story("mini/big-call", "invoices", "x")  # one mapped, one not
    session = MapSession(store, Library(mini_home, mini_home.config()), clock_from_env, fuzz=False)
    _, screen = drive(run_map, session, "\rinvoices\r")
    assert "1 question has no story yet" in screen
    assert store.mappings() == {"mini/big-call": {"invoices"}}  # nothing asked, nothing mapped
    assert store._scalar("select rating from reviews where mode = 'map'") == 4
    assert "Sprint done." in screen and "1/1 right" in screen


def test_map_typo_at_story_asks_again_instead_of_grading_again(mini_home):
    session = map_session(mini_home)
    _, screen = drive(run_map, session, "zzz-nothing\rinvoices\r\x04")
    assert "No story matches 'zzz-nothing'" in screen
    ratings = [r["rating"] for r in session.store._all("select rating from reviews")]
    assert ratings == [4]  # one pick, right, fast; the typo was not graded


def test_map_q_at_story_quits_without_grading(mini_home):
    session = map_session(mini_home)
    _, screen = drive(run_map, session, "q\r")
    assert session.store._scalar("select count(*) from reviews") == 0
    assert "No picks this time: you stopped before the first one." in screen


def test_map_with_nothing_mapped_says_why_there_are_no_picks(mini_home):
    session = MapSession(
        Store(mini_home.db_path), Library(mini_home, mini_home.config()), clock_from_env
    )
    _, screen = drive(run_map, session, "\r")  # the offer declined
    assert "No picks this time: no question is mapped to a story yet" in screen


def test_map_with_every_pick_reviewed_says_when_the_next_is_due(mini_home):
    session = map_session(mini_home)
    drive(run_map, session, "invoices\rmentor\r\x04")
    again = map_session(mini_home)
    _, screen = drive(run_map, again, "")
    assert "No picks this time: none is due; the next is due" in screen


def test_map_countdown_state_lives_in_the_session(mini_home):
    now = [100.0]
    session = map_session(mini_home, timer=lambda: now[0])
    assert session.time_left() is None
    prompt = session.next_card()
    session.start_pick(prompt)
    now[0] += 3.0
    assert session.time_left() == pytest.approx(8.0 - 3.0)
    assert "5.0s left" in session.status()
    now[0] += 7.0
    assert "over by 2.0s" in session.status()
    session.answer_pick(prompt, "invoices", 1.0)
    assert session.time_left() is None


def test_map_fast_right_is_easy_and_slow_right_is_hard(mini_home):
    fast = map_session(mini_home)
    _, screen = drive(run_map, fast, "invoices\r\x04")
    assert fast.store._scalar("select rating from reviews") == 4
    slow_home_store = fast.store
    slow = MapSession(
        slow_home_store,
        Library(mini_home, mini_home.config()),
        clock_from_env,
        timer=scaled_timer(100_000),
        max_minutes=10**9,
        fuzz=False,
    )
    _, screen = drive(run_map, slow, "mentor\r\x04")
    last = slow.store._one("select rating, latency_ms from reviews order by id desc limit 1")
    assert last["rating"] == 2 and last["latency_ms"] > 8000
    assert "→ Hard" in screen
    assert "mentoring" in screen and "median" in screen  # the closing summary by category


def test_map_summary_by_category_figures(mini_home):
    session = map_session(mini_home)
    prompt = session.next_card()
    session.answer_pick(prompt, "nobody", 3.0)
    prompt = session.next_card()
    session.answer_pick(prompt, sorted(prompt.mapped)[0], 5.0)
    rows = {row[0]: row[1:] for row in session.by_category()}
    assert rows["technical-decision"][0] == 1 and rows["mentoring"][0] == 1
    assert sorted(v[1] for v in rows.values()) == [0.0, 1.0]
    assert {v[2] for v in rows.values()} == {3.0, 5.0}


def review_everything(home, rating=3):
    store = Store(home.db_path)
    session = Session(
        store, Library(home, home.config()), clock_from_env, max_cards=500, fuzz=False
    )
    while (prompt := session.next_card()) is not None:
        session.grade(prompt, Answer(), rating)
    return store


def test_plan_three_days_out_the_daily_drill_follows_the_plan(mini_home, monkeypatch):
    mini_home.config_path.write_text('decks = ["mini"]\nnew_per_day = 100\n')
    store = review_everything(mini_home)
    monkeypatch.setenv("DRILL_NOW", "2026-12-01T12:00:00+01:00")
    review_everything(mini_home)  # the learning steps, so cards reach review state
    monkeypatch.setenv("DRILL_NOW", "2026-12-02T09:00:00+01:00")
    mini_home.config_path.write_text('decks = ["mini"]\nnew_per_day = 0\n')
    store.add_plan("acme", iso(clock_from_env().utc + timedelta(days=3)), "x")
    planned = Session(store, Library(mini_home, mini_home.config()), clock_from_env, fuzz=False)
    brought = [c.id for c in planned.queue()]
    today = list(planned.interview_plan.plan.today())
    assert today and brought[: len(today)] == today  # the plan's cards first
    assert planned.at_risk == []  # the old bring-forward rule no longer runs in the daily drill
    recalls = [planned.interview_plan.plan.recall_now[i] for i in today]
    assert max(recalls) < 0.9  # only cards that would be under the target at the interview


def test_reviews_in_the_48_hours_before_an_interview_are_marked(mini_home):
    store = Store(mini_home.db_path)
    store.add_plan("acme", iso(clock_from_env().utc + timedelta(hours=30)), "x")
    session = Session(store, Library(mini_home, mini_home.config()), clock_from_env, fuzz=False)
    session.grade(session.next_card(), Answer(), 3)
    assert store._scalar("select pre_interview from reviews") == 1


def cram_session(home, reschedule=True, days=2):
    store = Store(home.db_path)
    at = clock_from_env().utc + timedelta(days=days)
    return CramSession(
        store,
        Library(home, home.config()),
        clock_from_env,
        max_cards=500,
        interview=at,
        reschedule=reschedule,
        fuzz=False,
    )


def test_cram_orders_by_recall_at_interview_and_covers_every_story(mini_home):
    store = review_everything(mini_home, rating=4)
    # forget one story facet hard so it is the weakest at interview time
    weak = store.card_for("story", "mentor", "people")
    store.conn.execute("update cards set stability = 0.5 where id = ?", [weak.id])
    session = cram_session(mini_home)
    queue = session.queue()
    recalls = [session.recall_at_interview(store.card(c.id)) for c in queue]
    assert queue[0].id == weak.id or recalls[0] == min(recalls)
    stories = {store.card(c.id).ref for c in queue if c.kind == "story"}
    assert stories == {"invoices", "mentor"}


def test_cram_no_reschedule_leaves_card_rows_byte_identical(mini_home):
    store = review_everything(mini_home)
    before = store._all("select * from cards order by id")
    session = cram_session(mini_home, reschedule=False)
    graded = 0
    while (prompt := session.next_card()) is not None:
        session.grade(prompt, Answer(), [1, 2, 3, 4][graded % 4])
        graded += 1
    assert graded == len(session.relevant()) > 3
    assert store._all("select * from cards order by id") == before
    rows = store._all("select mode, rescheduled from reviews where mode = 'cram'")
    assert len(rows) == graded and all(r["rescheduled"] == 0 for r in rows)
    assert [r.before for r in session.readiness()] == [r.after for r in session.readiness()]


def test_cram_in_the_terminal_ends_with_readiness_table(mini_home):
    review_everything(mini_home)
    session = cram_session(mini_home, reschedule=False)
    _, screen = drive(run_cram, session, "\x04")
    assert "Cram for" in screen and "schedules stay as they were" in screen
    assert "Readiness at interview time" in screen and "mentor" in screen


def test_cram_readiness_moves_when_rescheduling(mini_home):
    review_everything(mini_home)
    session = cram_session(mini_home, days=20)
    while (prompt := session.next_card()) is not None:
        session.grade(prompt, Answer(), 4)
    table = {r.story: r for r in session.readiness()}
    assert set(table) == {"invoices", "mentor"}
    assert all(r.after > r.before for r in table.values())


def test_rehearse_countdown_analysis_followup_and_history(mini_home):
    store, session = rehearse_session(mini_home, scaled_timer(1_000_000))
    prompt = session.prompt_for(store.card_for("question", "mini/big-call"))
    narrative = "We moved the invoices to a worker and it was a lot better for everyone."
    keys = "invoices\r" + narrative + "\x1b\r" + "I looked at the dashboards.\x1b\r" + "2"
    rehearsal_id, screen = drive(lambda s, t: run_rehearse(s, prompt, 180, t), session, keys)
    row = store.rehearsal(rehearsal_id)
    assert row["text"] == narrative and row["story"] == "invoices"
    assert row["seconds"] > 180  # the clock ran past the budget
    assert "measure" in row["followup"].lower()  # no number in the answer
    assert row["followup_text"] == "I looked at the dashboards."
    analysis = json.loads(row["analysis"])
    assert analysis["we_count"] >= 1 and analysis["numbers"] == []
    review = store._one("select rating, mode from reviews")
    assert (review["rating"], review["mode"]) == (2, "rehearse")


def test_rehearse_spoken_answer_enter_on_empty_stops_clock(mini_home):
    store, session = rehearse_session(mini_home)
    prompt = session.prompt_for(store.card_for("question", "mini/grow-someone"))
    rehearsal_id, _ = drive(lambda s, t: run_rehearse(s, prompt, 180, t), session, "mentor\r\r\r3")
    row = store.rehearsal(rehearsal_id)
    assert row["text"] == "" and row["seconds"] < 180 and row["rating"] == 3


def big_call(home):
    store, session = rehearse_session(home)
    return store, session, session.prompt_for(store.card_for("question", "mini/big-call"))


def rehearse_keys(session, prompt, keys):
    return drive(lambda s, t: run_rehearse(s, prompt, 180, t), session, keys)


def test_rehearse_q_at_the_grade_line_keeps_an_ungraded_entry(mini_home):
    store, session, prompt = big_call(mini_home)
    keys = "invoices\rWe moved invoices to a worker.\x1b\rI checked dashboards.\x1b\rq"
    rehearsal_id, screen = rehearse_keys(session, prompt, keys)
    row = store.rehearsal(rehearsal_id)
    assert row["text"] == "We moved invoices to a worker." and row["rating"] is None
    assert row["followup_text"] == "I checked dashboards."
    assert store._scalar("select count(*) from reviews") == 0  # nothing graded
    assert "kept ungraded" in screen


def test_rehearse_ctrl_c_while_typing_keeps_what_was_typed(mini_home):
    store, session, prompt = big_call(mini_home)
    rehearsal_id, _ = rehearse_keys(session, prompt, "invoices\rHalf of my answer\x03")
    row = store.rehearsal(rehearsal_id)
    assert row["text"] == "Half of my answer" and row["rating"] is None
    assert row["story"] == "invoices" and row["followup"] == ""
    assert store._scalar("select count(*) from reviews") == 0


def test_rehearse_quit_before_answering_keeps_nothing(mini_home):
    store, session, prompt = big_call(mini_home)
    rehearsal_id, screen = rehearse_keys(session, prompt, "q\r")
    assert rehearsal_id is None and store.rehearsals() == []
    assert "nothing kept" in screen


def test_rehearse_grade_line_offers_only_keys_that_work(mini_home):
    store, session, prompt = big_call(mini_home)
    keys = "invoices\rWe moved it.\x1b\r\x1b\r" + "usE" + "3"
    rehearsal_id, screen = rehearse_keys(session, prompt, keys)
    grade_line = next(line for line in screen.splitlines() if "Enter=" in line)
    assert "u s E" not in grade_line and "?" in grade_line and " q" in grade_line
    assert store.rehearsal(rehearsal_id)["rating"] == 3  # u, s and E were ignored


def test_spoken_rehearsal_shows_the_story_before_the_grade(mini_home):
    store, session = rehearse_session(mini_home)
    prompt = session.prompt_for(store.card_for("question", "mini/grow-someone"))
    _, screen = rehearse_keys(session, prompt, "mentor\r\r\r3")
    shown = screen.index("pair with her on three mock")  # the story's Decision
    assert "12 minutes" in screen[shown:]  # and its Metric
    assert shown < screen.index("Enter=")


def test_rehearsal_session_without_a_terminal(mini_home):
    from drill.modes import RehearsalSession

    store, session, prompt = big_call(mini_home)
    rehearsal = RehearsalSession(session, prompt, 120)
    rehearsal.pick(session.library.stories["invoices"])
    rehearsal.start_answer()
    analysis = rehearsal.finish_answer("We went from 9 hours to 40 minutes.")
    assert analysis is not None and rehearsal.followup  # chosen from the analysis
    rehearsal.start_followup()
    rehearsal.finish_followup("")
    assert rehearsal.reveal().suggested in (1, 2, 3, 4)
    rehearsal.grade(4)
    row = store.rehearsal(rehearsal.keep())
    assert (row["rating"], row["budget_seconds"], row["story"]) == (4, 120, "invoices")
    assert json.loads(row["analysis"])["numbers"]
    assert store._scalar("select mode from reviews") == "rehearse"


def test_rehearse_help_at_the_grade_line_then_a_grade(mini_home):
    store, session, prompt = big_call(mini_home)
    rehearsal_id, screen = rehearse_keys(session, prompt, "invoices\r\r\r?4")
    assert "Keys in a rehearsal" in screen and store.rehearsal(rehearsal_id)["rating"] == 4


def test_rehearse_ctrl_c_in_the_follow_up_keeps_both_answers(mini_home):
    store, session, prompt = big_call(mini_home)
    keys = "invoices\rFrom 9 hours to 40 minutes.\x1b\rI timed the\x03"
    row = store.rehearsal(rehearse_keys(session, prompt, keys)[0])
    assert row["text"] == "From 9 hours to 40 minutes." and row["followup_text"] == "I timed the"
    assert row["rating"] is None and row["followup"]
