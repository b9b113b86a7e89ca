"""The daily loop driven through prompt-toolkit with pipe input, checked against the store."""

import pytest
from prompt_toolkit.input import create_pipe_input

from drill.store import Store
from drill.ui.screen import ReviewScreen
from tests.drivers import SizedOutput
from tests.drivers import drive_daily as drive
from tests.samples import add_mini, add_stories


def test_three_cards_answered_then_quit(mini_home):
    keys = (
        "invoices\r"
        "y"
        "moved it to a worker\r"
        "replicas, rewrite\r"
        "9 hours to 40 minutes, 2.1% to 0.2%\r"
        "\r"  # q1: right story, numbers: Enter = Good
        "\r"
        "3"  # story card: think, then Good
        "\r"
        "\r"  # q2: no story, Enter = suggested Again
        "\x04"  # Ctrl-D at the next prompt
    )
    store, summary, screen = drive(mini_home, keys)
    reviews = store._all(
        "select c.kind, c.ref, r.rating, r.story from reviews r join cards c on c.id = r.card_id "
        "order by r.id"
    )
    assert [(r["kind"], r["rating"]) for r in reviews] == [
        ("question", 3),
        ("story", 3),
        ("question", 1),
    ]
    assert reviews[0]["story"] == "invoices"
    assert store.mappings() == {"mini/big-call": {"invoices"}}
    assert summary.reviewed == 3 and summary.again == 1
    # no story was mapped: the pick is the user's judgment, never reported "Right story"
    assert (
        "Right story" not in screen and "Unverified pick" in screen and "judged it fits" in screen
    )
    assert "✓ 9 hours" in screen
    assert "1 Again" in screen and "3 Good*" in screen
    assert "Reviewed 3, again 1" in screen


def test_missing_metric_numbers_suggest_hard(mini_home):
    store, _, screen = drive(mini_home, "invoices\ry\r\rabout an hour, 40 minutes\r\r\x04")
    assert store._scalar("select rating from reviews") == 2
    assert "✗ 9 hours" in screen


def test_an_empty_metric_is_no_evidence_the_pick_decides(mini_home):
    store, _, screen = drive(mini_home, "invoices\ry\r\r\r\r\x04")
    assert store._scalar("select rating from reviews") == 3
    assert "nothing typed, no evidence" in screen and "✗ 9 hours" not in screen


def test_story_card_with_empty_recall_has_no_suggestion(mini_home):
    # q1 answered, then the story card: Enter on an empty recall, Enter at the grade line
    # asks for a number instead of grading; 2 grades Hard
    store, _, screen = drive(mini_home, "\r1\r\r2\x04")
    assert "Enter=type 1-4" in screen and "grade it yourself" in screen
    assert [r["rating"] for r in store._all("select rating from reviews order by id")] == [1, 2]


def test_q_quits_at_every_text_prompt_and_is_never_an_answer(mini_home):
    for keys in ("q\r", "invoices\rn\rq\r", "\r1\rq\r"):
        store, summary, _ = drive(mini_home, keys)
        assert store._all("select story, answer from reviews where answer like '%\"q\"%'") == []
        assert store.mappings() == {}
    assert summary.reviewed == 1  # the last run graded one card, then quit at Recall>


def test_one_letter_never_names_a_story(mini_home):
    # "o" is in both summaries: no pick is made from it; it asks again
    store, _, screen = drive(mini_home, "o\r\r1\x04")
    assert "No story matches 'o'" in screen
    assert store._scalar("select story from reviews") is None


def test_help_at_a_text_prompt_stays_and_the_prompt_still_works(mini_home):
    store, _, screen = drive(mini_home, "?\rinvoices\rn\r\r\r\r1\x04")
    assert "Tab" in screen and "quit" in screen
    assert store._scalar("select story from reviews") == "invoices"


def test_first_drill_shows_the_orientation_once(short_home):
    mini_home = add_mini(add_stories(short_home))
    _, _, first = drive(mini_home, "\x04")
    _, _, second = drive(mini_home, "\x04")
    assert "Welcome" in first and str(mini_home.stories_dir) in first
    assert "Welcome" not in second


def test_override_keys_and_undo(mini_home):
    # q1 graded Easy with 'e', then at the story card's grade line 'u' undoes it
    keys = "invoices\rn\r\r\re\ru\x04"
    store, summary, screen = drive(mini_home, keys)
    assert store._scalar("select count(*) from reviews") == 0
    assert store._scalar("select count(*) from cards where reps > 0") == 0
    assert store.mappings() == {}
    assert "Undid the last grade" in screen


def test_skip_buries_the_card(mini_home):
    store, _, screen = drive(mini_home, "\rs\x04")
    assert store._scalar("select count(*) from cards where buried_until is not null") == 1
    assert store._scalar("select count(*) from reviews") == 0


def test_help_then_grade_with_letter(mini_home):
    store, _, screen = drive(mini_home, "\r?a\x04")
    assert "undo the last grade" in screen
    assert store._scalar("select rating from reviews") == 1


def test_ctrl_c_at_grade_line_quits_keeping_earlier_grades(mini_home):
    store, summary, _ = drive(mini_home, "\r2\r\x03")
    assert store._scalar("select count(*) from reviews") == 1
    assert summary.reviewed == 1


def test_ambiguous_or_unknown_story_asks_again(mini_home):
    store, _, screen = drive(mini_home, "zzz\rinvoices\rn\r\r\r3\x04")
    assert "No story matches 'zzz'" in screen
    assert store._scalar("select story from reviews") == "invoices"


def test_examples_only_notice(home):
    home.config_path.write_text('decks = ["core"]\n')
    _, _, screen = drive(home, "\x04")
    assert "example stories" in screen and "drill story new" in screen


def test_editor_reloads_story(mini_home, monkeypatch, tmp_path):
    script = tmp_path / "ed.py"
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[-1])\n"
        "p.write_text(p.read_text().replace('40 minutes', '35 minutes'))\n"
    )
    import sys

    monkeypatch.setenv("EDITOR", f'"{sys.executable}" "{script}"')
    keys = "invoices\rn\r\r40 minutes\rE\r\x04"
    store, _, screen = drive(mini_home, keys)
    text = (mini_home.stories_dir / "invoices.md").read_text()
    assert "35 minutes" in text
    assert store._scalar("select count(*) from reviews") == 1
    assert screen.count("35 minutes") >= 1


def test_card_graded_elsewhere_meanwhile_is_reported_and_the_drill_goes_on(mini_home, monkeypatch):
    from drill.store import StaleCard

    real = Store.record_review
    calls = []

    def first_is_stale(self, card_id, *args, **kwargs):
        calls.append(card_id)
        if len(calls) == 1:
            raise StaleCard(card_id)
        return real(self, card_id, *args, **kwargs)

    monkeypatch.setattr(Store, "record_review", first_is_stale)
    store, summary, screen = drive(mini_home, "\r3\r3\x04")
    assert "Another drill graded this card meanwhile" in screen
    assert store._scalar("select count(*) from reviews") == 1 and summary.reviewed == 1


def test_refused_undo_keeps_the_grade_and_the_loop(mini_home, monkeypatch):
    from drill.errors import DrillError

    def refuse(self, review_id=None):
        raise DrillError("cannot undo review 1: its card was reviewed again since")

    monkeypatch.setattr(Store, "undo_last", refuse)
    store, summary, screen = drive(mini_home, "\r3\ru3\x04")
    assert "cannot undo review 1" in screen
    assert store._scalar("select count(*) from reviews") == 2 and summary.reviewed == 2


def test_a_broken_only_story_is_named_by_file_and_line(home):
    from click.testing import CliRunner

    from drill.cli import cli

    home.config_path.write_text('decks = ["core"]\n')
    (home.stories_dir / "mine.md").write_text("+++\nlevel = \n+++\n# Mine\n")
    _, _, screen = drive(home, "\x04")
    import re

    where = re.escape(str(home.stories_dir / "mine.md")) + r":\d+: error"
    assert re.search(where, screen)
    assert "drill story new" not in screen
    result = CliRunner().invoke(cli, ["status"])
    assert result.exit_code == 0 and result.exception is None
    assert re.search("story error: " + where, result.output)


def test_edit_on_an_example_opens_a_copy_in_the_users_stories(home, monkeypatch, tmp_path):
    import sys

    home.config_path.write_text('decks = ["core"]\n')
    opened = tmp_path / "opened.txt"
    script = tmp_path / "ed.py"
    script.write_text(
        "import sys, pathlib\n"
        f"pathlib.Path({str(opened)!r}).write_text(sys.argv[-1])\n"
        "p = pathlib.Path(sys.argv[-1])\n"
        "p.write_text(p.read_text().replace('Ledgerline', 'Ledgerly'))\n"
    )
    monkeypatch.setenv("EDITOR", f'"{sys.executable}" "{script}"')
    from drill.decks import shipped_decks_dir

    shipped = shipped_decks_dir() / "examples" / "idempotent-invoicing.md"
    before = shipped.read_text()
    store, _, screen = drive(home, "idempotent-invoicing\r\r\r\rE3\x04")
    copy = home.stories_dir / "idempotent-invoicing.md"
    assert opened.read_text() == str(copy)
    assert shipped.read_text() == before and "Ledgerly" in copy.read_text()
    assert "example = true" not in copy.read_text()
    assert "Copied the example" in screen and "Right story" in screen
    assert store._scalar("select rating from reviews") == 3


def test_nothing_due_ends_at_once_with_the_summary(mini_home):
    first = drive(mini_home, "\r4" * 6 + "\x04")[1]  # every card of the day, Easy
    _, summary, screen = drive(mini_home, "")  # nothing left: no key needed to leave
    assert first.reviewed >= 4 and summary.reviewed == 0 and "Session done" in screen


def test_an_error_in_the_flow_reaches_the_caller_and_ctrl_c_twice_is_one_quit():
    from drill.errors import DrillError
    from drill.ui.screen import Ask

    def failing():
        yield Ask("x> ")
        raise DrillError("bad thing")

    with create_pipe_input() as pipe:
        pipe.send_text("a\r")
        with pytest.raises(DrillError, match="bad thing"):
            ReviewScreen(input=pipe, output=SizedOutput()).run(failing())
    with create_pipe_input() as pipe:
        pipe.send_text("\x03\x03")
        screen = ReviewScreen(input=pipe, output=SizedOutput())
        screen.run(failing())
    assert screen.quit


def test_the_summary_lines_fit_80_columns_without_breaking_a_word(mini_home):
    _, _, screen = drive(mini_home, "\x04")
    lines = [line for line in screen.splitlines() if "Session done" in line or "Next due" in line]
    assert len(lines) == 2, screen
    assert all(len(line) <= 80 for line in lines)
