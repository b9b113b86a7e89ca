"""kill -9 in the middle of an answer in `drill map`, `drill cram` and `drill rehearse`: every
grade given before the kill is kept, and `drill doctor` finds nothing wrong afterwards."""

import json
import os
import subprocess

import pytest

from tests.harness import DRILL, Pty
from tests.samples import MINI


@pytest.fixture
def env(bank_home):
    (bank_home.decks_dir / "mini.toml").write_text(MINI)
    bank_home.config_path.write_text('decks = ["mini"]\n')
    for question, story in (("mini/big-call", "invoices"), ("mini/grow-someone", "mentor")):
        subprocess.run(
            [DRILL, "mapping", "set", question, story],
            env=os.environ,
            check=True,
            text=True,
            capture_output=True,
        )
    return dict(os.environ)


def drill(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([DRILL, *args], env=env, capture_output=True, text=True)


def reviews(home) -> list[tuple[str, int]]:
    """(mode, rating) of every stored review, oldest first."""
    from drill.store import Store

    store = Store(home.db_path)
    try:
        return [(r["mode"], r["rating"]) for r in store._all("select * from reviews order by id")]
    finally:
        store.close()


def assert_clean(env) -> None:
    doctor = drill(env, "doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "problem:" not in doctor.stdout and "Traceback" not in doctor.stderr


def test_kill_9_mid_pick_keeps_the_picks_already_graded(env, bank_home):
    child = Pty("map", "--seconds", "30", "--cards", "2", env=env)
    child.wait_for(r"Story>")
    shown = child.text()
    story = "invoices" if "technical call" in shown else "mentor"
    child.send(story + "\r")
    child.wait_for(r"→ (Easy|Good|Hard)")
    child.wait_for(r"(?m)^Story> *$")  # the next pick, its prompt empty
    child.send("inv")  # the second pick half typed
    child.kill()
    assert [mode for mode, _ in reviews(bank_home)] == ["map"]
    status = json.loads(drill(env, "status", "--json").stdout)
    assert status["reviews_today"] == 1
    assert_clean(env)


def test_kill_9_mid_cram_answer_keeps_the_cards_already_graded(env, bank_home):
    child = Pty("cram", "--in", "2d", env=env)
    child.wait_for(r"Story>|Recall>")
    child.send("\r")  # no idea (or nothing recalled): the reveal and the grade line
    child.wait_for("Enter=")
    child.send("3")
    child.wait_for(r"Graded Good")
    child.wait_for(r"Story>|Recall>")
    child.send("half an answer")
    child.kill()
    assert reviews(bank_home) == [("cram", 3)]
    assert_clean(env)


def test_kill_9_mid_rehearsal_keeps_the_rehearsal_already_graded(env, bank_home):
    first = Pty("rehearse", "mini/big-call", env=env)
    first.wait_for("Story>")
    first.send("invoices\r")
    first.wait_for(r" answer · .* left")
    first.send("I moved invoices to a worker; 9 hours to 40 minutes.\x1b\r")
    first.wait_for(r" follow-up · .* left")
    first.send("\r")
    first.wait_for("Enter=")
    first.send("4")
    first.wait_for("Kept as rehearsal 1")
    first.wait_exit()

    second = Pty("rehearse", "mini/grow-someone", env=env)
    second.wait_for("Story>")
    second.send("mentor\r")
    second.wait_for(r" answer · .* left")
    second.send("I paired with her on three mock incidents")  # mid-answer
    second.kill()

    assert reviews(bank_home) == [("rehearse", 4)]
    history = json.loads(drill(env, "history", "--json").stdout)
    assert [(row["question"], row["rating"]) for row in history] == [("mini/big-call", 4)]
    assert_clean(env)
