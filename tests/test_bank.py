from pathlib import Path

from drill.bank import SECTIONS, load_bank, parse_story, read_story, render_story
from tests.samples import STRONG

CATS = ["technical-decision", "influence-without-authority", "mentoring", "failure"]
PRINCIPLES = ["ownership", "dive-deep"]


def parse(text: str):
    return parse_story(text, "s", "s.md", CATS, PRINCIPLES)


def test_full_story_parses_with_line_numbers():
    story, problems = parse(STRONG)
    assert problems == []
    assert story.title == "Moving invoices out of the monolith"
    assert story.categories == ("technical-decision", "influence-without-authority")
    assert story.principles == {"ownership": "deep", "dive-deep": "surface"}
    assert set(story.sections) == set(SECTIONS)
    metric = story.sections["metric"]
    lines = STRONG.splitlines()
    assert lines[metric.line - 1] == "## Metric"
    assert lines[metric.body_line - 1].startswith("Month-end run time")
    alt = story.sections["alternatives"]
    offset = alt.text.index("Rewriting")
    assert "Rewriting" in lines[alt.line_of(offset) - 1]


def test_aliases_and_case_insensitive_headings():
    text = (
        "# T\n\n## PROBLEM I IDENTIFIED\nx\n\n## People I influenced\ny\n\n"
        "## What I'd do differently\nz\n"
    )
    story, problems = parse(text)
    assert problems == []
    assert story.section_text("problem") == "x"
    assert story.section_text("people") == "y"
    assert story.section_text("learning") == "z"


def test_unclosed_front_matter_is_fatal_with_line():
    story, problems = parse("+++\nlevel = 'senior'\n# T\n")
    assert story is None
    assert problems[0].line == 1 and "never closed" in problems[0].message


def test_invalid_toml_reports_file_line():
    story, problems = parse('+++\nsummary = "ok"\nlevel = senior\n+++\n# T\n')
    assert story is None
    assert problems[0].line == 3
    assert str(problems[0]).startswith("s.md:3: error: invalid TOML")


def test_unknown_ids_duplicate_and_unknown_sections():
    text = (
        '+++\ncategories = ["failure", "bogus"]\nprinciples = { nope = "deep" }\n+++\n'
        "# T\n## Decision\na\n## Decision\nb\n## Trivia\nc\n"
    )
    story, problems = parse(text)
    assert story is not None and story.categories == ("failure",)
    messages = {(p.line, p.severity, p.message.split(" ")[0]) for p in problems}
    assert (2, "error", "unknown") in messages  # category bogus on line 2
    assert (3, "error", "unknown") in messages  # principle nope on line 3
    assert (8, "error", "duplicate") in messages
    assert (10, "warning", "unknown") in messages
    assert story.section_text("decision") == "a"


def test_empty_and_non_utf8_files(tmp_path: Path):
    empty = tmp_path / "empty.md"
    empty.write_text("  \n")
    binary = tmp_path / "bin.md"
    binary.write_bytes(b"# T\n\n## Problem\n\xff\xfe\n")
    assert read_story(empty)[0] is None
    story, problems = read_story(binary)
    assert story is None and problems[0].line == 4 and "UTF-8" in problems[0].message


def test_one_broken_file_never_stops_the_others(tmp_path: Path):
    (tmp_path / "good.md").write_text(STRONG)
    (tmp_path / "bad.md").write_text("+++\nlevel = \n+++\n")
    bank = load_bank([tmp_path], CATS, PRINCIPLES)
    assert set(bank.stories) == {"good"}
    assert bank.broken == {"bad"}
    assert [p.path.name for p in bank.problems] == ["bad.md"]


def test_examples_only_until_an_own_story_exists(tmp_path: Path):
    own, examples = tmp_path / "own", tmp_path / "ex"
    own.mkdir()
    examples.mkdir()
    (examples / "ex1.md").write_text("+++\nexample = true\n+++\n# E\n## Problem\np\n")
    bank = load_bank([own, examples])
    assert bank.only_examples and [s.id for s in bank.active()] == ["ex1"]
    (own / "mine.md").write_text("# Mine\n## Problem\np\n")
    bank = load_bank([own, examples])
    assert not bank.only_examples and [s.id for s in bank.active()] == ["mine"]


def test_render_story_round_trips():
    text = render_story(
        'A "quoted" title',
        {"problem": "I noticed X.", "alternatives": "- A because B\n- C because D"},
        ["failure"],
        {"ownership": "deep"},
        "staff",
        "sum",
    )
    story, problems = parse(text)
    assert problems == []
    assert story.title == 'A "quoted" title'
    assert story.level == "staff" and story.summary == "sum"
    assert story.section_text("alternatives") == "- A because B\n- C because D"
