"""The review screen as a person sees it: the installed `drill` in a pty, rendered by a
terminal emulator at 80×24 and 100×32, asserting on what is visible."""

import os

import pytest

from tests.drivers import pty_to_grade_line as to_grade_line
from tests.harness import Pty

SIZES = [(24, 80), (32, 100)]
QUESTION = "Tell me about a technical call you made"


@pytest.fixture
def env(mini_home):
    return dict(os.environ)


def reviews(home) -> list[dict]:
    from drill.store import Store

    return Store(home.db_path)._all("select rating, answer from reviews order by id")


@pytest.mark.parametrize(("rows", "columns"), SIZES)
def test_question_reveal_and_grade_line_are_on_screen_together(env, rows, columns):
    child = Pty(env=env, rows=rows, columns=columns)
    screen = to_grade_line(child)
    lines = screen.splitlines()
    assert len(lines) <= rows
    assert QUESTION in screen or "Describe a design choice you owned" in screen
    assert "Unverified pick" in screen and "you judged it fits" in screen
    assert "Decision" in screen and "a worker fed by a queue" in screen
    assert "I chose to move invoice generation" in screen  # the story's own section
    assert "Metric check: ✓ 9 hours  ✓ 40 minutes" in screen
    assert "Look for: A real decision with options." in screen
    assert "1 Again" in screen and "3 Good*" in screen and "q quit" in screen
    if (rows, columns) != (24, 80):  # resizing lays the screen out again, all still visible
        child.resize(24, 80)
        screen = child.wait_for(r"(?s)(Tell me about|Describe a design).*Metric check.*Enter=Good")
        assert "Unverified pick" in screen and "Look for:" in screen
    child.send("q")
    assert child.wait_exit() == 0


def test_help_stays_on_screen_until_dismissed(env, mini_home):
    child = Pty(env=env, rows=24, columns=80)
    to_grade_line(child)
    child.send("?")
    screen = child.wait_for("Esc or \\? closes the help")
    assert "undo the last grade" in screen and "Enter=Good" in screen  # the grade line stays
    child.send("\x1b")
    screen = child.wait_for("Metric check")
    assert "undo the last grade" not in screen
    child.send("3")
    child.wait_for("Recall>")
    child.send("?\r")  # at a text prompt: a lone ? + Enter
    screen = child.wait_for("Esc or \\? closes the help")
    assert "Recall>" in screen
    child.send("remembered\r")  # the prompt still works under the help
    child.wait_for("Enter=Good")
    child.send("q")
    child.wait_exit()
    assert [r["rating"] for r in reviews(mini_home)] == [3]


@pytest.mark.parametrize("where", ["Story>", "Recall>", "grade line"])
def test_q_quits_from_every_prompt(env, mini_home, where):
    child = Pty(env=env, rows=24, columns=80)
    if where == "Story>":  # the first drill in this home: the orientation is on screen
        screen = child.wait_for("Story>")
        assert "Welcome" in screen and "Tab" in screen
    else:
        to_grade_line(child)
    if where == "Recall>":
        child.send("3")
        child.wait_for("Recall>")
    if where == "grade line":
        child.send("q")
    else:
        child.wait_for(where)
        child.send("q\r")
    child.expect("Session done")
    assert child.wait_exit() == 0
    graded = reviews(mini_home)
    assert len(graded) == (1 if where == "Recall>" else 0)
    assert not any('"q"' in (r["answer"] or "") for r in graded)  # never saved as an answer


def test_first_run_orientation_then_a_fresh_home_drills_the_examples(short_home):
    home = short_home
    env = dict(os.environ)
    child = Pty(env=env, rows=24, columns=80)
    screen = child.wait_for("Story>")
    assert "Welcome" in screen and "Tab" in screen and str(home.stories_dir) in screen
    assert "example stories" in screen
    child.send("q\r")
    child.wait_exit()
    again = Pty(env=env, rows=24, columns=80)
    screen = again.wait_for("Story>")
    assert "Welcome" not in screen
    again.send("q\r")
    again.wait_exit()
