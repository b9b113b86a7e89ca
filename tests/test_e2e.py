"""The installed `drill` in a real pseudo-terminal: answer, quit, come back, kill -9."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from tests.test_ui_daily import MINI

DRILL = str(Path(sys.executable).parent / "drill")


@pytest.fixture
def env(bank_home):
    (bank_home.decks_dir / "mini.toml").write_text(MINI)
    bank_home.config_path.write_text('decks = ["mini"]\n')
    return {**os.environ, "TERM": "xterm", "COLUMNS": "100", "LINES": "40"}


def spawn(env, *args):
    child = pexpect.spawn(DRILL, list(args), env=env, encoding="utf-8", timeout=15,
                          dimensions=(40, 100))
    return child


def run_json(env, *args):
    out = subprocess.run([DRILL, *args], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def answer_question(child, story: str, grade: str):
    child.expect("Story>")
    child.send(story + "\r")
    if story:
        child.expect(r"Keep .* \[y/n\]")
        child.send("n")
        for label in ("Decision>", "Alternatives>", "Metric>"):
            child.expect(label)
            child.send("\r")
    child.expect("Enter=")
    child.send(grade)


def answer_story(child, grade: str):
    child.expect("Recall>")
    child.send("\r")
    child.expect("Enter=")
    child.send(grade)


def test_answer_three_quit_and_continue(env):
    child = spawn(env)
    answer_question(child, "invoices", "3")
    answer_story(child, "3")
    answer_question(child, "", "1")
    child.expect("Recall>")
    child.sendcontrol("d")
    child.expect("Reviewed 3, again 1")
    child.expect(pexpect.EOF)
    assert run_json(env, "status", "--json")["reviews_today"] == 3
    again = spawn(env)
    again.expect("Recall>")  # the remaining new story card, not a card already answered
    again.send("\r")
    again.expect("Enter=")
    again.send("q")
    again.expect(pexpect.EOF)
    assert run_json(env, "status", "--json")["reviews_today"] == 3


def test_kill_9_keeps_every_graded_review(env):
    child = spawn(env)
    answer_question(child, "invoices", "3")
    answer_story(child, "4")
    child.expect("Story>")
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    cards = run_json(env, "cards", "--json")
    assert sum(c["reps"] for c in cards) == 2
    assert run_json(env, "status", "--json")["reviews_today"] == 2


def test_not_a_terminal_exits_2_with_reason(env):
    result = subprocess.run([DRILL], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                            text=True)
    assert result.returncode == 2
    assert "needs an interactive terminal" in result.stderr
    assert "Traceback" not in result.stderr
