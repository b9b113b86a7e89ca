"""The reveal fitted to the room it gets: pure text, no terminal."""

from types import SimpleNamespace

import pytest

from drill import grading
from drill.bank import parse_story
from drill.cards import Card
from drill.decks import Question
from drill.session import Answer, Prompt, Reveal
from drill.ui.reveal import fit_reveal, full_rubric, page, plain, wrap
from tests.samples import STRONG


def question(**extra):
    """A deck question; `extra` adds the rubric fields the decks are gaining (rubric,
    red_flags) whether or not this Question has them yet."""
    base = Question(
        id="core/big-call",
        deck="core",
        text="Tell me about a technical call you made.",
        categories=("technical-decision",),
        look_for="A real decision with options.",
        followups=("What else?",),
    )
    if not extra:
        return base
    fields = {name: getattr(base, name) for name in base.__dataclass_fields__}
    return SimpleNamespace(**{**fields, "rubric": {}, "red_flags": (), **extra})


@pytest.fixture
def story():
    return parse_story(STRONG, "invoices", "invoices.md")[0]


def reveal_for(story, typed_metric="9 hours to 40 minutes"):
    check = grading.metric_check(story.section_text("metric"), typed_metric)
    intervals = {1: "1m", 2: "6m", 3: "10m", 4: "8d"}
    return Reveal(
        grading.RIGHT, story, check, grading.suggest_grade(grading.RIGHT, check), intervals
    )


@pytest.mark.parametrize(("width", "height"), [(80, 13), (80, 6), (100, 20), (40, 8), (80, 3)])
def test_the_reveal_never_outgrows_its_room_and_keeps_the_verdict(story, width, height):
    q = question(
        rubric={"senior": "Framed the decision themselves; effects beyond the team."},
        red_flags=("No alternatives at all.", "Blames the team."),
    )
    prompt = Prompt(
        Card(1, "question", q.id), "question", question=q, wording=q.text, mapped={"invoices"}
    )
    answer = Answer(story="invoices", decision="a worker", metric="9 hours to 40 minutes")
    lines = fit_reveal(prompt, answer, reveal_for(story), "senior", width, height)
    text = plain(lines)
    assert len(lines) <= height
    assert all(len(plain([line])) <= width for line in lines)
    assert "Right story: invoices" in text.splitlines()[0]
    if height >= 6:
        assert "Metric check: ✓ 9 hours  ✓ 40 minutes" in text
        assert "Senior bar: Framed" in text
    if height >= 13:
        assert "Red flags: No alternatives at all." in text
        assert "you: a worker" in text and "I chose to move invoice generation" in text


def test_without_a_rubric_the_look_for_stands_in(story):
    q = question()
    prompt = Prompt(
        Card(1, "question", q.id), "question", question=q, wording=q.text, mapped={"invoices"}
    )
    text = plain(
        fit_reveal(prompt, Answer(story="invoices"), reveal_for(story, ""), "senior", 80, 20)
    )
    assert "Look for: A real decision with options." in text
    assert "Metric check: nothing typed, no evidence either way" in text


def test_full_rubric_marks_the_target_level_and_lists_red_flags():
    q = question(rubric={"mid": "Owned a task.", "senior": "Framed it."}, red_flags=("Vague.",))
    text = full_rubric(q, "senior")
    assert "Senior  ← your target: Framed it." in text and "Mid: Owned a task." in text
    assert "- Vague." in text and "Follow-ups:" in text


def test_wrap_cuts_with_one_ellipsis_and_page_clamps_its_offset():
    lines = wrap("word " * 60, 20, 2)
    assert len(lines) == 2 and lines[-1].endswith("…") and not lines[-1].endswith("……")
    shown, offset = page("\n".join(f"line {i}" for i in range(30)), 40, 10, 100)
    assert offset == 20 and plain(shown).splitlines()[-1] == "line 29"


def test_a_wrong_pick_names_every_story_of_the_answer_key_whole(story):
    """At 80 columns the verdict was cut to `…the answer key has checkout-l…`: the user never
    learnt which story was right."""
    q = question()
    mapped = {"checkout-latency-mid", "checkout-latency-senior"}
    prompt = Prompt({"id": 1}, "question", question=q, wording=q.text, mapped=mapped)
    reveal = Reveal(grading.WRONG, story, None, grading.AGAIN, {1: "1m", 2: "6m", 3: "1d", 4: "8d"})
    lines = fit_reveal(prompt, Answer(story="debrief-outlier"), reveal, "senior", 80, 16)
    text = plain(lines)
    assert all(len(plain([line])) <= 80 for line in lines)
    assert "checkout-latency-mid, checkout-latency-senior" in " ".join(text.split())
    assert "debrief-outlier" in text


def test_an_unverified_pick_says_what_the_user_judged(story):
    q = question()
    prompt = Prompt({"id": 1}, "question", question=q, wording=q.text, mapped=set())
    reveal = Reveal(grading.DOUBT, story, None, grading.AGAIN, {1: "1m", 2: "6m", 3: "1d", 4: "8d"})
    answer = Answer(story="alert-overhaul-handoff")
    text = plain(fit_reveal(prompt, answer, reveal, "senior", 80, 16))
    assert "you judged it does not fit" in " ".join(text.split())


def test_a_list_item_wraps_under_its_own_text():
    lines = wrap(
        "- Caching prices in checkout: prices change during promotions, and a stale "
        "price at payment is worse than a slow one.",
        40,
    )
    assert lines[0].startswith("- ") and all(line.startswith("  ") for line in lines[1:])
