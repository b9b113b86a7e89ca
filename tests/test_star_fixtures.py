"""Story import against the STAR fixtures, whose expected placements and levels were written
before the importer existed (tests/fixtures/star/expected.toml)."""

import re
import tomllib
from pathlib import Path

import pytest

from drill.bank import SECTIONS, parse_story
from drill.coach import estimate_level
from drill.coach.star import parse_notes, render

HERE = Path(__file__).parent / "fixtures" / "star"
EXPECTED = tomllib.loads((HERE / "expected.toml").read_text(encoding="utf-8"))["story"]


def imported(name):
    return parse_notes((HERE / name).read_text(encoding="utf-8"))


def squash(text):
    return " ".join(text.split())


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: f"{c['file']}#{c['index']}")
def test_story_is_split_titled_placed_and_levelled(case):
    stories = imported(case["file"])
    story = stories[case["index"] - 1]
    assert case["title"].lower() in story.title.lower() or case["title"].lower() in (
        story.question.lower()
    )
    if case.get("question"):
        assert story.question
    placed = {name: squash(" ".join(s for s, _ in story.parts.get(name, []))) for name in SECTIONS}
    for section, snippets in case.get("sections", {}).items():
        for snippet in snippets:
            assert squash(snippet) in placed[section.lower()], (section, snippet)
    for section in case.get("empty", []):
        assert not story.parts.get(section.lower()), section
    parsed, _ = parse_story(render(story), "x", "x.md")
    assert estimate_level(parsed).level in case["levels"]


@pytest.mark.parametrize("name", sorted({c["file"] for c in EXPECTED}))
def test_each_file_gives_its_stories_and_every_sentence_once(name):
    stories = imported(name)
    assert len(stories) == sum(1 for c in EXPECTED if c["file"] == name)
    written = squash(" ".join(render(s) for s in stories))
    for case in (c for c in EXPECTED if c["file"] == name):
        for snippets in case.get("sections", {}).values():
            for snippet in snippets:
                assert len(re.findall(re.escape(squash(snippet)), written)) == 1, snippet
