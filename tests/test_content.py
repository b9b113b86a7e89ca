"""The shipped decks, taxonomy and example bank, loaded through drill itself."""

import difflib
import re
from itertools import combinations

import pytest

from drill.bank import SECTIONS, load_bank
from drill.coach import lint
from drill.decks import deck_paths, load_deck, load_taxonomy, shipped_decks_dir

SHIPPED = shipped_decks_dir()
REQUIRED = {
    "technical-decision",
    "cross-functional-conflict",
    "failure",
    "mentoring",
    "influence-without-authority",
}


@pytest.fixture(scope="module")
def taxonomy():
    taxonomy, problems = load_taxonomy(SHIPPED / "taxonomy.toml")
    assert problems == []
    return taxonomy


@pytest.fixture(scope="module")
def decks(taxonomy):
    out = {}
    for name, path in deck_paths([SHIPPED]).items():
        deck, problems = load_deck(path, taxonomy)
        assert problems == [], problems
        out[name] = deck
    return out


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


def test_every_question_is_complete(decks):
    for deck in decks.values():
        for q in deck.questions:
            assert q.variants and q.look_for and len(q.followups) >= 2, q.id
            assert q.categories, q.id


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


def test_no_two_wordings_are_near_duplicates(decks):
    wordings = [
        re.sub(r"\W+", " ", w.lower()).strip()
        for deck in decks.values()
        for q in deck.questions
        for w in q.wordings
    ]
    assert len(wordings) == len(set(wordings))
    worst = max(difflib.SequenceMatcher(None, a, b).ratio() for a, b in combinations(wordings, 2))
    assert worst < 0.85


def test_example_bank(taxonomy):
    bank = load_bank([SHIPPED / "examples"], taxonomy.categories, taxonomy.principles)
    assert bank.problems == []
    stories = list(bank.stories.values())
    assert len(stories) == 8 and all(s.example for s in stories)
    assert all(set(s.sections) == set(SECTIONS) for s in stories)
    assert {c for s in stories for c in s.categories} >= REQUIRED
    amazon = {p.id for p in taxonomy.frameworks["amazon"].principles}
    assert len({p for s in stories for p in s.principles} & amazon) >= 10
    assert sum("failure" in s.categories for s in stories) >= 1
    for story in stories:
        assert lint(story, "senior", taxonomy) == [], story.id
