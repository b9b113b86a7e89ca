"""The installed `drill` in a real pseudo-terminal: answer, quit, come back, kill -9."""

import json
import os
import signal
import subprocess

import pexpect
import pytest

from tests.harness import DRILL, Pty


@pytest.fixture
def env(mini_home):
    return {**os.environ, "TERM": "xterm", "COLUMNS": "100", "LINES": "40"}


def spawn(env, *args) -> Pty:
    return Pty(*args, env=env, rows=40, columns=100)


def run_json(env, *args):
    out = subprocess.run([DRILL, *args], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def answer_question(child, story: str, grade: str):
    child.wait_for("Story>")
    child.send(story + "\r")
    if story:
        child.wait_for(r"fit this question\? \[y/n\]")
        child.send("n")
        for label in ("Decision>", "Alternatives>", "Metric>"):
            child.wait_for(label)
            child.send("\r")
    child.wait_for("Enter=")
    child.send(grade)


def answer_story(child, grade: str):
    child.wait_for("Recall>")
    child.send("\r")
    child.wait_for("Enter=")
    child.send(grade)


def test_answer_three_quit_and_continue(env):
    child = spawn(env)
    answer_question(child, "invoices", "3")
    answer_story(child, "3")
    answer_question(child, "", "1")
    child.wait_for("Recall>")
    child.sendcontrol("d")
    child.expect("Reviewed 3, again 1")
    child.expect(pexpect.EOF)
    assert run_json(env, "status", "--json")["reviews_today"] == 3
    again = spawn(env)
    again.wait_for("Recall>")  # the remaining new story card, not a card already answered
    again.send("\r")
    again.wait_for("Enter=")
    again.send("q")
    again.expect(pexpect.EOF)
    assert run_json(env, "status", "--json")["reviews_today"] == 3


def test_kill_9_keeps_every_graded_review(env):
    child = spawn(env)
    answer_question(child, "invoices", "3")
    answer_story(child, "4")
    child.wait_for("Story>")
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    cards = run_json(env, "cards", "--json")
    assert sum(c["reps"] for c in cards) == 2
    assert run_json(env, "status", "--json")["reviews_today"] == 2


def test_not_a_terminal_exits_2_with_reason(env):
    result = subprocess.run(
        [DRILL], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "needs an interactive terminal" in result.stderr
    assert "Traceback" not in result.stderr


def test_map_sprint_in_a_terminal(env):
    for question, story in (("mini/big-call", "invoices"), ("mini/grow-someone", "mentor")):
        subprocess.run(
            [DRILL, "mapping", "set", question, story], env=env, check=True, capture_output=True
        )
    child = spawn(env, "map", "--seconds", "8", "--cards", "2")
    child.expect(r"\d\.\ds left")  # the live countdown in the toolbar
    child.send("zzz-not-a-story\r")
    child.expect("No story matches")  # a typo asks again; Enter alone is "no idea"
    child.send("\r")
    child.expect(r"→ Again")
    child.expect("Story>")
    child.send("\r")
    child.expect("0/2 right")
    child.expect(pexpect.EOF)
    picks = run_json(env, "cards", "--kind", "pick", "--json")
    assert sorted(c["reps"] for c in picks) == [1, 1]


def test_cram_in_a_terminal_keeps_schedules_with_no_reschedule(env):
    child = spawn(env)
    answer_question(child, "invoices", "3")
    answer_story(child, "3")
    child.wait_for("Story>")
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    before = run_json(env, "cards", "--json")
    cram = spawn(env, "cram", "--in", "2d", "--no-reschedule")
    cram.expect("Cram for")
    answer_question(cram, "invoices", "4")
    cram.wait_for(r"Story>|Recall>")
    cram.sendcontrol("d")
    cram.expect("Readiness at interview time")
    cram.expect(pexpect.EOF)
    after = run_json(env, "cards", "--json")
    strip = [{k: v for k, v in c.items() if k != "retrievability"} for c in before]
    assert strip == [{k: v for k, v in c.items() if k != "retrievability"} for c in after]
