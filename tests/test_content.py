"""The shipped decks, taxonomy and example bank, loaded through drill itself."""

import difflib
import re
from itertools import chain, combinations

import pytest

from drill.bank import SECTIONS, load_bank
from drill.coach import lint
from drill.decks import (
    LEVELS,
    PROBE_TRIGGERS,
    deck_paths,
    load_deck,
    load_probes,
    shipped_decks_dir,
)

SHIPPED = shipped_decks_dir()
DECKS = sorted(deck_paths([SHIPPED]))
NEAR_DUPLICATE = 0.85
RUBRIC_WORDS = 12
REQUIRED = {
    "technical-decision",
    "cross-functional-conflict",
    "failure",
    "mentoring",
    "influence-without-authority",
}


@pytest.fixture(scope="module")
def loaded(taxonomy):
    """Deck id -> (deck, problems): one deck's problems fail that deck's checks only."""
    return {name: load_deck(path, taxonomy) for name, path in deck_paths([SHIPPED]).items()}


@pytest.fixture(scope="module")
def decks(loaded):
    return {name: deck for name, (deck, _) in loaded.items() if deck is not None}


@pytest.mark.parametrize("name", DECKS)
def test_deck_parses_with_valid_category_and_principle_ids(loaded, name):
    """load_deck reports each unknown category or principle id (and drops it) as a problem."""
    deck, problems = loaded[name]
    assert [p.message for p in problems] == [] and deck is not None


def test_taxonomy_categories_and_frameworks(taxonomy):
    assert set(taxonomy.required) == REQUIRED
    assert len(taxonomy.categories) >= 12
    assert all(len(c.description) > 80 for c in taxonomy.categories.values())
    amazon = taxonomy.frameworks["amazon"]
    assert len(amazon.principles) == 16 and amazon.deck == "amazon"
    assert len(taxonomy.frameworks) >= 2
    for framework in taxonomy.frameworks.values():
        for principle in framework.principles:
            assert principle.gloss and principle.categories
            assert set(principle.categories) <= set(taxonomy.categories)


def test_shipped_decks_are_core_traps_and_amazon():
    assert DECKS == ["amazon", "core", "traps"]


def test_counts_per_deck_are_printed(decks):
    """A summary for `pytest -s`: questions, wordings, follow-ups, red flags per deck."""
    for name, deck in sorted(decks.items()):
        qs = deck.questions
        print(
            f"{name}: {len(qs)} questions, {sum(len(q.wordings) for q in qs)} wordings, "
            f"{sum(len(q.followups) for q in qs)} follow-ups, "
            f"{sum(len(q.red_flags) for q in qs)} red flags, "
            f"{sum(len(q.rubric) for q in qs)} rubric levels"
        )
    assert sum(len(d.questions) for d in decks.values()) >= 150


@pytest.mark.parametrize("name", DECKS)
def test_every_question_is_complete(decks, name):
    """Two wordings or more, a look_for, a rubric at every level, red flags, 3-5 follow-ups."""
    short = []
    for q in decks[name].questions:
        assert q.look_for and q.categories, q.id
        assert len(q.variants) >= 1, f"{q.id}: needs at least two wordings"
        assert len(q.red_flags) >= 1, f"{q.id}: no red flag"
        assert 3 <= len(q.followups) <= 5, f"{q.id}: {len(q.followups)} follow-ups"
        assert tuple(q.rubric) == LEVELS, f"{q.id}: rubric levels {list(q.rubric)}"
        short += [f"{q.id}.{lv}" for lv, t in q.rubric.items() if len(t.split()) < RUBRIC_WORDS]
    assert short == [], f"rubric levels under {RUBRIC_WORDS} words: {short}"


def test_every_trap_explains_the_trap_and_the_levels(decks):
    """A trap says what the natural answer misses and how a mid answer differs from staff."""
    vague = [
        q.id
        for q in decks["traps"].questions
        if not (
            "trap" in q.look_for.lower()
            and re.search(r"\bmid\b", q.look_for, re.I)
            and "staff" in q.look_for.lower()
        )
    ]
    assert vague == []


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+", text.strip())
    return [re.sub(r"\W+", " ", p.lower()).strip() for p in parts if len(p.split()) >= 4]


def _texts(deck, kind: str) -> list[tuple[str, str]]:
    """(question id, normalised text) of a deck's follow-ups or rubric sentences."""
    if kind == "followup":
        return [
            (q.id, re.sub(r"\W+", " ", f.lower()).strip())
            for q in deck.questions
            for f in q.followups
        ]
    return [(q.id, s) for q in deck.questions for t in q.rubric.values() for s in _sentences(t)]


@pytest.mark.parametrize("kind", ["followup", "rubric"])
@pytest.mark.parametrize("name", DECKS)
def test_no_follow_up_or_rubric_sentence_is_repeated(decks, name, kind):
    """Within the deck and against every other shipped deck: each is written for its question."""
    mine = _texts(decks[name], kind)
    seen: dict[str, str] = {}
    repeated = []
    for qid, text in mine:
        if text in seen:
            repeated.append(f"{seen[text]} and {qid}: {text!r}")
        seen[text] = qid
    for other in DECKS:
        if other != name:
            repeated += [
                f"{seen[text]} and {qid}: {text!r}"
                for qid, text in _texts(decks[other], kind)
                if text in seen
            ]
    assert repeated == []


def test_probes_are_valid_and_not_repeated_in_decks(decks):
    probes, problems = load_probes(SHIPPED / "probes.toml")
    assert problems == []
    assert len(probes) >= 6
    assert {p.when for p in probes} >= set(PROBE_TRIGGERS) - {"any"}
    generic = {re.sub(r"\W+", " ", p.text.lower()).strip() for p in probes}
    in_decks = {text for deck in decks.values() for _, text in _texts(deck, "followup")}
    assert generic & in_decks == set()


def test_counts(decks, taxonomy):
    core = decks["core"].questions
    assert len(core) >= 80
    for category in REQUIRED:
        assert sum(category in q.categories for q in core) >= 8, category
    assert len({c for q in core for c in q.categories}) >= 12
    traps = decks["traps"].questions
    assert len(traps) >= 10 and all(q.trap for q in traps)
    amazon = decks["amazon"].questions
    for principle in taxonomy.frameworks["amazon"].principles:
        assert sum(principle.id in q.principles for q in amazon) >= 3, principle.id


def near_duplicates(pairs, threshold=NEAR_DUPLICATE):
    """The pairs ((id, wording), (id, wording)) whose SequenceMatcher ratio is >= threshold.

    real_quick_ratio() and quick_ratio() are upper bounds of ratio(): a pair under the
    threshold there is under it for ratio() too, so only close pairs pay for the full match.
    Pairs come grouped by their second wording, which the matcher indexes once per group.
    """
    found = []
    matcher = difflib.SequenceMatcher()
    for (qid_a, a), (qid_b, b) in pairs:
        matcher.set_seqs(a, b)  # set_seq2 is a no-op when b is the one already indexed
        if (
            matcher.real_quick_ratio() >= threshold
            and matcher.quick_ratio() >= threshold
            and matcher.ratio() >= threshold
        ):
            found.append(f"{qid_a} ~ {qid_b}: {a!r} / {b!r}")
    return found


def _wordings(deck):
    return [
        (q.id, re.sub(r"\W+", " ", w.lower()).strip()) for q in deck.questions for w in q.wordings
    ]


@pytest.mark.parametrize("name", DECKS)
def test_no_two_wordings_are_near_duplicates(decks, name):
    """Against its own deck and every other: two wordings this close ask one question twice."""
    mine = _wordings(decks[name])
    assert len({w for _, w in mine}) == len(mine), "a wording is repeated"
    others = [w for other in DECKS if other != name for w in _wordings(decks[other])]
    within = ((a, b) for j, b in enumerate(mine) for a in mine[:j])
    across = ((a, b) for b in others for a in mine)
    assert near_duplicates(chain(within, across)) == []


def test_near_duplicate_bounds_agree_with_the_full_ratio():
    """The quick bounds only skip work: the same pairs are found as with ratio() alone."""
    words = ["tell me about a time you failed", "tell me about a time you fail", "why us"]
    words += ["describe a time you disagreed with your manager", "a time you disagreed with a boss"]
    items = [(str(i), w) for i, w in enumerate(words)]
    pairs = list(combinations(items, 2))
    full = [
        f"{a[0]} ~ {b[0]}: {a[1]!r} / {b[1]!r}"
        for a, b in pairs
        if difflib.SequenceMatcher(None, a[1], b[1]).ratio() >= NEAR_DUPLICATE
    ]
    assert near_duplicates(pairs) == full and len(full) == 1


def test_example_bank(taxonomy):
    bank = load_bank([SHIPPED / "examples"], taxonomy.categories, taxonomy.principles)
    assert bank.problems == []
    stories = list(bank.stories.values())
    # eight at first; issue 12 adds more (a mid story, one told at two levels)
    assert len(stories) >= 8 and all(s.example for s in stories)
    assert all(set(s.sections) == set(SECTIONS) for s in stories)
    assert {c for s in stories for c in s.categories} >= REQUIRED
    amazon = {p.id for p in taxonomy.frameworks["amazon"].principles}
    assert len({p for s in stories for p in s.principles} & amazon) >= 10
    assert sum("failure" in s.categories for s in stories) >= 1
    for story in stories:  # each clean at the level it is written to prove; a problem handed
        # over is what a mid story shows, and assigned-problem reports it at every level
        found = lint(story, story.level or "senior", taxonomy)
        below = story.level in ("junior", "mid")
        assert [f for f in found if not (below and f.rule == "assigned-problem")] == [], story.id
