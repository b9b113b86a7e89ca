"""`drill story import`: STAR notes in several shapes into stories, sentence by sentence."""

import re

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from drill.bank import SECTIONS, parse_story
from drill.cli import cli
from drill.coach import lint
from drill.coach.star import parse_notes, plan, render, star_part
from drill.coach.text import split

FIVE = """\
# My interview stories

## Tell me about a time you disagreed with a colleague

**Situation:** Our payments team ran a nightly reconciliation job. It took 6 hours.

**Task:** I noticed the job re-read every ledger row, and I wanted it under an hour.

**Action:**
- I rewrote the job to read only changed rows.
- I considered a streaming rewrite instead, but it would have taken a quarter.
- The data platform lead was against a new CDC feed at first; I showed her the cost numbers.

**Result:**
- The job went from 6 hours to 40 minutes.
- Finance got its reports before 9am.

**Learnings:** I now profile the I/O before touching the algorithm.

## Shipping the search revamp

S: Search was slow for our 2M users.
T: My manager asked me to fix it.
A: I added an index. We also tuned the cache.
R: Latency dropped 40%.

## Describe a time you failed
Situation — I pushed a config change on a Friday.
Result — Checkout was down for 25 minutes and we refunded 300 orders.
Reflection — I now stage config changes behind a flag.

### SITUATION :
A mobile release crashed on older Android phones.
### ACTION(S) :
I bisected the crash to a font library and pinned the old version.
### RÉSULTATS / RESULTS :
Crash-free sessions went from 97.1% to 99.6%.

# Onboarding overhaul

Context: New hires took three weeks to ship a first change.
Challenge: Nobody owned the onboarding docs.
Action: I wrote a one-day setup script rather than a longer wiki, since wikis rot.
Result: Time to first change fell from 15 days to 3.
"""

PROSE = """\
Tell me about a time you went beyond your role.

I was a backend engineer at a travel startup of 80 people, and our booking
emails were often late. I traced the delay to a shared queue that marketing
also used. I moved booking emails to their own queue instead of adding workers,
because more workers would only have raced marketing's batch sends. The
marketing ops manager worried at first about losing priority; I showed her the
queue graphs and she agreed. Booking emails now arrive within 30 seconds, down
from 12 minutes.
"""


def labels_and_headings(text: str) -> str:
    """The source with headings and STAR labels removed: what must survive as sentences."""
    out = []
    for line in text.splitlines():
        if re.match(r"^\s*#", line) or re.match(r"^\s*\*\*[^*]+\*\*:?\s*$", line):
            continue
        line = re.sub(r"^\s*(?:\*\*)?[A-Za-z()]{1,12}(?:\*\*)?\s*(?::|—)\s*(?:\*\*)?\s*", "", line)
        out.append(line)
    return "\n".join(out)


def body_sentences(markdown: str) -> list[str]:
    text = re.sub(r"<!--.*?-->", "", markdown, flags=re.S)
    text = "\n".join(line for line in text.splitlines() if not line.startswith(("#", "+++")))
    text = re.sub(r"(?m)^categories = \[\]$", "", text)
    return [s for _, s in split(text)]


@pytest.mark.parametrize("source", [FIVE, PROSE])
def test_every_source_sentence_appears_exactly_once(source):
    stories = parse_notes(source)
    written = [s for story in stories for s in body_sentences(render(story))]
    expected = [s for _, s in split(labels_and_headings(source))]
    expected = [s for s in expected if not re.search(r"(?i)tell me about a time", s)]
    assert sorted(written) == sorted(expected)


def test_five_stories_split_on_headings_and_questions():
    stories = parse_notes(FIVE)
    assert [s.title for s in stories] == [
        "Tell me about a time you disagreed with a colleague",
        "Shipping the search revamp",
        "Describe a time you failed",
        "A mobile release crashed on older Android phones.",  # untitled: its first sentence
        "Onboarding overhaul",
    ]
    assert stories[0].question.startswith("Tell me about a time you disagreed")
    assert stories[0].line == 3


def test_sentences_are_placed_by_section():
    first = parse_notes(FIVE)[0]
    placed = {name: [s for s, _ in first.parts.get(name, [])] for name in SECTIONS}
    assert placed["problem"] == [
        "I noticed the job re-read every ledger row, and I wanted it under an hour."
    ]
    assert placed["alternatives"] == [
        "I considered a streaming rewrite instead, but it would have taken a quarter."
    ]
    assert placed["people"][0].startswith("The data platform lead was against")
    assert placed["decision"] == ["I rewrote the job to read only changed rows."]
    assert placed["metric"] == ["The job went from 6 hours to 40 minutes."]
    assert placed["outcome"] == ["Finance got its reports before 9am."]


def test_empty_sections_hold_a_prompt_the_linter_ignores():
    story = parse_notes(FIVE)[1]
    text = render(story)
    parsed, problems = parse_story(text, "search", "search.md")
    assert problems == [] and parsed is not None
    assert "<!--" in parsed.section_text("people")
    empty = {f.section for f in lint(parsed) if f.rule == "missing-section"}
    assert empty == {"alternatives", "people", "outcome", "learning"}


@pytest.mark.parametrize(
    ("label", "part"),
    [
        ("S", "situation"),
        ("Situation", "situation"),
        ("**Task**", "problem"),
        ("Action(s)", "action"),
        ("ACTIONS", "action"),
        ("Result(s)", "result"),
        ("Results", "result"),
        ("Learnings", "learning"),
        ("Reflection", "learning"),
        ("Obstacle", "problem"),
        ("Challenge", "problem"),
        ("Context", "situation"),
        ("Alternatives", "alternatives"),
        ("People I influenced", "people"),
        ("Metric", "metric"),
    ],
)
def test_star_labels_and_drills_own(label, part):
    assert star_part(label) == part


def test_not_a_label():
    assert star_part("Note") is None and star_part("Q") is None


def test_plan_reports_duplicates_and_existing_files():
    twice = "# Same title\nS: One. Two.\n\n# Same title\nS: Three. Four.\n"
    planned, notes = plan([("a.md", twice), ("b.md", "just a line")], {"same-title"})
    assert [p.id for p in planned] == ["same-title", "same-title-2"]
    assert [p.action for p in planned] == ["skip", "write"]
    assert any("a.md:4" in n and "same-title-2" in n for n in notes)
    assert any("stories/same-title.md exists" in n for n in notes)
    forced, _ = plan([("a.md", twice)], {"same-title"}, force=True)
    assert forced[0].action == "overwrite"


def test_plain_text_file_with_no_structure_is_still_one_story():
    [story] = parse_notes(PROSE)
    assert story.question.startswith("Tell me about a time you went beyond")
    assert story.parts["situation"]


# ---------------------------------------------------------------------- the command


@pytest.fixture
def notes(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text(FIVE, encoding="utf-8")
    return path


def invoke(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=True)


def test_import_dry_run_writes_nothing(notes, home):
    result = invoke("story", "import", str(notes), "--dry-run")
    assert result.exit_code == 0 and result.exception is None, result.output
    assert "filled:" in result.output and "lint:" in result.output
    assert list(home.stories_dir.glob("*.md")) == []


def test_import_asks_then_writes_and_never_overwrites(notes, home):
    result = invoke("story", "import", str(notes), input="n\n")
    assert "Nothing written" in result.output and list(home.stories_dir.glob("*.md")) == []
    result = invoke("story", "import", str(notes), input="y\n")
    assert result.exit_code == 0, result.output
    written = sorted(p.stem for p in home.stories_dir.glob("*.md"))
    assert len(written) == 5 and "onboarding-overhaul" in written
    path = home.stories_dir / "onboarding-overhaul.md"
    path.write_text(path.read_text() + "\nmy edit\n")
    again = invoke("story", "import", str(notes), "--yes")
    assert "exists; not overwritten" in again.output
    assert path.read_text().endswith("my edit\n")
    invoke("story", "import", str(notes), "--yes", "--force")
    assert not path.read_text().endswith("my edit\n")


def test_import_unreadable_input_gets_one_line(tmp_path, home):
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"\xff\xfe\x00not utf8")
    result = invoke("story", "import", str(bad), str(tmp_path / "missing.md"), "--dry-run")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "bad.md: not UTF-8 text" in result.output
    assert "missing.md: cannot read" in result.output


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ST:AR#*- \nabc.?Tellmeabouttime!—")), max_size=300))
def test_fuzz_notes_never_raise_and_render_parses(text):
    for story in parse_notes(text):
        parsed, _ = parse_story(render(story), "x", "x.md")
        assert parsed is not None


def test_import_of_only_unreadable_files_exits_1_naming_each(home, tmp_path):
    from click.testing import CliRunner

    from drill.cli import cli

    bad = tmp_path / "notes.md"
    bad.write_bytes("Situation: caf\xe9".encode("latin-1"))
    result = CliRunner().invoke(
        cli, ["story", "import", str(tmp_path / "missing.md"), str(bad), "--yes"]
    )
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "missing.md: cannot read" in result.stderr
    assert "notes.md: not UTF-8" in result.stderr
    assert "nothing was imported" in result.stderr
