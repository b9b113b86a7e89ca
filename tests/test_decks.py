"""The deck format's structured fields: rubric by level, red flags, and the shared probes."""

import pickle

from drill.decks import LEVELS, deck_paths, load_deck, load_probes

DECK = """\
[deck]
title = "Mine"

[[question]]
id = "first"
text = "Tell me about a time you changed your mind."
variants = ["When did you last back down from a position?"]
categories = ["learning"]
look_for = "Whether the candidate updates on evidence."
red_flags = ["Never actually changed anything.", "A story from a decade ago."]
followups = ["What changed your mind?", "Who noticed?", "What would you do now?"]

[question.rubric]
junior = "Changed their own approach after a review comment."
mid = "Changed a plan they owned."
senior = "Changed a position others had adopted."
staff = "Changed a direction several teams followed."
"""


def write(tmp_path, text, name="mine.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_rubric_and_red_flags_are_parsed(tmp_path):
    deck, problems = load_deck(write(tmp_path, DECK))
    assert problems == []
    q = deck.questions[0]
    assert list(q.rubric) == list(LEVELS)
    assert q.rubric["senior"] == "Changed a position others had adopted."
    assert q.rubric_for("staff").startswith("Changed a direction")
    assert q.red_flags == ("Never actually changed anything.", "A story from a decade ago.")
    assert q.followups[0] == "What changed your mind?"
    assert q.variants == ("When did you last back down from a position?",)


def test_rubric_and_red_flags_are_optional_for_user_decks(tmp_path):
    text = DECK.split("red_flags")[0]
    deck, problems = load_deck(write(tmp_path, text))
    assert problems == []
    q = deck.questions[0]
    assert q.rubric == {} and q.red_flags == () and q.rubric_for("mid") == ""
    assert q.rubric.get("mid") is None


def test_partial_rubric_keeps_the_levels_given(tmp_path):
    text = DECK.replace('junior = "Changed their own approach after a review comment."\n', "")
    deck, problems = load_deck(write(tmp_path, text))
    assert problems == []
    assert list(deck.questions[0].rubric) == ["mid", "senior", "staff"]


def test_unknown_rubric_level_is_named_with_its_line(tmp_path):
    path = write(tmp_path, DECK.replace("staff =", "principal ="))
    deck, problems = load_deck(path)
    assert len(problems) == 1
    assert "unknown rubric level 'principal'" in problems[0].message
    assert "first" in problems[0].message
    assert problems[0].line == 5  # the question's id line
    # the question itself survives with the levels that were valid
    assert deck.questions[0].id == "mine/first"
    assert "principal" not in deck.questions[0].rubric


def test_rubric_of_the_wrong_type_is_a_problem(tmp_path):
    text = DECK.split("[question.rubric]")[0] + 'rubric = "senior: great"\n'
    deck, problems = load_deck(write(tmp_path, text))
    assert [p.message for p in problems] == [
        "question 'first': rubric must be a table of levels (junior, mid, senior, staff)"
    ]
    assert deck.questions[0].rubric == {}
    text = DECK.replace('mid = "Changed a plan they owned."', "mid = 3")
    _, problems = load_deck(write(tmp_path, text))
    assert [p.message for p in problems] == ["question 'first': rubric.mid must be text"]


def test_red_flags_must_be_strings(tmp_path):
    text = DECK.replace(
        'red_flags = ["Never actually changed anything.", "A story', 'red_flags = [1, 2]\nx = ["'
    )
    deck, problems = load_deck(write(tmp_path, text))
    assert [p.message for p in problems] == ["question 'first': red_flags must be strings"]
    assert deck.questions[0].red_flags == ()


def test_questions_with_rubrics_survive_pickling_and_compare_by_fields(tmp_path):
    """The parse cache pickles decks; equality must not depend on the rubric dict."""
    deck, _ = load_deck(write(tmp_path, DECK))
    q = deck.questions[0]
    again = pickle.loads(pickle.dumps(q))
    assert again == q and again.rubric == q.rubric
    assert hash(again) == hash(q)


PROBES = """\
probes = [
  { id = "personal", text = "Which part of that was yours?", when = "we-heavy" },
  { id = "measured", text = "How did you measure it?", when = "no-number" },
  { id = "again", text = "What would you do differently?" },
]
"""


def test_probes_load_with_their_triggers(tmp_path):
    probes, problems = load_probes(write(tmp_path, PROBES, "probes.toml"))
    assert problems == []
    assert [(p.id, p.when) for p in probes] == [
        ("personal", "we-heavy"),
        ("measured", "no-number"),
        ("again", "any"),
    ]


def test_bad_probes_are_named_and_skipped(tmp_path):
    text = PROBES.replace('"no-number"', '"no-numbers"').replace('id = "again"', 'id = "personal"')
    probes, problems = load_probes(write(tmp_path, text, "probes.toml"))
    assert [p.id for p in probes] == ["personal"]
    messages = [p.message for p in problems]
    assert any("unknown trigger 'no-numbers'" in m and "measured" in m for m in messages)
    assert "duplicate probe id 'personal'" in messages
    assert problems[0].line == 3
    _, problems = load_probes(write(tmp_path, "probes = 3\n", "probes.toml"))
    assert [p.message for p in problems] == ["probes must be a list of tables"]
    _, problems = load_probes(write(tmp_path, "probes = [ {\n", "probes.toml"))
    assert problems and problems[0].message.startswith("invalid TOML")


def test_probes_file_is_not_a_deck(tmp_path):
    write(tmp_path, PROBES, "probes.toml")
    write(tmp_path, DECK)
    assert set(deck_paths([tmp_path])) == {"mine"}
