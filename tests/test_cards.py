"""The one shape of a card: its row, its sibling group, its recall; and what a grade writes."""

from datetime import UTC, datetime, timedelta

import pytest

from drill.cards import Card
from drill.home import iso
from drill.records import Review
from drill.scheduling import Memory, parameters_or_default, recall
from drill.store import StaleCard, Store

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_a_row_comes_back_as_it_went_in():
    row = {
        "id": 7,
        "kind": "story",
        "ref": "mentor",
        "facet": "people",
        "active": 1,
        "state": "review",
        "step": None,
        "stability": 3.5,
        "difficulty": 5.25,
        "due": iso(T0 + timedelta(days=3)),
        "last_review": iso(T0),
        "reps": 2,
        "lapses": 1,
        "buried_until": iso(T0 + timedelta(hours=20)),
        "position": 4,
    }
    card = Card.from_row({**row, "created": "2026"})  # the store's own columns are left out
    assert card.to_row() == row
    assert card.memory.due == T0 + timedelta(days=3) and card.label == "mentor#people"
    assert not card.awake(T0) and card.awake(T0 + timedelta(hours=20))


def test_siblings_are_a_storys_facets_and_a_questions_cards():
    facet = Card(1, "story", "core/x", "decision")
    other_facet = Card(2, "story", "core/x", "outcome")
    question = Card(3, "question", "core/x")
    pick = Card(4, "pick", "core/x")
    assert facet.group == other_facet.group != question.group == pick.group


def test_recall_is_the_curve_on_exact_elapsed_time_and_zero_when_never_reviewed():
    w = parameters_or_default(None)
    memory = Memory(state="review", stability=10.0, difficulty=5.0, last_review=T0, due=T0)
    card = Card(1, "question", "core/x", memory=memory)
    at = T0 + timedelta(days=2.5)
    assert card.recall_at(at, w) == pytest.approx(recall(10.0, 2.5, w), abs=1e-12)
    assert Card(2, "question", "core/y").recall_at(at, w) == 0.0


def test_a_review_is_written_as_given_and_a_changed_card_is_refused(bank_home):
    store = Store(bank_home.db_path)
    store.sync_cards([Card(0, "question", "core/x"), Card(0, "story", "s", "decision")], iso(T0))
    card = store.card_for("question", "core/x")
    after = Memory(state="learning", step=0, stability=2.0, difficulty=6.0, due=T0, reps=1)
    review = Review(T0, "2026-12-01", 3, "cram", 900, 400, "s", {"metric": "9"}, True, False)
    review_id = store.record_review(card.id, after, review, expect_before=card)
    row = store._one("select * from reviews where id = ?", [review_id])
    assert row["at"] == iso(T0) and row["mode"] == "cram" and row["answer"] == '{"metric": "9"}'
    assert (row["duration_ms"], row["latency_ms"], row["story"]) == (900, 400, "s")
    assert (row["pre_interview"], row["rescheduled"], row["rating"]) == (1, 0, 3)
    assert store.card(card.id).memory == after
    with pytest.raises(StaleCard):  # `card` is the state before that review
        store.record_review(card.id, None, review, expect_before=card)
    store.record_review(card.id, None, review, expect_before=store.card(card.id))
    assert store.card(card.id).memory == after  # no `after`: logged, schedule left alone
