"""The interview planner: small cases with a known best answer, the cap, and the product hook
(the company's deck joins the daily drill; each day's cards follow the plan)."""

import json
import random
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from fsrs.scheduler import DEFAULT_PARAMETERS

from drill import planner, scheduling
from drill.cli import cli
from drill.home import clock_from_env
from drill.interview import planned_decks
from drill.library import Library
from drill.planner import PlanCard
from drill.scheduling import Memory
from drill.session import Answer, Session
from drill.store import Store

W = list(DEFAULT_PARAMETERS)
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def at(days: float, hours: float = 0) -> datetime:
    return NOW + timedelta(days=days, hours=hours)


def learned(card_id: int, stability: float, days_ago: float, difficulty: float = 5.0):
    return PlanCard(card_id, stability, difficulty, NOW - timedelta(days=days_ago))


def reviews_of(plan, card_id: int) -> list[int]:
    return [k for k, day in enumerate(plan.days) if card_id in day.cards]


# --- the FSRS arithmetic ---------------------------------------------------------------------


def test_recall_is_exact_on_fractional_days():
    assert scheduling.recall(10.0, 10.0, W) == pytest.approx(0.9)
    half = scheduling.recall(10.0, 0.5, W)
    assert 0.99 < half < 1.0 and half != scheduling.recall(10.0, 0.0, W)


def test_default_parameters_are_py_fsrs_ones():
    assert list(planner.DEFAULT_PARAMETERS) == W


def test_fsrs_mirror_matches_py_fsrs_through_reviews():
    fsrs = planner.Fsrs(W)
    scheduler = scheduling.make_scheduler(W, 0.9, fuzz=False)
    memory, s, d = Memory(), None, None
    last = None
    for moment in (NOW, at(1), at(3, 5), at(3, 9), at(9)):
        memory = scheduling.review(memory, 3, moment, scheduler)
        elapsed = 0.0 if last is None else (moment - last).total_seconds() / 86400
        s, d = fsrs.good(s, d, elapsed)
        last = moment
        assert s == pytest.approx(memory.stability, rel=1e-9)
        assert d == pytest.approx(memory.difficulty, rel=1e-9)


def test_planned_recall_is_what_py_fsrs_gives_after_the_planned_reviews():
    card = learned(1, 4.0, 3.0)
    plan = planner.plan([card], NOW, at(14, 6), W, 0.9, 5)
    scheduler = scheduling.make_scheduler(W, 0.9, fuzz=False)
    memory = Memory("review", None, 4.0, 5.0, NOW, card.last_review, 3)
    for k in reviews_of(plan, 1):
        memory = scheduling.review(memory, 3, at(k), scheduler)
    elapsed = (at(14, 6) - memory.last_review).total_seconds() / 86400
    assert plan.recall_planned[1] == pytest.approx(scheduling.recall(memory.stability, elapsed, W))


# --- small cases with a known best answer ----------------------------------------------------


def test_a_card_ready_already_gets_no_review():
    plan = planner.plan([learned(1, 200.0, 1.0)], NOW, at(5, 6), W, 0.9, 10)
    assert plan.reviews == 0 and plan.recall_planned[1] >= 0.9 and plan.unreachable == []


def test_one_card_gets_the_one_review_it_needs_and_not_in_the_last_48_hours():
    card = learned(1, 6.0, 5.0)
    plan = planner.plan([card], NOW, at(14, 6), W, 0.9, 10)
    fsrs = planner.Fsrs(W)
    # by hand: every single review day that brings the card to 0.9 at T
    reaching = []
    for k in range(15):
        s, _ = fsrs.good(6.0, 5.0, 5.0 + k)
        if scheduling.recall(s, 14.25 - k, W) >= 0.9:
            reaching.append(k)
    outside = [k for k in reaching if 14.25 - k > 2]
    assert outside, "the case needs a day outside the last 48 hours that works"
    assert plan.reviews == 1 and reviews_of(plan, 1)[0] in outside
    assert plan.recall_planned[1] >= 0.9 > plan.recall_now[1]
    assert not any(day.final and day.cards for day in plan.days)


def test_two_new_cards_with_one_review_a_day_take_a_day_each():
    # interview tomorrow afternoon: today and tomorrow morning, one review a day
    plan = planner.plan([PlanCard(1), PlanCard(2)], NOW, at(1, 6), W, 0.9, 1)
    assert [len(day.cards) for day in plan.days] == [1, 1]
    assert sorted(reviews_of(plan, 1) + reviews_of(plan, 2)) == [0, 1]
    assert min(plan.recall_planned.values()) >= 0.9 and plan.unreachable == []


def test_a_card_that_cannot_be_reached_is_named_and_the_rest_of_the_cap_used():
    # one review a day, two days, three new cards: one of them cannot make it
    cards = [PlanCard(1), PlanCard(2), PlanCard(3)]
    plan = planner.plan(cards, NOW, at(1, 6), W, 0.9, 1)
    assert len(plan.unreachable) == 1 and plan.reviews == 2
    lost = plan.unreachable[0]
    assert plan.recall_planned[lost] == 0.0 and plan.share_ready() == pytest.approx(2 / 3)


def test_cards_already_at_the_target_get_nothing_even_with_room_to_spare():
    # ready at T and not due before it under their normal schedule (interval ~ stability)
    ready = [learned(i, 80.0 + i, 2.0) for i in range(1, 6)]
    weak = [learned(10, 3.0, 3.0), PlanCard(11)]
    plan = planner.plan(ready + weak, NOW, at(5, 6), W, 0.9, 45)
    assert all(plan.recall_now[c.id] >= 0.9 for c in ready)
    assert all(reviews_of(plan, c.id) == [] for c in ready)
    assert plan.reviews == len(reviews_of(plan, 10)) + len(reviews_of(plan, 11)) <= 4
    assert plan.unreachable == []


def test_under_a_tight_cap_the_card_with_most_to_gain_gets_the_review():
    # one review today, the interview tonight: a never-seen card gains far more from it than
    # the company's own card already at 0.85, so mean recall at T is highest that way
    almost = PlanCard(1, 10.0, 5.0, NOW - timedelta(days=12), priority=1)
    plan = planner.plan([almost, PlanCard(2)], NOW, at(0, 10), W, 0.9, 1)
    assert 0.8 < plan.recall_now[1] < 0.9
    assert plan.today() == (2,) and plan.recall_planned[2] > 0.9
    assert plan.unreachable == [1]


def test_under_a_tight_cap_single_reviews_trade_days_when_recall_at_t_gains():
    # two sessions, one review each, three cards short of 0.9: the new card and the weaker
    # learned one fit. A new card gains most from the later session (0.94 -> 0.98), the
    # learned one loses little by the earlier (1.00 -> 0.99): together they end higher
    cards = [PlanCard(1), learned(2, 10.0, 12.0), learned(3, 10.0, 11.0)]
    plan = planner.plan(cards, NOW, at(1, 6), W, 0.9, 1)
    assert [day.cards for day in plan.days] == [(2,), (1,)] and plan.unreachable == [3]
    assert plan.recall_planned[1] > 0.98 and plan.recall_planned[2] > 0.99


def test_a_card_reviewed_today_is_not_planned_again_today():
    card = learned(1, 0.2, 0.1)
    plan = planner.plan([card], NOW, at(0, 10), W, 0.9, 10, done_today=1, reviewed_today={1})
    assert plan.reviews == 0 and plan.unreachable == [1]
    assert plan.recall_planned[1] == plan.recall_now[1] < 0.9


def test_new_cards_at_two_weeks_get_the_fewest_reviews_and_none_in_the_last_session():
    # one review reaches 0.9 at T only from 2.25 days before (days 12 and 13, ten a day);
    # the last morning (day 14) costs double (no later session to mend a lapse), so the other
    # ten cards get two earlier reviews: 40 in all is the cheapest plan
    plan = planner.plan([PlanCard(i) for i in range(30)], NOW, at(14, 6), W, 0.9, 10)
    assert plan.unreachable == [] and plan.reviews == 40
    assert plan.days[14].cards == ()
    assert sorted(len(reviews_of(plan, i)) for i in range(30)) == [1] * 20 + [2] * 10


def test_days_respect_the_cap_and_what_was_done_today():
    rng = random.Random(7)
    cards = [
        PlanCard(i)
        if rng.random() < 0.4
        else learned(i, rng.uniform(0.5, 40), rng.uniform(0, 30), rng.uniform(2, 9))
        for i in range(300)
    ]
    for days in (2, 5, 14):
        plan = planner.plan(cards, NOW, at(days, 6), W, 0.9, 25, done_today=10)
        assert len(plan.days[0].cards) <= 15
        for day in plan.days:
            assert len(day.cards) <= 25 and len(set(day.cards)) == len(day.cards)
        assert all(plan.recall_planned[c.id] >= plan.recall_now[c.id] for c in cards)


def test_daily_cap_and_daily_order():
    assert planner.daily_cap(15, 20) == 45 and planner.daily_cap(1, 300) == 1
    order = planner.daily_order([5, 3], [1, 3, 2, 9, 4], relevant={2, 3, 5}, room=4)
    assert order == [5, 3, 1, 9]


def test_deadline_simulation_reduced_run():
    """The benchmark's table in a reduced form (two seeds, one horizon), so it cannot rot."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import deadline_sim

    lines: list[str] = []
    table = deadline_sim.table(2, [5, 14], 45, out=lines.append)
    assert any(line.startswith("| 5 | (c) planner") for line in lines)
    for days in (5, 14):
        brought = table[days, "b"]
        for strategy in ("c", "c="):
            planned = table[days, strategy]
            assert planned["largest"] <= 45 and planned["share"] >= 0.95
            assert planned["recall"] > brought["recall"] + 0.2
    # held to (b)'s reviews day by day at 5 days; on its own at 14, far fewer than (b)
    assert table[5, "c="]["reviews"] <= table[5, "b"]["reviews"]
    assert table[14, "c"]["reviews"] < 0.8 * table[14, "b"]["reviews"]
    assert table[5, "c"]["relevant"] < table[5, "b"]["reviews"]  # the interview's own share


# --- in the product --------------------------------------------------------------------------


def run(*args):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=True)
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result


def test_plan_add_refuses_a_blank_company_warns_on_an_unknown_one_and_refuses_a_duplicate(
    bank_home,
):
    blank = run("plan", "add", "  ", "2026-12-03 10:00")
    assert blank.exit_code == 2 and "company is blank" in blank.output
    unknown = run("plan", "add", "acme", "2026-12-03 10:00")
    assert unknown.exit_code == 0 and "no framework or deck named 'acme'" in unknown.output
    first = run("plan", "add", "Amazon", "2026-12-04 10:00")
    assert first.exit_code == 0 and "amazon deck joins the daily drill" in first.output
    again = run("plan", "add", "amazon", "2026-12-04 10:00")
    assert again.exit_code == 1 and "already amazon" in again.output
    assert run("plan", "add", "amazon", "2026-12-05 10:00").exit_code == 0  # another round
    assert len(json.loads(run("plan", "list", "--json").output)) == 3


def active_amazon_questions() -> int:
    cards = json.loads(run("cards", "--json", "--kind", "question").output)
    return sum(1 for c in cards if c["ref"].startswith("amazon/"))


def test_company_deck_joins_while_the_plan_is_ahead_and_leaves_after(bank_home, monkeypatch):
    deck = Library(bank_home, bank_home.config(), ("amazon",)).decks["amazon"]
    assert active_amazon_questions() == 0
    assert run("plan", "add", "amazon", "2026-12-04 10:00").exit_code == 0
    assert active_amazon_questions() == len(deck.questions) > 40
    monkeypatch.setenv("DRILL_NOW", "2026-12-04T10:30:00+01:00")  # the interview has passed
    assert active_amazon_questions() == 0


def test_plan_show_and_status_report_the_predicted_readiness(bank_home):
    run("plan", "add", "amazon", "2026-12-06 14:00")
    shown = json.loads(run("plan", "show", "1", "--json").output)
    assert shown["company"] == "amazon" and shown["cards"] > 40
    assert shown["recall_now"] == 0.0 and shown["recall_planned"] > 0.5
    assert sum(d["reviews"] for d in shown["days"]) > 0
    assert all(d["reviews"] <= d["cap"] for d in shown["days"])
    # the story assigned to Amazon's principles counts; the one with no principles does not
    assert {s["story"] for s in shown["stories"]} == {"invoices"}
    text = run("plan", "show", "1").output
    assert "Reviews day by day" in text and "if followed" in text and "invoices" in text
    status = json.loads(run("status", "--json").output)
    assert status["interview_readiness"]["recall_planned"] == shown["recall_planned"]
    assert run("plan", "show", "9").exit_code == 1


def session_for(home) -> Session:
    store = Store(home.db_path)
    now = clock_from_env().utc
    library = Library(home, home.config(), planned_decks(store, home, now))
    return Session(store, library, clock_from_env, max_cards=1000, max_minutes=10**6, fuzz=False)


def test_each_day_follows_the_plan_within_the_cap(bank_home, monkeypatch):
    bank_home.config_path.write_text('decks = ["core", "traps"]\nplan_daily_minutes = 5\n')
    Store(bank_home.db_path).add_plan("amazon", "2026-12-05T14:00:00+01:00", "x")
    rng = random.Random(3)
    for day in range(5):
        monkeypatch.setenv("DRILL_NOW", f"2026-12-0{day + 1}T09:00:00+01:00")
        session = session_for(bank_home)
        plan = session.interview_plan
        assert plan is not None and plan.cap == 15  # 5 minutes at 20 s a card
        note = session.plan_note()
        assert f"{len(plan.plan.today())} of today's cards are for amazon" in note
        reviewed = []
        while (prompt := session.next_card()) is not None:
            reviewed.append(prompt.card.id)
            session.grade(prompt, Answer(), 3 if rng.random() < 0.85 else 1)
        planned = list(plan.plan.today())
        assert reviewed[: len(planned)] == planned  # the plan's cards first, in its order
        assert len(reviewed) <= plan.cap
        assert not (set(reviewed[len(planned) :]) & plan.relevant)  # then only other due cards
        if day == 0:  # the company's questions come first under a tight cap
            refs = [session.store.card(i).ref for i in planned]
            assert any(ref.startswith("amazon/") for ref in refs)
    monkeypatch.setenv("DRILL_NOW", "2026-12-05T15:00:00+01:00")  # after the interview
    after = session_for(bank_home)
    assert after.interview_plan is None and after.plan_note() is None


def test_a_skipped_planned_card_stays_away_today(bank_home):
    Store(bank_home.db_path).add_plan("amazon", "2026-12-04T14:00:00+01:00", "x")
    session = session_for(bank_home)
    first = session.next_card()
    assert first.card.id == session.interview_plan.plan.today()[0]
    session.skip(first)
    assert session.next_card().card.id != first.card.id
    assert first.card.id not in {c.id for c in session.queue()}
    assert session.store.card(first.card.id).buried_until > clock_from_env().utc


def _next_step(screen: str, seen):
    """What the bottom of the screen asks now, as (card counter, "answer" or "grade"), or
    "Reviewed" at the summary; None until the step after `seen` is on screen: a card's grade
    line right after its answer, a new card's prompt (a new counter, no grade line) after a
    grade. The toolbar counts the next card before the grade line is cleared, so a counter
    alone does not tell."""
    bottom = "\n".join(screen.splitlines()[-5:])
    if "Reviewed" in bottom:
        return "Reviewed"
    counter = re.search(r" (\d+/\d+) · \d+:\d\d · ", bottom)
    if counter is None:
        return None
    if "Enter=" in bottom:
        return (counter[1], "grade") if seen == (counter[1], "answer") else None
    if re.search(r"^(Story|Recall)>", bottom, re.M) and (seen is None or seen[0] != counter[1]):
        return (counter[1], "answer")
    return None


def test_pty_each_day_follows_the_plan_and_the_cap(bank_home):
    """The installed `drill` in a pseudo-terminal on successive days: the plan's line, then
    exactly the plan's cards for the day (no other card is due), never more than the cap."""
    import os

    from tests.harness import Pty

    bank_home.config_path.write_text('decks = ["core"]\nplan_daily_minutes = 1\n')  # 3 a day
    assert run("plan", "add", "amazon", "2026-12-04 14:00").exit_code == 0
    for day in (1, 2, 3):
        env = {**os.environ, "DRILL_NOW": f"2026-12-0{day}T09:00:00+01:00"}
        shown = CliRunner().invoke(cli, ["plan", "show", "1", "--json"], env=env)
        today = json.loads(shown.output)["days"][0]
        assert today["reviews"] <= today["cap"] == 3
        pty = Pty(env=env, rows=40, columns=100, timeout=20)
        pty.wait_for(f"Interview plan: {today['reviews']} of today's cards are for amazon")
        seen = None
        for _ in range(30):  # answer whatever the bottom of the screen asks, until the summary
            step = pty.until(lambda screen, seen=seen: _next_step(screen, seen), what="a prompt")
            if step == "Reviewed":
                break
            pty.send("3" if step[1] == "grade" else "\r")
            seen = step
        else:
            raise AssertionError(pty.text())
        pty.close()
        store = Store(bank_home.db_path)
        ids = set().union(*store.reviewed_today(f"2026-12-0{day}").values())
        cards = [store.card(i) for i in ids]
        reviewed = sorted(c.ref + (f"#{c.facet}" if c.facet else "") for c in cards)
        assert reviewed == sorted(today["cards"]) and len(reviewed) <= 3


@pytest.mark.parametrize("value", ["0", "500", '"15"', "true"])
def test_plan_daily_minutes_is_checked(value):
    from drill.errors import DrillError
    from drill.home import parse_config

    assert parse_config("plan_daily_minutes = 30\n").plan_daily_minutes == 30
    assert parse_config("").plan_daily_minutes == 15
    with pytest.raises(DrillError, match=r"config.toml:2: plan_daily_minutes must be"):
        parse_config(f"level = 'senior'\nplan_daily_minutes = {value}\n")


def test_plan_show_and_the_daily_note_say_what_cannot_be_reached(bank_home, monkeypatch):
    bank_home.config_path.write_text('decks = ["core"]\nplan_daily_minutes = 1\n')  # 3 a day
    run("plan", "add", "amazon", "2026-12-02 14:00")
    shown = json.loads(run("plan", "show", "1", "--json").output)
    missing = len(shown["unreachable_cards"])
    assert missing > 0 and shown["unreachable"] == missing
    text = " ".join(run("plan", "show", "1").output.split())
    best = f"{shown['recall_planned']:.0%}"
    assert f"Out of reach: {missing} of {shown['cards']} cards stay under 90%" in text
    assert f"{best} recall is the best this cap allows" in text
    note = session_for(bank_home).plan_note()
    assert f"{missing} of {shown['cards']} cards cannot reach 90% by then at 1 min a day" in note


def test_plan_show_of_a_past_interview_says_so(bank_home, monkeypatch):
    run("plan", "add", "amazon", "2026-12-03 10:00")
    monkeypatch.setenv("DRILL_NOW", "2026-12-03T11:00:00+01:00")
    result = run("plan", "show", "1")
    assert result.exit_code == 1 and "has passed" in result.output


def test_a_days_siblings_are_spread_apart():
    cards = [PlanCard(i, group=f"story:{i // 5}") for i in range(10)]  # two stories, 5 facets
    plan = planner.plan(cards, NOW, at(0, 20), W, 0.9, 10)
    groups = [cards[i].group for i in plan.today()]
    assert len(groups) == 10 and all(a != b for a, b in zip(groups, groups[1:], strict=False))


def test_status_readiness_is_kept_until_something_changes(bank_home):
    run("plan", "add", "amazon", "2026-12-06 14:00")
    first = json.loads(run("status", "--json").output)["interview_readiness"]
    store = Store(bank_home.db_path)
    assert json.loads(store.get_meta("plan_readiness"))["value"] == first
    assert json.loads(run("status", "--json").output)["interview_readiness"] == first
    session = session_for(bank_home)
    session.grade(session.next_card(), Answer(), 3)  # a planned card, reviewed
    after = json.loads(run("status", "--json").output)["interview_readiness"]
    assert after["recall_now"] > first["recall_now"] and after["today"] == first["today"] - 1


def test_pace_is_the_median_time_once_there_are_enough_reviews():
    from drill.interview import DEFAULT_SECONDS_PER_CARD, seconds_per_card

    assert seconds_per_card([30_000] * 19 + [None]) == DEFAULT_SECONDS_PER_CARD
    assert seconds_per_card([10_000] * 10 + [40_000] * 11) == 40.0
    assert seconds_per_card([900_000] * 30) == 300.0  # a card left open overnight is capped


def test_a_half_filled_memory_counts_as_never_reviewed():
    odd = [PlanCard(1, 3.0, None, NOW), PlanCard(2, 0.0, 5.0, NOW), PlanCard(3, 2.0, 5.0, None)]
    plan = planner.plan(odd, NOW, at(3, 6), W, 0.9, 10)
    assert plan.recall_now == {1: 0.0, 2: 0.0, 3: 0.0} and plan.unreachable == []
