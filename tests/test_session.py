from datetime import timedelta

import pytest

from drill.cards import Card
from drill.home import clock_from_env, iso
from drill.library import Library, sync
from drill.session import Answer, Session
from drill.store import Store


def make_session(home, **kwargs):
    store = Store(home.db_path)
    library = Library(home, home.config())
    return Session(store, library, clock_from_env, fuzz=False, **kwargs)


def test_sync_is_idempotent_and_keyed_by_stable_ids(bank_home):
    session = make_session(bank_home)
    store = session.store
    first = {(c.kind, c.ref, c.facet): c.id for c in store.cards()}
    assert ("story", "invoices", "decision") in first
    assert (
        "question",
        "core/" + next(iter(session.library.decks["core"].questions)).local_id,
        "",
    ) in first
    assert not any(k[0] == "story" and k[1].startswith("ex") for k in first)  # examples dropped out
    assert sync(store, Library(bank_home, bank_home.config()), "2026", force=True)
    again = {(c.kind, c.ref, c.facet): c.id for c in store.cards()}
    assert again == first


def test_grade_commits_review_and_card_then_undo_restores_exactly(bank_home):
    session = make_session(bank_home)
    prompt = session.next_card()
    store = session.store
    row = "select * from cards where id = ?"
    before = store._one(row, [prompt.card.id])  # every column, as stored
    assert prompt.card == Card.from_row(before)
    session.grade(prompt, Answer(), 3)
    assert store._scalar("select count(*) from reviews") == 1
    after = store.card(prompt.card.id)
    assert (
        after.memory.reps == 1 and after.memory.state == "learning" and after.memory.stability > 0
    )
    session.undo()
    assert store._one(row, [prompt.card.id]) == before
    assert store._scalar("select count(*) from reviews") == 0


def test_siblings_are_buried_for_the_day(bank_home):
    session = make_session(bank_home, max_cards=50)
    seen_story_cards: dict[str, list[str]] = {}
    while (prompt := session.next_card()) is not None:
        if prompt.kind == "story":
            seen_story_cards.setdefault(prompt.story.id, []).append(prompt.facet)
        session.grade(prompt, Answer(), 4)
    # one facet per story today, even though each story has five facet cards
    assert all(len(set(facets)) == 1 for facets in seen_story_cards.values())
    assert session.done == 10  # new_per_day


def test_new_per_day_holds_across_sessions_and_day_boundary(bank_home, monkeypatch):
    first = make_session(bank_home, max_cards=4)
    while (p := first.next_card()) is not None:
        first.grade(p, Answer(), 4)
    assert first.done == 4
    second = make_session(bank_home, max_cards=50)
    while (p := second.next_card()) is not None:
        second.grade(p, Answer(), 4)
    assert second.done == 6
    # 03:59 local next day is still the same study day (day starts at 04:00)
    monkeypatch.setenv("DRILL_NOW", "2026-12-02T03:59:00+01:00")
    assert make_session(bank_home).next_card() is None
    monkeypatch.setenv("DRILL_NOW", "2026-12-02T04:01:00+01:00")
    assert make_session(bank_home).next_card() is not None


def test_skip_buries_until_next_study_day(bank_home, monkeypatch):
    session = make_session(bank_home)
    prompt = session.next_card()
    session.skip(prompt)
    assert session.next_card().card.id != prompt.card.id
    assert iso(session.store.card(prompt.card.id).buried_until) == iso(
        clock_from_env().next_day_start(4)
    )


def test_story_file_removed_goes_inactive_with_history_and_comes_back(bank_home):
    session = make_session(bank_home, max_cards=50)
    while (p := session.next_card()) is not None:
        session.grade(p, Answer(), 3)
    store = session.store
    text = (bank_home.stories_dir / "mentor.md").read_text()
    reviewed = store._scalar(
        "select count(*) from reviews r join cards c on c.id = r.card_id where c.ref = 'mentor'"
    )
    assert reviewed >= 1
    (bank_home.stories_dir / "mentor.md").unlink()
    sync(store, Library(bank_home, bank_home.config()), "x")
    assert store._scalar("select count(*) from cards where ref = 'mentor' and active = 1") == 0
    (bank_home.stories_dir / "mentor.md").write_text(text)
    sync(store, Library(bank_home, bank_home.config()), "x")
    assert store._scalar("select count(*) from cards where ref = 'mentor' and active = 1") == 5
    assert reviewed == store._scalar(
        "select count(*) from reviews r join cards c on c.id = r.card_id where c.ref = 'mentor'"
    )


def test_broken_story_keeps_its_cards_inactive_and_others_still_drill(bank_home):
    session = make_session(bank_home)
    (bank_home.stories_dir / "mentor.md").write_text("+++\nlevel = \n+++\n")
    library = Library(bank_home, bank_home.config())
    sync(session.store, library, "x")
    assert "mentor" in library.bank.broken
    assert session.store._scalar("select count(*) from cards where ref = 'mentor'") == 5
    assert (
        session.store._scalar("select count(*) from cards where ref = 'invoices' and active = 1")
        == 5
    )


def question_prompt(session):
    while (prompt := session.next_card()) is not None:
        if prompt.kind == "question":
            return prompt
        session.grade(prompt, Answer(), 3)
    raise AssertionError("no question card")


def test_suggested_grade_from_story_and_metric_numbers(bank_home):
    session = make_session(bank_home)
    prompt = question_prompt(session)
    session.keep_mapping(prompt.question, session.library.stories["invoices"])
    prompt.mapped = {"invoices"}
    wrong = session.reveal(prompt, Answer(story="mentor"))
    assert not wrong.right_story and wrong.suggested == 1
    hard = session.reveal(prompt, Answer(story="invoices", metric="about 40 minutes"))
    assert hard.right_story and hard.suggested == 2 and "9 hours" in " ".join(hard.missed)
    good = session.reveal(
        prompt, Answer(story="invoices", metric="9 hours to 40 minutes, 2.1% to 0.2%")
    )
    assert good.suggested == 3 and not good.missed
    assert set(good.intervals) == {1, 2, 3, 4}


def test_unmapped_pick_is_unverified_and_a_kept_fit_creates_pick_card(bank_home):
    session = make_session(bank_home)
    prompt = question_prompt(session)
    assert not prompt.mapped
    unverified = session.reveal(prompt, Answer(story="mentor"))
    assert not unverified.right_story and unverified.pick == "unverified"
    assert unverified.suggested == 2  # not judged: never better than Hard
    doubted = Answer(story="mentor")
    session.judge(prompt, doubted, False)
    assert session.reveal(prompt, doubted).suggested == 1 and session.store.mappings() == {}
    answer = Answer(story="mentor")
    session.judge(prompt, answer, True)  # the user says it fits: kept as its story
    fits = session.reveal(prompt, answer)
    assert fits.pick == "fits" and not fits.right_story and fits.suggested == 3
    sync(session.store, session.library, "x")
    picks = session.store.cards(["pick"])
    assert [c.ref for c in picks] == [prompt.question.id]


def test_candidates_ranked_by_tag_overlap(bank_home):
    session = make_session(bank_home, max_cards=100)
    library = session.library
    mentoring = next(q for q in library.questions.values() if "mentoring" in q.categories)
    card = session.store.card_for("question", mentoring.id)
    prompt = session.prompt_for(card)
    assert prompt.candidates[0].id == "mentor"


def test_rename_keeps_history(bank_home):
    session = make_session(bank_home, max_cards=50)
    while (p := session.next_card()) is not None:
        session.grade(p, Answer(story="invoices"), 3)
    store = session.store
    count = store._scalar(
        "select count(*) from reviews r join cards c on c.id = r.card_id where c.ref = 'invoices'"
    )
    store.rename_story("invoices", "billing")
    (bank_home.stories_dir / "invoices.md").rename(bank_home.stories_dir / "billing.md")
    sync(store, Library(bank_home, bank_home.config()), "x")
    assert store._scalar("select count(*) from cards where ref = 'invoices'") == 0
    assert count == store._scalar(
        "select count(*) from reviews r join cards c on c.id = r.card_id "
        "where c.ref = 'billing' and c.active = 1"
    )


def test_budget_in_cards_and_minutes(bank_home, monkeypatch):
    session = make_session(bank_home, max_cards=2)
    for _ in range(2):
        session.grade(session.next_card(), Answer(), 3)
    assert session.next_card() is None
    timed = make_session(bank_home, max_minutes=1)
    timed.started -= 61
    assert timed.next_card() is None


def test_due_cards_come_back_on_a_later_day(bank_home, monkeypatch):
    session = make_session(bank_home, max_cards=50)
    while (p := session.next_card()) is not None:
        session.grade(p, Answer(), 3)
    due = session.store._all("select due from cards where reps > 0")
    latest = max(d["due"] for d in due)
    later = clock_from_env().now + timedelta(days=30)
    assert iso(later) > latest
    monkeypatch.setenv("DRILL_NOW", later.isoformat())
    again = make_session(bank_home, max_cards=50)
    first = again.next_card()
    assert first is not None and first.card.memory.reps >= 1


@pytest.mark.parametrize("rating", [1, 2, 3, 4])
def test_grades_store_mode_duration_and_answer(bank_home, rating):
    session = make_session(bank_home)
    prompt = session.next_card()
    session.grade(prompt, Answer(recall="typed text"), rating)
    row = session.store._one("select * from reviews")
    assert row["rating"] == rating and row["mode"] == "daily" and row["duration_ms"] >= 0
    assert row["day"] == "2026-12-01" and "typed text" in row["answer"]


def test_new_story_cards_behind_buried_siblings_still_come(home):
    from tests.samples import MENTOR

    for index in range(20):
        (home.stories_dir / f"s{index:02d}.md").write_text(MENTOR)
    home.config_path.write_text("decks = []\nnew_per_day = 15\n")
    first = make_session(home, max_cards=100)
    while (p := first.next_card()) is not None:
        first.grade(p, Answer(), 4)
    assert first.done == 15
    home.config_path.write_text("decks = []\nnew_per_day = 17\n")
    second = make_session(home, max_cards=100)
    shown = []
    while (p := second.next_card()) is not None:
        shown.append(p.story.id)
        second.grade(p, Answer(), 4)
    assert len(shown) == 2 and not set(shown) & {f"s{i:02d}" for i in range(15)}


def test_examples_answer_key_grades_picks_while_examples_are_in_play(home):
    home.config_path.write_text('decks = ["core"]\n')
    session = make_session(home, max_cards=200)
    assert session.library.answer_key["core/defensible-options"] >= {"idempotent-invoicing"}
    card = session.store.card_for("question", "core/defensible-options")
    prompt = session.prompt_for(card)
    assert "idempotent-invoicing" in prompt.mapped
    right = session.reveal(prompt, Answer(story="idempotent-invoicing"))
    assert right.right_story and right.suggested == 3
    # the headline recalled, the secondary refund figures not: still Good
    headline = Answer(story="idempotent-invoicing", metric="duplicates went from 37 a month to 0")
    partial = session.reveal(prompt, headline)
    assert partial.suggested == 3 and partial.check.headline_hit and partial.missed
    other = next(iter(prompt.mapped - {"idempotent-invoicing"}), None)
    if other:  # any mapped story counts as right
        assert session.reveal(prompt, Answer(story=other)).right_story
    wrong = session.reveal(prompt, Answer(story="rates-api-sunset"))
    assert wrong.pick == "wrong" and wrong.suggested == 1
    assert wrong.reference.id in prompt.mapped


def test_answer_key_is_dropped_once_the_user_has_a_story(bank_home):
    bank_home.config_path.write_text('decks = ["core"]\n')
    session = make_session(bank_home)
    assert session.library.answer_key == {}


def test_refresh_gives_the_card_as_it_now_is(bank_home):
    session = make_session(bank_home)
    prompt = question_prompt(session)
    prompt.mapped = {"invoices"}
    path = bank_home.stories_dir / "invoices.md"
    path.write_text(path.read_text().replace("40 minutes", "35 minutes"))
    session.reload()
    fresh = session.refresh(prompt)
    assert fresh.card.id == prompt.card.id and fresh.shown_at == prompt.shown_at
    assert fresh.mapped == {"invoices"}
    assert "35 minutes" in session.library.stories["invoices"].section_text("metric")
    card = next(c for c in session.store.cards(["story"]) if c.ref == "invoices")
    story_prompt = session.prompt_for(card)
    assert session.refresh(story_prompt).story.id == "invoices"
    path.unlink()  # the story leaves the drill: its card is gone from the screen too
    session.reload()
    assert session.refresh(story_prompt) is None


def test_editing_an_example_copies_it_to_the_users_stories(home):
    session = make_session(home)
    example = next(iter(session.library.stories.values()))
    assert example.example
    shipped = example.path.read_text()
    path = session.editable_path(example)
    assert path == home.stories_dir / f"{example.id}.md" and path != example.path
    assert "example = true" not in path.read_text() and example.path.read_text() == shipped
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert session.editable_path(example) == path  # a second E opens the same copy
