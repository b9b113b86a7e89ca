"""The grade-suggestion rule and story resolution as pure functions: no terminal, no disk."""

import pytest

from drill import grading
from drill.bank import parse_story
from drill.grading import (
    AGAIN,
    DOUBT,
    FITS,
    GOOD,
    HARD,
    NO_PICK,
    RIGHT,
    UNVERIFIED,
    WRONG,
    headline_numbers,
    metric_check,
    resolve_story,
    suggest_grade,
    suggest_recall_grade,
    verdict,
)
from tests.samples import MENTOR, STRONG

REFUNDS = (
    "Duplicate invoices went from 37 a month to 0. Refund tickets fell from 120 to 15 a "
    "quarter, and finance saved 6 hours a week."
)


def test_verdict_is_right_only_against_a_mapping():
    assert verdict("a", {"a", "b"}) == RIGHT
    assert verdict("b", {"a", "b"}) == RIGHT  # any mapped story counts
    assert verdict("c", {"a"}) == WRONG
    assert verdict(None, {"a"}) == NO_PICK
    assert verdict(None, set()) == NO_PICK
    assert verdict("c", set()) == UNVERIFIED  # never "right" without a key
    assert verdict("c", set(), fits=True) == FITS
    assert verdict("c", set(), fits=False) == DOUBT


def test_headline_is_the_first_change_or_comparison():
    assert headline_numbers(REFUNDS) == ("37", "0")
    assert headline_numbers(
        "Month-end run time went from 9 hours to 40 minutes; checkout errors from 2.1% to 0.2%."
    ) == ("9 hours", "40 minutes")
    assert headline_numbers(
        "Time to mitigate was 12 minutes against a team median of 35 minutes."
    ) == ("12 minutes", "35 minutes")
    assert headline_numbers("We saved 6 hours a week.") == ("6 hours",)
    assert headline_numbers("<!-- 1 to 2 -->Nothing measured.") == ()


def test_headline_recalled_without_secondary_figures_is_good():
    check = metric_check(REFUNDS, "duplicates went from 37 a month to zero, 0 now")
    assert check.headline_hit and "120" in check.missed
    assert suggest_grade(RIGHT, check) == GOOD


def test_secondary_figures_without_the_headline_is_hard():
    check = metric_check(REFUNDS, "refund tickets 120 to 15, 6 hours a week")
    assert not check.headline_hit
    assert suggest_grade(RIGHT, check) == HARD


def test_an_empty_facet_gives_no_evidence():
    assert metric_check(REFUNDS, "") is None
    assert metric_check(REFUNDS, "   ") is None
    assert metric_check("No numbers here.", "12") is None
    assert suggest_grade(RIGHT, None) == GOOD  # the pick alone decides
    assert suggest_grade(WRONG, None) == AGAIN
    assert suggest_grade(NO_PICK, None) == AGAIN


@pytest.mark.parametrize(
    ("pick", "typed", "expected"),
    [
        (UNVERIFIED, "", HARD),  # not judged: never better than Hard
        (UNVERIFIED, "37 to 0", HARD),
        (FITS, "", GOOD),
        (FITS, "37 to 0", GOOD),
        (FITS, "120", HARD),
        (DOUBT, "37 to 0", AGAIN),
        (WRONG, "37 to 0", AGAIN),
    ],
)
def test_suggestion_on_an_unmapped_question_follows_the_users_judgment(pick, typed, expected):
    assert suggest_grade(pick, metric_check(REFUNDS, typed)) == expected


def test_story_card_with_empty_recall_has_no_suggestion():
    assert suggest_recall_grade("", None) is None
    assert suggest_recall_grade("  \n", None) is None
    assert suggest_recall_grade("I chose a queue", None) == GOOD
    assert suggest_recall_grade("from 37 to 0", metric_check(REFUNDS, "from 37 to 0")) == GOOD
    assert suggest_recall_grade("about 120", metric_check(REFUNDS, "about 120")) == HARD


def test_pick_grade_by_latency():
    assert grading.pick_grade(False, 1, 10) == AGAIN
    assert grading.pick_grade(True, 11, 10) == HARD
    assert grading.pick_grade(True, 2, 10) == grading.EASY
    assert grading.pick_grade(True, 5, 10) == GOOD


@pytest.fixture
def stories():
    return [
        parse_story(STRONG, "invoices", "invoices.md")[0],
        parse_story(MENTOR, "mentor", "m.md")[0],
    ]


def test_resolve_by_id_prefix_and_whole_words(stories):
    assert resolve_story("invoices", stories)[0].id == "invoices"
    assert resolve_story("INV", stories)[0].id == "invoices"
    assert resolve_story("monolith", stories)[0].id == "invoices"
    assert resolve_story("on-call", stories)[0].id == "mentor"
    assert resolve_story("first on-call", stories)[0].id == "mentor"


@pytest.mark.parametrize("typed", ["q", "o", "on", "ll", "oli", "nvoi", "zzz", "hire q"])
def test_a_letter_or_a_fragment_never_names_a_story(stories, typed):
    story, _ = resolve_story(typed, stories)
    assert story is None


def test_ambiguous_words_list_the_candidates(stories):
    story, options = resolve_story("senior", stories)  # nowhere: no match, no options
    assert story is None and options == []
    twin = parse_story(STRONG, "billing", "billing.md")[0]
    story, options = resolve_story("monolith", [*stories, twin])
    assert story is None and {s.id for s in options} == {"invoices", "billing"}
