"""The mock loop: seating, follow-ups, the whole loop over pipe input, quitting, the debrief."""

from __future__ import annotations

import io
import json
import re
import time
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.plain_text import PlainTextOutput

from drill.cli import cli
from drill.cli.loop import prepare_loop
from drill.loop import (
    FOLLOWUP_NUMBER,
    FOLLOWUP_PERSONAL,
    Interviewer,
    MockLoop,
    choose_followups,
    debrief,
    debrief_markdown,
    evidence_in,
    level_read,
    render_debrief,
    seat_interviewers,
)
from drill.store import Store
from drill.ui.loop import run_loop
from drill.ui.terminal import Terminal

WEAK = "We changed how things worked and it got a lot better for everyone."
STRONG = (
    "I noticed the EU deals were stuck, and I decided to store event data in the EU instead "
    "of building a full second region, which I rejected because it cost three times as much. "
    "I convinced the head of sales and the legal team, who wanted a full region at first, "
    "with the deal list. Storage cost went from 90k to 30k a month. I learned to write the "
    "options down before the meeting, and I now do that for every cross-team call."
)
CHAIN = ("What did the other team say?", "What would you do differently?", "Who else knew?")


def question(qid: str, principles: tuple[str, ...], wordings=("Tell me.",), **more):
    return SimpleNamespace(
        id=qid, principles=principles, text=wordings[0], wordings=wordings, followups=CHAIN, **more
    )


# --- pure parts -------------------------------------------------------------------------------


def test_followups_aim_at_what_the_answer_lacked_then_follow_the_chain():
    weak = {"numbers": [], "we_count": 3, "i_count": 0, "sections_touched": []}
    chosen = choose_followups(weak, WEAK, CHAIN)
    assert [why for _, why in chosen] == ["number", "we", "chain"]
    assert chosen[0][0] == FOLLOWUP_NUMBER and chosen[1][0] == FOLLOWUP_PERSONAL
    assert chosen[2][0] == CHAIN[0]
    clean = {"numbers": ["90k"], "we_count": 0, "i_count": 5, "sections_touched": ["alternatives"]}
    assert choose_followups(clean, STRONG, CHAIN) == [(CHAIN[0], "chain"), (CHAIN[1], "chain")]
    no_outside = choose_followups(clean, "I decided it alone, from 5 to 2.", CHAIN)
    assert [why for _, why in no_outside] == ["outside", "chain", "chain"]
    # no chain at all: still two follow-ups, from what the answer lacked
    assert len(choose_followups(weak, WEAK, ())) == 2


def test_interviewers_own_unpractised_principles_and_ask_unseen_wordings():
    questions = [
        question("q1", ("ownership", "dive-deep"), ("Old wording.", "New wording.")),
        question("q2", ("frugality",)),
        question("q3", ("think-big",)),
    ]
    targets = ["ownership", "dive-deep", "frugality", "think-big"]
    seated = seat_interviewers(
        2,
        targets,
        questions,
        {"ownership": "a"},
        recent_targets=["frugality"],
        recent_wordings=["Old wording."],
    )
    assert [i.targets for i in seated] == [("ownership", "dive-deep"), ("think-big",)]
    assert seated[0].wording == "New wording."  # the wording seen last time is skipped
    assert seated[0].planned == (("ownership", "a"), ("dive-deep", None))
    assert seated[0].chain == CHAIN
    assert len({i.seat for i in seated}) == 2


def test_the_markdown_debrief_carries_the_questions_rubric_and_red_flags():
    asked = question(
        "q1",
        ("ownership",),
        red_flags=("Blames the other team.",),
        rubric={"mid": "Fixed it.", "senior": "Changed who owns it."},
    )
    seated = seat_interviewers(1, ["ownership"], [asked], {})
    assert seated[0].red_flags == ("Blames the other team.",)
    mock = MockLoop(seated, 180)
    mock.next_interviewer()
    mock.pick("a")
    mock.answer(WEAK, 200)
    transcript = mock.to_dict()
    md = debrief_markdown(debrief(transcript, "senior"), transcript)
    assert "At senior level this question looks for: Changed who owns it." in md
    assert "- Blames the other team." in md
    assert "over time (3:20 of 3:00)" in md and WEAK in md


def test_evidence_and_level_read_from_what_was_said():
    analysis = {
        "decision_phrases": ["decided", "instead of"],
        "sections_touched": ["alternatives"],
        "metrics": ["90k → 30k"],
        "we_count": 0,
        "i_count": 6,
        "numbers": ["90k", "30k"],
    }
    evidence = evidence_in(STRONG, analysis)
    assert evidence == dict.fromkeys(("decision", "influence", "measured", "learning"), True)
    assert level_read(evidence, STRONG, analysis) == "senior"
    weak = evidence_in(WEAK, {"we_count": 2, "i_count": 0})
    assert not any(weak.values()) and level_read(weak, WEAK, {}) == "junior"
    generic = evidence_in("I learned a lot about communication.", {})
    assert generic["learning"] is False


def test_a_story_told_twice_is_flagged_and_fixed_first():
    interviewers = [
        Interviewer(
            "Hiring manager", ("ownership",), "q1", "Tell me.", CHAIN, (("ownership", "a"),)
        ),
        Interviewer("Bar raiser", ("frugality",), "q2", "Tell me.", CHAIN, (("frugality", "b"),)),
    ]
    mock = MockLoop(interviewers, 180)
    for _ in interviewers:
        mock.next_interviewer()
        mock.pick("a")
        while mock.pending():
            mock.answer("I decided it.", 10)
        mock.close(3)
    assert mock.next_interviewer() is None and mock.finished
    report = debrief(mock.to_dict(), "senior")
    assert report["rows"][1]["told_before"] == [1]
    assert "story already told to interviewer 1" in report["rows"][1]["red_flags"]
    assert report["fix_first"][0].startswith("Interviewer 2 heard a again")
    assert "the plan gives it b" in report["fix_first"][0]
    # a principle the plan has no story for, and an answer with no story named
    gap = Interviewer("Peer", ("think-big",), "q3", "Tell me.", CHAIN, (("think-big", None),))
    lone = MockLoop([gap, interviewers[0]], 180)
    for _ in range(2):
        lone.next_interviewer()
        lone.answer("I decided it.", 10)
        lone.close(None)
    fixes = debrief(lone.to_dict(), "senior", {"think-big": "Think Big"})["fix_first"]
    assert fixes[0].startswith("No story in your plan answers Think Big")
    assert fixes[1] == "Interviewer 2 got no story named: pick one before speaking."
    text = render_debrief(report)
    assert max(len(line) for line in text.splitlines()) < 80


# --- a whole loop over pipe input -------------------------------------------------------------


def scaled_timer(factor: float):
    start = time.monotonic()
    return lambda: (time.monotonic() - start) * factor


def run(keys: str, interviewers: int = 2, timer=None):
    app, mock, session, save, names = prepare_loop("amazon", interviewers, 180, timer)
    buffer = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        run_loop(mock, session, names, save, Terminal(input=pipe, output=PlainTextOutput(buffer)))
    return app.store, mock, buffer.getvalue()


def test_a_whole_loop_asks_probes_grades_and_detects_a_reused_story(home):
    keys = (
        "eu-data-residency\r" + WEAK + "\x1b\r"  # interviewer 1: weak answer
        "It was 40% before and 10% after.\x1b\r"  # number
        "I wrote the migration plan.\x1b\r"  # we
        "They were relieved.\x1b\r"  # the question's own chain
        "3"
        "eu-data-residency\r" + STRONG + "\x1b\r"  # interviewer 2: the same story again
        "The legal lead signed off.\x1b\r"
        "I would write the memo sooner.\x1b\r"
        "\r"  # Enter takes the suggested grade
    )
    store, mock, screen = run(keys)
    assert mock.finished
    row = store.loop()
    assert row["finished"] == 1 and row["interviewers"] == 2
    transcript = json.loads(row["transcript"])
    first, second = transcript["rounds"]
    assert [t["why"] for t in first["turns"]] == ["question", "number", "we", "chain"]
    assert first["turns"][0]["text"] == WEAK
    assert first["turns"][1]["text"] == "It was 40% before and 10% after."
    assert [t["why"] for t in second["turns"]] == ["question", "chain", "chain"]
    assert second["told_before"] == [1]
    assert "Interviewer 1 already heard that story." in screen
    report = json.loads(row["debrief"])
    rows = {r["interviewer"]: r for r in report["rows"]}
    assert rows[2]["told_before"] == [1] and rows[1]["told_before"] == []
    assert rows[2]["evidence"]["measured"] and rows[2]["evidence"]["influence"]
    assert rows[1]["level"] in ("junior", "mid") and rows[1]["below_target"]
    assert report["fix_first"][0].startswith("Interviewer 2 heard eu-data-residency again")
    reviews = store._all(
        "select c.ref, r.rating, r.mode from reviews r join cards c on c.id = r.card_id"
    )
    assert [r["mode"] for r in reviews] == ["loop", "loop"]
    assert reviews[0]["rating"] == 3
    assert reviews[0]["ref"] == transcript["interviewers"][0]["question"]


def test_quitting_mid_loop_keeps_what_was_said(home):
    keys = "zero-result-search\r" + WEAK + "\x1b\r" + "I checked the logs.\x1b\r" + "\x04"
    store, mock, screen = run(keys)
    assert "everything said so far is kept" in screen
    row = store.loop()
    assert row["finished"] == 0
    transcript = json.loads(row["transcript"])
    turns = transcript["rounds"][0]["turns"]
    assert turns[0]["text"] == WEAK and turns[1]["text"] == "I checked the logs."
    assert not turns[2]["answered"]
    assert store.review_count() == 0  # the round was never graded
    report = json.loads(row["debrief"])
    assert report["finished"] is False and report["rows"][0]["story"] == "zero-result-search"
    md = CliRunner().invoke(cli, ["loop", "--last", "--format", "md"])
    assert md.exit_code == 0, md.output
    assert WEAK in md.output and "stopped early" in md.output and "| 1 |" in md.output
    as_json = CliRunner().invoke(cli, ["loop", "--last", "--json"])
    assert json.loads(as_json.output)["transcript"]["rounds"][0]["turns"][0]["text"] == WEAK
    history = CliRunner().invoke(cli, ["history"])
    assert "loop   1" in history.output and "0/2 interviewers (stopped)" in history.output


def test_the_next_loop_rotates_to_other_principles(home):
    store, first, _ = run("\x04")
    _, second, _ = run("\x04")
    asked = set(first.interviewers[0].targets)  # the only interviewer who asked anything
    assert len(first.rounds) == 1 and asked
    assert not asked & {t for i in second.interviewers for t in i.targets}


def test_loop_needs_a_terminal_and_last_needs_a_loop(home):
    result = CliRunner().invoke(cli, ["loop", "--company", "amazon"])
    assert result.exit_code == 2 and "needs an interactive terminal" in result.output
    last = CliRunner().invoke(cli, ["loop", "--last"])
    assert last.exit_code == 1 and "no mock loop yet" in last.output


@pytest.mark.parametrize("bad", [["--interviewers", "9"], ["--seconds", "5"]])
def test_loop_rejects_bad_options(home, bad):
    result = CliRunner().invoke(cli, ["loop", *bad])
    assert result.exit_code == 2 and "Invalid value" in result.output


# --- the real program in a pseudo-terminal ----------------------------------------------------


def _follow_up_prompt(output: str, n: int) -> bool:
    """The program asks its follow-up after the `n`-th reply: the follow-up printed, then its
    prompt's toolbar (keys typed before the prompt is drawn would reach no prompt)."""
    parts = output.split("Follow-up (")
    return len(parts) > n + 1 and re.search(r"follow-up · \d+:\d\d left", parts[n + 1]) is not None


def test_loop_on_an_80x24_screen(home):
    import os

    from tests.harness import Pty

    child = Pty(
        "loop", "--company", "amazon", "--interviewers", "1", "--seconds", "30", env={**os.environ}
    )
    try:
        screen = child.wait_for(r"Story>(.|\n)*loop · interviewer 1/1 · Ctrl-D quits")
        assert "Interviewer 1 of 1: Hiring manager" in screen
        rows = screen.split("\n")
        assert len(rows) == 24 and rows[-1].startswith(" loop · interviewer 1/1")  # the toolbar
        child.send("eu-data-residency\r")
        screen = child.wait_for(r"answer · 0:\d\d left")
        child.send(WEAK + "\x1b\r")
        screen = child.wait_for(r"Follow-up \(the answer had no number\):\n.*what after\?")
        assert FOLLOWUP_NUMBER in screen and "Mock loop: 1 interviewer," in screen
        for n, reply in enumerate(("From 40% to 10%.", "I wrote the plan.", "They agreed.")):
            child.until(lambda _, n=n: _follow_up_prompt(child.output, n), what="a follow-up")
            child.send(reply + "\x1b\r")
        screen = child.wait_for(r"Enter=\w+")
        child.send("3")
        screen = child.wait_for(r"Kept as loop 1")
        lines = screen.splitlines()
        header = next(line for line in lines if line.startswith(" # principle"))
        assert header.rstrip().endswith("time")  # the table's header fits on one row
        assert any(line.startswith(" 1 Customer Obsession  eu-data-residency") for line in lines)
        assert "Fix first:" in screen
        assert child.wait_exit() == 0
    finally:
        child.close()
    store = Store(home.db_path)
    assert store.loop()["finished"] == 1
    assert store._one("select mode, rating from reviews") == {"mode": "loop", "rating": 3}


def test_a_spoken_answer_is_probed_by_the_chain_and_not_read_as_a_level():
    interviewer = Interviewer("Bar raiser", ("ownership",), "q1", "Tell me.", CHAIN)
    mock = MockLoop([interviewer], 180, analyze=lambda *a: pytest.fail("nothing to analyse"))
    mock.next_interviewer()
    mock.pick("a")
    mock.answer("", 95)  # spoken aloud, clock stopped with Enter
    assert [t.why for t in mock.current.turns[1:]] == ["chain", "chain", "chain"]
    while mock.pending():
        mock.answer("", 20)
    mock.close(3)
    report = debrief(mock.to_dict(), "senior")
    row = report["rows"][0]
    assert row["level"] == "spoken" and not row["below_target"] and row["seconds"] == 95
    assert report["fix_first"] == [
        "Interviewer 1 was answered aloud: type an answer to have it read."
    ]


def test_leaving_in_the_middle_of_an_answer_keeps_the_words_typed(home):
    store, mock, _ = run("zero-result-search\rI traced the empty results to\x03")
    transcript = json.loads(store.loop()["transcript"])
    turn = transcript["rounds"][0]["turns"][0]
    assert turn["answered"] and turn["text"] == "I traced the empty results to"
