"""`drill optimize`: fsrs-rs items from the log, a fit that beats the defaults, kept if better."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from drill import optimize
from drill.cards import Card
from drill.cli import cli
from drill.home import iso
from drill.store import Store
from tests.history import TRUE_PARAMETERS, log_review, simulate, study_day

TZ = timezone(timedelta(hours=1))


def row(card: int, day: str, rating: int, before: str = "review", hour: int = 9) -> dict:
    at = datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ)
    return {"card_id": card, "at": iso(at), "day": day, "rating": rating, "before_state": before}


def test_items_hold_the_history_up_to_each_later_day_review():
    rows = [
        row(1, "2026-11-01", 3, "new"),
        row(1, "2026-11-01", 3, "learning"),  # same day: delta 0, no item of its own
        row(1, "2026-11-03", 3),
        row(1, "2026-11-03", 1),  # second review that day: still no item
        row(1, "2026-11-08", 1, "relearning"),
        row(2, "2026-11-02", 4, "new"),  # one review only: nothing to predict
        row(3, "2026-11-02", 3, "review"),  # its first review is not in the log: skipped
        row(3, "2026-11-09", 3),
    ]
    assert optimize.build_items(rows) == [
        [(3, 0), (3, 0), (3, 2)],
        [(3, 0), (3, 0), (3, 2), (1, 0), (1, 5)],
    ]


def test_a_clock_that_went_backwards_gives_delta_zero_not_negative():
    rows = [row(1, "2026-11-05", 3, "new"), row(1, "2026-11-04", 3), row(1, "2026-11-06", 3)]
    assert optimize.build_items(rows) == [[(3, 0), (3, 0), (3, 2)]]


def test_too_little_history_says_how_much_more():
    rows = [row(1, "2026-11-01", 3, "new"), row(1, "2026-11-03", 3)]
    with pytest.raises(optimize.TooLittleHistory) as info:
        optimize.fit(rows, None)
    message = str(info.value)
    assert "1 usable review " in message and "(of 2 logged)" in message
    assert "at least 8, so 7 more" in message and "64 for a full fit" in message


def test_fit_on_reviews_drawn_from_known_parameters_beats_the_defaults():
    started = time.monotonic()
    rows = simulate(cards=200, days=200)
    result = optimize.fit(rows, None)
    assert result.items > 500 and not result.partial
    assert result.current_source == "default"
    assert result.current == optimize.default_parameters()
    assert result.after.log_loss < result.before.log_loss
    assert result.after.rmse < result.before.rmse
    assert result.better
    # the fit moves towards the truth: a first Good is remembered much longer than by default
    assert result.fitted[2] > 2 * result.current[2]
    truth = optimize.evaluate(TRUE_PARAMETERS, optimize.build_items(rows))
    assert result.after.log_loss < truth.log_loss + 0.02
    assert time.monotonic() - started < 20


def test_fitted_parameters_are_accepted_by_py_fsrs():
    from drill.scheduling import make_scheduler

    result = optimize.fit(simulate(cards=60, days=120, seed=3), None)
    assert make_scheduler(result.fitted).parameters == tuple(result.fitted)


# --- through the store and the command ----------------------------------------------------------


@pytest.fixture
def logged_home(home):
    """The simulated log, recorded through the store, plus reviews the optimizer must skip."""
    store = Store(home.db_path)
    rows = simulate(cards=120, days=160, seed=11)
    ids = {}
    wanted = [
        Card(0, "story", f"s{card}", "decision", position=card)
        for card in sorted({r["card_id"] for r in rows})
    ]
    store.sync_cards(wanted, iso(datetime(2026, 1, 1, tzinfo=TZ)))
    for card in store.cards():
        ids[int(card.ref[1:])] = card.id
    for r in rows:
        log_review(store, ids[r["card_id"]], r["at"], r["rating"])
    first = ids[1]
    last = rows[-1]["at"] + timedelta(days=1)
    for offset, kind in enumerate(("cram", "pre", "frozen")):
        log_review(
            store,
            first,
            last + timedelta(days=offset),
            1,
            mode="cram" if kind == "cram" else "daily",
            pre_interview=int(kind == "pre"),
            rescheduled=int(kind != "frozen"),
        )
    store.close()
    return home, len(rows)


def invoke(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_optimizer_reads_only_the_reviews_it_should(logged_home):
    home, logged = logged_home
    store = Store(home.db_path)
    assert store.review_count() == logged + 3
    assert len(store.optimizer_reviews()) == logged


def test_optimize_stores_better_parameters_and_later_reviews_use_them(logged_home):
    home, logged = logged_home
    dry = json.loads(invoke("optimize", "--dry-run", "--json"))
    assert dry["better"] and not dry["adopted"] and dry["reviews"] == logged
    assert Store(home.db_path).parameters() is None

    out = invoke("optimize")
    assert "current (default)" in out and "fitted" in out and "Adopted" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    store = Store(home.db_path)
    stored = store.parameters_row()
    fitted = json.loads(stored["parameters"])
    assert stored["source"] == "optimized"
    assert stored["log_loss"] == pytest.approx(dry["fitted"]["log_loss"])
    assert stored["rmse"] == pytest.approx(dry["fitted"]["rmse"])
    assert stored["reviews"] == dry["usable"]
    assert dry["fitted"]["log_loss"] < dry["current"]["log_loss"]

    from drill.home import clock_from_env
    from drill.library import Library
    from drill.session import Session

    session = Session(store, Library(home, home.config()), clock_from_env)
    assert session.scheduler.parameters == tuple(fitted)

    again = json.loads(invoke("optimize", "--json"))  # same log: nothing better to adopt
    assert again["current"]["source"] == "optimized" and not again["adopted"]
    assert len(store._all("select id from params")) == 1


def test_optimize_with_too_little_history_says_so_and_stores_nothing(bank_home):
    out = invoke("optimize")
    assert "too little history" in out and "8 more" in out
    assert Store(bank_home.db_path).parameters() is None


# --- one notion of elapsed time -------------------------------------------------------------


def test_items_count_whole_24_hour_periods_as_the_scheduler_does():
    rows = [
        row(1, "2026-11-01", 4, "new", hour=22),
        row(1, "2026-11-02", 3, hour=6),  # next study day, but 8 hours later: delta 0
        row(1, "2026-11-04", 3, hour=7),  # 49 hours after: delta 2
    ]
    assert optimize.build_items(rows) == [[(4, 0), (3, 0), (3, 2)]]


def test_a_replay_and_the_optimizer_agree_on_the_same_history():
    """py-fsrs replaying a card's log and fsrs-rs reading the optimizer's item for it give the
    same memory, on reviews at all hours (evening, next morning, a week later)."""
    import random

    from fsrs_rs_python import FSRS

    from drill.scheduling import Memory, make_scheduler, review

    rng = random.Random(4)
    scheduler = make_scheduler(TRUE_PARAMETERS, fuzz=False)
    rows, replayed = [], {}
    for card in range(1, 120):
        at = datetime(2026, 1, 1, 20, tzinfo=TZ) + timedelta(hours=rng.randrange(30))
        memory, before = Memory(), "new"
        for _ in range(rng.randrange(2, 9)):
            rating = rng.choice([1, 2, 3, 3, 3, 4])
            rows.append(
                {
                    "card_id": card,
                    "at": iso(at),
                    "day": study_day(at),
                    "rating": rating,
                    "before_state": before,
                }
            )
            memory, before = review(memory, rating, at, scheduler), "review"
            at += timedelta(hours=rng.choice([1, 8, 10, 20, 26, 50, 170]))
        # a last review days later, so the card's last item holds its whole history
        at += timedelta(days=3)
        rows.append(
            {
                "card_id": card,
                "at": iso(at),
                "day": study_day(at),
                "rating": 3,
                "before_state": before,
            }
        )
        replayed[card] = review(memory, 3, at, scheduler)
    fsrs = FSRS(list(TRUE_PARAMETERS))
    for card, memory in replayed.items():
        items = optimize.build_items([r for r in rows if r["card_id"] == card])
        whole = items[-1]  # the last item holds the card's whole history
        assert len(whole) == sum(1 for r in rows if r["card_id"] == card)
        state = fsrs.memory_state(optimize._rs_items([whole])[0], None)
        assert state.stability == pytest.approx(memory.stability, rel=1e-4)
        assert state.difficulty == pytest.approx(memory.difficulty, rel=1e-4)


# --- memory states follow the parameters ------------------------------------------------------


def test_a_replay_rebuilds_every_card_from_its_log_exactly(bank_home, monkeypatch):
    """Days of drilling with fuzz, undos and a rescheduling cram: replaying each card's log
    through py-fsrs gives its stored stability and difficulty exactly, and without fuzz its
    state, step and (for cards still learning) due as well."""
    import random

    from drill.home import clock_from_env
    from drill.library import Library
    from drill.modes import CramSession
    from drill.session import Answer, Session

    rng = random.Random(8)
    store = Store(bank_home.db_path)
    moment = datetime(2026, 12, 1, 9, tzinfo=TZ)
    for day in range(12):
        monkeypatch.setenv("DRILL_NOW", (moment + timedelta(days=day, hours=day % 5)).isoformat())
        session = Session(store, Library(bank_home, bank_home.config()), clock_from_env)
        for _ in range(8):
            prompt = session.next_card()
            if prompt is None:
                break
            session.grade(prompt, Answer(), rng.choice([1, 2, 3, 3, 4]))
            if rng.random() < 0.15:
                session.undo()
    cram = CramSession(
        store,
        Library(bank_home, bank_home.config()),
        clock_from_env,
        max_cards=5,
        interview=clock_from_env().utc + timedelta(days=1),
    )
    for _ in range(5):
        cram.grade(cram.next_card(), Answer(), 3)
    replayed = optimize.replay(store.memory_log(), None)
    studied = [c for c in store.cards(active=None) if c.memory.reps]
    assert len(studied) > 20 and {c.id for c in studied} == set(replayed)
    for card in studied:
        assert replayed[card.id] == {
            "stability": card.memory.stability,
            "difficulty": card.memory.difficulty,
        }


def card_states(store) -> list[dict]:
    return store._all("select * from cards order by id")


def test_adopting_recomputes_memory_from_the_log_and_revert_puts_it_back(logged_home):
    home, _ = logged_home
    store = Store(home.db_path)
    before = card_states(store)
    out = json.loads(invoke("optimize", "--json"))
    assert out["adopted"] and out["recomputed_cards"] == 120
    fitted = store.parameters()
    replayed = optimize.replay(store.memory_log(), fitted)
    after = {c["id"]: c for c in card_states(store)}
    old = {c["id"]: c for c in before}
    changed = 0
    for card_id, fields in replayed.items():
        assert after[card_id]["stability"] == fields["stability"]
        assert after[card_id]["difficulty"] == fields["difficulty"]
        assert after[card_id]["due"] == old[card_id]["due"]  # kept without --reschedule
        changed += fields["stability"] != old[card_id]["stability"]
    assert changed > 100

    text = invoke("optimize", "--revert")
    assert "Back to the default parameters" in text and "120 cards" in text
    assert store.parameters() is None
    assert card_states(store) == before


def test_adopting_with_reschedule_moves_due_dates(logged_home):
    home, _ = logged_home
    store = Store(home.db_path)
    before = {c["id"]: c["due"] for c in card_states(store)}
    out = json.loads(invoke("optimize", "--reschedule", "--json"))
    assert out["adopted"] and out["rescheduled"]
    replayed = optimize.replay(store.memory_log(), store.parameters(), reschedule=True)
    after = {c["id"]: c["due"] for c in card_states(store)}
    assert all(after[i] == fields["due"] for i, fields in replayed.items())
    assert sum(after[i] != before[i] for i in replayed) > 100
    invoke("optimize", "--revert")
    assert {c["id"]: c["due"] for c in card_states(store)} == before


def test_revert_replays_cards_reviewed_since_the_adoption(logged_home):
    home, _ = logged_home
    invoke("optimize")
    store = Store(home.db_path)
    card = store.cards()[0]
    log_review(store, card.id, datetime(2026, 12, 1, 8, tzinfo=TZ), 3, interval_days=9)
    invoke("optimize", "--revert")
    replayed = optimize.replay(store.memory_log([card.id]), None)[card.id]
    now = store.card(card.id).memory
    assert (now.stability, now.difficulty) == (
        replayed["stability"],
        replayed["difficulty"],
    )


def test_revert_with_nothing_adopted_says_so(bank_home):
    result = CliRunner().invoke(cli, ["optimize", "--revert"])
    assert result.exit_code == 1 and result.exception is not None
    assert "no optimized parameters to revert" in result.output


def test_adopt_then_revert_gives_every_card_back_byte_for_byte(bank_home, monkeypatch):
    """On states py-fsrs really produced (full-precision floats), through the store."""
    from drill.home import clock_from_env
    from drill.library import Library
    from drill.session import Answer, Session

    store = Store(bank_home.db_path)
    moment = datetime(2026, 12, 1, 9, tzinfo=TZ)
    for day in range(6):
        monkeypatch.setenv("DRILL_NOW", (moment + timedelta(days=day * 2)).isoformat())
        session = Session(store, Library(bank_home, bank_home.config()), clock_from_env)
        while (prompt := session.next_card()) is not None and session.done < 12:
            session.grade(prompt, Answer(), 3 if session.done % 3 else 2)
    before = card_states(store)
    updates = optimize.replay(store.memory_log(), TRUE_PARAMETERS, reschedule=True)
    params_id = store.adopt_parameters(list(TRUE_PARAMETERS), "now", 0.3, 0.05, 10, updates)
    assert card_states(store) != before
    latest, previous = store.previous_parameters()
    assert latest["id"] == params_id and previous is None
    store.revert_parameters(params_id, optimize.replay(store.memory_log(), previous))
    assert card_states(store) == before
    assert store.parameters() is None
