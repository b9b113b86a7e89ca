"""Map, rehearse and story new as a person sees them: a pty at 80×24 through a terminal
emulator (tests/harness.py)."""

import json
import os
import subprocess

import pytest

from tests.harness import DRILL, Pty


@pytest.fixture
def env(mini_home):
    return dict(os.environ)


def drill_json(env, *args):
    done = subprocess.run([DRILL, *args], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def mapped(env):
    for question, story in (("mini/big-call", "invoices"), ("mini/grow-someone", "mentor")):
        subprocess.run([DRILL, "mapping", "set", question, story], env=env, check=True)


def test_map_q_at_story_quits_and_says_why_nothing_was_done(env):
    mapped(env)
    screen = Pty("map", env=env)
    screen.wait_for(r"Story>")
    screen.send("q\r")
    shown = screen.wait_for(r"No picks this time")
    assert "you stopped before the first one" in shown
    assert screen.wait_exit() == 0
    assert all(c["reps"] == 0 for c in drill_json(env, "cards", "--kind", "pick", "--json"))


def test_map_offer_is_one_line_and_enter_starts_the_sprint(env):
    subprocess.run([DRILL, "mapping", "set", "mini/big-call", "invoices"], env=env, check=True)
    screen = Pty("map", env=env)
    shown = screen.wait_for(r"1 question has no story yet")
    assert "m map" in shown and "Enter start the sprint" in shown
    screen.send("\r")
    screen.wait_for(r"(?s)technical call.*Story>|design choice.*Story>")
    screen.send("?")
    screen.wait_for(r"(?s)Keys in the pick sprint.*Story>")  # help above, the prompt kept
    screen.send("invoices\r")
    shown = screen.wait_for(r"Sprint done")
    assert "Keys in the pick sprint" in shown  # the help is still on screen
    screen.wait_exit()


def test_rehearse_q_at_the_grade_line_keeps_an_ungraded_rehearsal(env):
    screen = Pty("rehearse", "mini/big-call", "--seconds", "60", env=env)
    screen.wait_for("Story>")
    screen.send("invoices\r")
    screen.wait_for(r" answer · .* left")  # the prompt is up, its countdown running
    screen.send("I moved invoices to a worker; 9 hours to 40 minutes.")
    screen.send("\x1b\r")
    screen.wait_for(r" follow-up · .* left")
    screen.send("\r")  # spoken: Enter on the empty prompt
    shown = screen.wait_for(r"Enter=")
    grade_line = next(line for line in shown.splitlines() if "Enter=" in line)
    assert "u s E" not in grade_line
    screen.send("q")
    shown = screen.wait_for(r"kept ungraded as rehearsal 1")
    assert screen.wait_exit() == 0
    [row] = drill_json(env, "history", "--json")
    assert row["rating"] is None and "9 hours to 40 minutes" in row["text"]


def test_rehearse_ctrl_c_while_typing_keeps_the_text(env):
    screen = Pty("rehearse", "mini/big-call", env=env)
    screen.wait_for("Story>")
    screen.send("\r")
    screen.wait_for(r" answer · .* left")  # the prompt is up, its countdown running
    screen.send("Half of what I meant to say")
    screen.sendcontrol("c")
    screen.wait_for(r"kept ungraded")
    screen.wait_exit()
    [row] = drill_json(env, "history", "--json")
    assert row["text"] == "Half of what I meant to say" and row["rating"] is None


def test_spoken_rehearsal_shows_the_story_and_the_grade_line_together(env):
    screen = Pty("rehearse", "mini/grow-someone", env=env)
    screen.wait_for("Story>")
    screen.send("mentor\r")
    screen.wait_for(r" answer · .* left")  # the prompt is up, its countdown running
    screen.send("\r")
    screen.wait_for(r" follow-up · .* left")
    screen.send("\r")
    shown = screen.wait_for(r"Enter=")
    assert "12 minutes" in shown  # the story's metric, on screen with the grade line
    screen.send("3")
    screen.wait_for("Kept as rehearsal 1")
    screen.wait_exit()


def test_story_new_q_at_a_section_keeps_a_draft(env, bank_home):
    screen = Pty("story", "new", env=env)
    screen.wait_for("Title>")
    screen.send("Paging rota\r")
    screen.wait_for("Id>")
    screen.send("\r")
    screen.wait_for("summary>")
    screen.send("\r")
    screen.wait_for("Categories>")
    screen.send("deli")
    screen.wait_for("delivery  Delivery")  # the completion menu
    screen.send("\t")
    screen.wait_for("Categories> delivery")
    screen.send("\r")
    screen.wait_for("Principles>")
    screen.send("\r")  # no principles
    screen.wait_for("Level this story proves")
    screen.send("\r")  # the default level
    screen.wait_for("Situation>")
    screen.send("q\r")
    shown = screen.wait_for("Stopped")
    assert "drafts" in shown.replace("\n", "")
    screen.wait_exit()
    assert (bank_home.root / "drafts" / "paging-rota.md").exists()
