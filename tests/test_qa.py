"""What a new user saw go wrong in a first week of use (tmux at 80×24): each test was written
against the screen text that was broken, and failed before its fix."""

import sys

import pytest
from click.testing import CliRunner

from drill.cli import cli
from tests.samples import STRONG


def run(*args, input=None):
    result = CliRunner().invoke(cli, list(args), input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result


@pytest.mark.parametrize("columns", [60, 80])
def test_story_list_fits_the_terminal_and_keeps_ids_aligned(home, monkeypatch, columns):
    """The examples' summaries ran to 260 characters on one line, and an id longer than the
    column pushed its row out of line."""
    monkeypatch.setenv("COLUMNS", str(columns))
    result = run("story", "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert all(len(line) <= columns for line in lines), max(lines, key=len)
    assert "pages fell from 41 to 9 a week" in " ".join(result.output.split())
    (home.stories_dir / "cutting-the-build-time-in-half.md").write_text(STRONG)
    (home.stories_dir / "invoices.md").write_text(STRONG)
    lines = run("story", "list").output.splitlines()
    rows = [line for line in lines if line.startswith(("cutting-", "invoices "))]
    assert len(rows) == 2 and rows[0].index("senior") == rows[1].index("senior")
    assert all(len(line) <= columns for line in lines)


def test_saved_story_names_the_lint_command_on_a_line_of_its_own(home, tmp_path, monkeypatch):
    """`Saved /tmp/.../stories/x.md. Check it with `dri` / `ll lint x`.`: the command a new
    user should copy was broken across two lines."""
    script = tmp_path / "ed.py"
    script.write_text(
        "import sys, pathlib\np = pathlib.Path(sys.argv[-1])\n"
        "p.write_text(p.read_text().replace('Title of the story', 'Mine'))\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    result = run("story", "new", "cutting-the-build-time-in-half", "--editor")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Check it with `drill lint cutting-the-build-time-in-half`." in lines


def test_doctor_says_no_problems_when_it_has_only_notes(home):
    """With a daily copy of the database, `drill doctor` printed only `note: daily copies...`
    and never said whether anything was wrong."""
    import shutil

    from drill.store import Store

    Store(home.db_path).close()
    (home.root / "backups").mkdir(mode=0o700)
    shutil.copy(home.db_path, home.root / "backups" / "drill.db.2026-11-30")
    result = run("doctor")
    assert result.exit_code == 0
    assert "No problems found" in result.output and "note: daily copies" in result.output


def test_map_says_the_picks_rest_when_their_questions_were_drilled_today(bank_home):
    """After the daily drill, `drill map` ended with `none is due; the next is due later`:
    the picks were new, not due later; they rest because their questions were drilled today."""
    import io

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.plain_text import PlainTextOutput

    from drill.home import clock_from_env
    from drill.library import Library
    from drill.modes import MapSession
    from drill.session import Answer, Session
    from drill.store import Store
    from drill.ui.modes import run_map
    from drill.ui.terminal import Terminal
    from tests.samples import MINI

    (bank_home.decks_dir / "mini.toml").write_text(MINI)
    bank_home.config_path.write_text('decks = ["mini"]\n')
    store = Store(bank_home.db_path)
    store.map_story("mini/big-call", "invoices", "x")
    store.map_story("mini/grow-someone", "mentor", "x")
    daily = Session(store, Library(bank_home, bank_home.config()), clock_from_env, fuzz=False)
    while (prompt := daily.next_card()) is not None:
        daily.grade(prompt, Answer(), 3)
    assert {card.ref for card in store.cards(["question"]) if not card.new} == {
        "mini/big-call",
        "mini/grow-someone",
    }
    sprint = MapSession(store, Library(bank_home, bank_home.config()), clock_from_env)
    buffer = io.StringIO()
    with create_pipe_input() as pipe:
        run_map(sprint, Terminal(input=pipe, output=PlainTextOutput(buffer)))
    screen = buffer.getvalue()
    assert "none is due; the next is due later" not in screen
    assert "2 mapped questions were drilled today" in screen and "tomorrow" in screen


def test_a_near_miss_at_story_suggests_the_story_and_two_letters_say_why_not():
    """`eu-data-residncy` got `No story matches` while the completion menu offered the right
    id; `ch` got `No story matches 'ch'` though two ids start with it."""
    from drill.bank import parse_story
    from drill.grading import resolve_story, unmatched

    stories = [
        parse_story(STRONG, sid, f"{sid}.md")[0]
        for sid in ("eu-data-residency", "checkout-latency-mid", "checkout-latency-senior")
    ]
    typo, options = resolve_story("eu-data-residncy", stories)
    assert typo is None
    assert "did you mean eu-data-residency?" in unmatched("eu-data-residncy", options, stories)
    short, options = resolve_story("ch", stories)
    assert short is None  # two letters never name a story
    message = unmatched("ch", options, stories)
    assert "checkout-latency-mid" in message and "checkout-latency-senior" in message
    assert "No story matches" not in message
    short, options = resolve_story("eu", stories)
    assert short is None
    assert unmatched("eu", options, stories) == (
        "'eu' is too short to name a story: did you mean eu-data-residency?"
    )
    assert unmatched("zzzz", resolve_story("zzzz", stories)[1], stories) == (
        "No story matches 'zzzz'"
    )


def test_a_typo_sent_with_its_enter_leaves_the_message_in_view(home):
    """Typed fast (or pasted) with its Enter, a name that matched nothing reopened the
    completion menu over every story, on the empty prompt, hiding the message that said
    which story was meant."""
    import os

    from tests.harness import Pty

    child = Pty(env=dict(os.environ), rows=24, columns=80)
    try:
        child.wait_for("Story>")
        for _ in range(3):
            child.send("eu-data-residncy\r")
            child.wait_for("did you mean eu-data-residency")
            shown = child.read_for(0.6)  # room for a menu to (wrongly) open over the message
            assert "did you mean eu-data-residency?" in shown, shown
            menu = [line for line in shown.splitlines() if line.startswith(" eu-data-residency ")]
            assert menu == [], shown
    finally:
        child.close()


def test_coverage_matrix_of_the_examples_fits_80_columns_unbroken(home, monkeypatch):
    """18 stories as columns made 84-column rows, each wrapped into a stray `  x` line."""
    import re

    monkeypatch.setenv("COLUMNS", "80")
    out = run("coverage").output
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert not [line for line in lines if re.fullmatch(r"\s+[x.](\s+[x.])*\s*", line)]
    header = next(line for line in lines if re.match(r"\s+1\s+2\s+3", line))
    numbers = [int(n) for n in header.split()]
    row = next(line for line in lines if line.startswith("Technical decision"))
    assert len(re.findall(r"(?<= )[x.](?= |$)", row)) == len(numbers)
    assert "18" in out  # every story is numbered somewhere


def test_coverage_never_cuts_two_story_ids_to_the_same_label(home, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    for sid in ("checkout-latency-mid", "checkout-latency-senior"):
        (home.stories_dir / f"{sid}.md").write_text(STRONG)
    out = run("coverage").output
    assert "checkout-latency-mid " in out and "checkout-latency-senior " in out


def test_one_rehearsal_in_full_wraps_to_the_terminal_and_names_its_grade(bank_home, monkeypatch):
    """`drill history 1` printed the follow-up question and the answer as single long lines."""
    from drill.records import Rehearsal
    from drill.store import Store

    monkeypatch.setenv("COLUMNS", "80")
    Store(bank_home.db_path).add_rehearsal(
        Rehearsal(
            at="2026-12-01T08:00:00+00:00",
            question="core/reversed-decision",
            story="invoices",
            text="I chose to hand it over to Priya instead of leading it myself. " * 3
            + "\nPages went from 41 to 9.",
            seconds=42.0,
            budget_seconds=180,
            followup="What was the first sign the original call was wrong, and how long did "
            "you take to act on it?",
            followup_text="It was the week four slip in the shadow run of the new alerts.",
            followup_seconds=3.0,
            rating=3,
        )
    )
    result = run("history", "1")
    lines = result.output.splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    assert "Pages went from 41 to 9." in lines  # the answer's own line breaks are kept
    assert "grade: 3 (Good)" in lines


def test_story_edit_on_an_example_copies_it_as_the_drill_does(home, tmp_path, monkeypatch):
    """`drill story edit eu-data-residency` said `copy it with drill story new`, which copies
    nothing; `E` in the drill copies the example into the user's stories and opens the copy."""
    from drill.decks import shipped_decks_dir

    shipped = shipped_decks_dir() / "examples" / "eu-data-residency.md"
    before = shipped.read_text()
    opened = tmp_path / "opened"
    script = tmp_path / "ed.py"
    script.write_text(
        f"import sys, pathlib\npathlib.Path({str(opened)!r}).write_text(sys.argv[-1])\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    result = run("story", "edit", "eu-data-residency")
    assert result.exit_code == 0, result.output
    copy = home.stories_dir / "eu-data-residency.md"
    assert opened.read_text() == str(copy) and shipped.read_text() == before
    assert "example = true" not in copy.read_text()
    assert "Copied the example" in result.output


def test_story_rm_of_an_unknown_id_lists_only_the_users_own_stories(bank_home):
    result = run("story", "rm", "nosuch", "--yes")
    assert result.exit_code == 1
    assert "invoices, mentor" in result.output
    assert "eu-data-residency" not in result.output  # examples are not in stories/
    result = run("story", "rm", "eu-data-residency", "--yes")
    assert "drill story new" not in result.output
    assert "`drill story edit eu-data-residency`" in result.output


def test_a_fresh_home_sprints_on_the_examples_answer_key(home):
    """`drill map` in a fresh home said `117 questions have no story yet` and then `No picks
    this time: no question is mapped`, though the examples ship their answer key and the
    daily drill grades picks against it."""
    from drill.home import clock_from_env
    from drill.library import Library, sync
    from drill.modes import MapSession
    from drill.store import Store

    store = Store(home.db_path)
    library = Library(home, home.config())
    assert library.bank.only_examples and library.answer_key
    sync(store, library, "2026-12-01T08:00:00+00:00")
    sprint = MapSession(store, library, clock_from_env, fuzz=False)
    assert len(sprint.unmapped()) < len(library.questions) - 10
    prompt = sprint.next_card()
    assert prompt is not None and prompt.kind == "pick" and prompt.mapped
    result = sprint.answer_pick(prompt, sorted(prompt.mapped)[0], 1.0)
    assert result.right


def test_after_a_typo_in_the_sprint_the_prompt_is_still_story(bank_home):
    """Regression from the first near-miss fix: the message took the prompt's place."""
    from drill.ui.modes import run_map
    from tests.drivers import drive_mode as drive
    from tests.drivers import map_session
    from tests.samples import MINI

    (bank_home.decks_dir / "mini.toml").write_text(MINI)
    bank_home.config_path.write_text('decks = ["mini"]\n')
    _, screen = drive(run_map, map_session(bank_home), "zzz-nothing\rinvoices\r\x04")
    assert screen.count("No story matches 'zzz-nothing'") == 1


def test_an_error_in_a_terminal_wraps_at_words(bank_home):
    """`drill: no question 'nosuch'; ids look like ... (`dril` / `l mapping show`)`: an error
    longer than the terminal broke its last command in two. Piped, it stays one line."""
    import os
    import subprocess

    from tests.harness import DRILL, Pty

    child = Pty("rehearse", "nosuch", env=dict(os.environ), rows=24, columns=80)
    child.wait_exit()
    shown = child.text()
    assert "`drill mapping show`" in shown, shown
    args = [DRILL, "mapping", "set", "mini/nosuch", "invoices"]
    piped = subprocess.run(args, capture_output=True, text=True)
    assert piped.returncode == 1 and "`drill mapping show`" in piped.stderr
    assert len(piped.stderr.splitlines()) == 1 and len(piped.stderr) > 80


def test_rehearse_says_why_it_suggests_again_and_shows_the_question(bank_home):
    """A typed rehearsal with the wrong story ended on `1 Again* ...` with no word of the
    answer key, and the question had scrolled away."""
    import re

    from drill.ui.modes import run_rehearse
    from tests.drivers import drive_mode as drive
    from tests.drivers import rehearse_session
    from tests.samples import MINI

    (bank_home.decks_dir / "mini.toml").write_text(MINI)
    bank_home.config_path.write_text('decks = ["mini"]\n')
    store, session = rehearse_session(bank_home)
    store.map_story("mini/big-call", "invoices", "x")
    prompt = session.prompt_for(store.card_for("question", "mini/big-call"))
    keys = "mentor\rI paired with her on mocks.\x1b\rNo idea.\x1b\r1"
    _, screen = drive(lambda s, t: run_rehearse(s, prompt, 180, t), session, keys)
    before_grade = screen[screen.rindex("No idea.") : screen.rindex("1 Again")]
    assert "answer key has invoices" in before_grade
    assert prompt.wording.split()[0] in before_grade  # the question, again, above the grade
    assert re.search(r"1 Again\* \S+ · 2 Hard \S+ · 3 Good \S+ · 4 Easy \S+", screen)


def test_line_mode_messages_wrap_at_words():
    """`... '-', '_' or '.', e.g. billin` / `g-split` at the Id> prompt of story new: plain
    messages in the line-mode prompts ran past the edge and broke a word."""
    import io

    from prompt_toolkit.output.plain_text import PlainTextOutput

    from drill.ui.terminal import Terminal

    buffer = io.StringIO()
    term = Terminal(output=PlainTextOutput(buffer))
    message = (
        "'test-storyBad id!': use lowercase letters, digits, '-', '_' or '.', e.g. billing-split"
    )
    term.say(message)
    term.say("label        a table row  stays   as it is")
    lines = buffer.getvalue().replace("\r", "").splitlines()
    assert all(len(line) < term.width() for line in lines), lines
    assert lines[-1] == "label        a table row  stays   as it is"
    assert any(line.endswith("billing-split") for line in lines)


def test_story_new_asks_again_for_a_level_it_does_not_know(home):
    """`principal` at the level prompt was dropped without a word (the story kept `senior`),
    and `Staff` was refused for its capital."""
    from drill.bank import read_story
    from tests.drivers import FULL, guided, new_draft

    keys = FULL.replace("\r  # level default", "")
    keys = FULL.replace(
        "ownership deep, bias-for-action\r\r", "ownership deep\r\x15principal\r\x15Staff\r"
    )
    path, screen = guided(new_draft(home), keys)
    assert "'principal' is not a level" in screen
    assert read_story(path)[0].level == "staff"


def test_grade_keys_line_drops_whole_keys_when_narrow(bank_home):
    """At 60 columns the keys under the grade line ended `r rubric  ? hel`: laid out for 200
    columns, then cut by the window."""
    import os

    from tests.drivers import pty_to_grade_line as to_grade_line
    from tests.harness import Pty
    from tests.samples import MINI

    (bank_home.decks_dir / "mini.toml").write_text(MINI)
    bank_home.config_path.write_text('decks = ["mini"]\n')
    child = Pty(env=dict(os.environ), rows=24, columns=60)
    try:
        shown = to_grade_line(child)
        line = next(line for line in shown.splitlines() if line.startswith("Enter="))
        assert len(line) <= 60
        last = line.split("  ")[-1]
        assert last in {"u undo", "s skip", "E edit", "f story", "r rubric", "? help", "q quit"}
    finally:
        child.close()


def test_u_with_nothing_to_undo_keeps_the_grade_line(bank_home):
    """`u` at the first grade line said `Nothing to undo` and threw the typed answer away,
    starting the card again at Story> (where the next key, `3`, was taken as a story name)."""
    from tests.drivers import drive_daily as drive
    from tests.samples import MINI

    (bank_home.decks_dir / "mini.toml").write_text(MINI)
    bank_home.config_path.write_text('decks = ["mini"]\n')
    store, summary, screen = drive(
        bank_home, "invoices\ry a worker\r\r9 hours to 40 minutes\ru3\x04"
    )
    assert "Nothing to undo in this session." in screen
    assert "No story matches '3'" not in screen
    assert [r["rating"] for r in store._all("select rating from reviews")] == [3]
    assert summary.reviewed == 1


def test_story_list_with_only_a_broken_story_does_not_invite_a_first_one(home):
    """With the user's one story broken, `story list` ended `Only the shipped examples so far:
    drill story new adds one of your own`, as if they had written none."""
    (home.stories_dir / "mine.md").write_text('+++\ntitle = "x\n+++\n# X\n')
    result = CliRunner().invoke(cli, ["story", "list"])
    assert "mine.md:1" in result.output
    assert "drill story new" not in result.output
    assert "examples stand in" in result.output


def test_cram_says_what_it_is_for_while_it_runs(bank_home):
    """The `Cram for ...` line was printed before the review screen took the terminal, so
    during a cram nothing on screen told it from the daily drill."""
    import os

    from tests.harness import Pty
    from tests.samples import MINI

    (bank_home.decks_dir / "mini.toml").write_text(MINI)
    bank_home.config_path.write_text('decks = ["mini"]\n')
    child = Pty("cram", "--in", "2d", env=dict(os.environ), rows=24, columns=80)
    try:
        shown = child.wait_for(r"Story>|Recall>")
        shown = child.settle()
        assert "Cram for" in shown, shown
    finally:
        child.close()


def test_status_text_says_how_many_cards_the_plan_gives_today(bank_home):
    """`due 3 · new 9` while the drill opened on `45 of today's cards are for amazon`: the
    text never said the plan had added to the day."""
    import json

    from tests.samples import MINI

    (bank_home.decks_dir / "mini.toml").write_text(MINI)
    bank_home.config_path.write_text('decks = ["mini"]\n')
    assert run("plan", "add", "mini", "2026-12-02 10:00").exit_code == 0
    ready = json.loads(run("status", "--json").output)["interview_readiness"]
    assert ready["today"] > 0
    text = run("status").output
    assert f"plan: {ready['today']} of today's cards are for mini" in text


def test_map_toolbar_before_the_sprint_shows_no_zero_count(bank_home):
    """The mapping offer sat over a toolbar reading ` 0/0 · ? help · q quits`."""
    from tests.drivers import map_session
    from tests.samples import MINI

    (bank_home.decks_dir / "mini.toml").write_text(MINI)
    bank_home.config_path.write_text('decks = ["mini"]\n')
    sprint = map_session(bank_home)
    assert "0/0" not in sprint.status() and "pick sprint" in sprint.status()
    sprint.next_card()
    assert "0/2" in sprint.status()


def test_a_usage_error_in_a_terminal_wraps_at_words(bank_home):
    """`Error: Invalid value for --company: no framework or deck named 'amazn' (known: a` /
    `mazon, senior-engineer)`: click's own errors broke words at the edge too."""
    import os

    from tests.harness import Pty

    child = Pty("cram", "--company", "amazn", "--in", "2d", env=dict(os.environ), columns=80)
    child.wait_exit()
    shown = " ".join(child.text().split())
    assert "no framework or deck named 'amazn'" in shown
    assert "amazon, senior-engineer" in shown, child.text()


def test_a_drill_with_nothing_left_says_so_before_the_summary(bank_home):
    """Opened again after the day's cards, the drill printed only `Session done. Reviewed 0`,
    as if a session had happened."""
    from tests.drivers import drive_daily as drive
    from tests.samples import MINI

    (bank_home.decks_dir / "mini.toml").write_text(MINI)
    bank_home.config_path.write_text('decks = ["mini"]\n')
    _, _, quit_at_once = drive(bank_home, "q\r")  # cards were there: the user left
    assert "Nothing left" not in quit_at_once
    drive(bank_home, "\r4" * 6 + "\x04")
    _, summary, screen = drive(bank_home, "")
    assert summary.reviewed == 0
    assert "Nothing left to drill now" in screen and "Next due" in screen


def test_mapping_unset_of_a_mapping_that_is_not_there_says_so(bank_home):
    """`Removed 0 mappings of core/x.` for a story id with a typo."""
    from tests.samples import MINI

    (bank_home.decks_dir / "mini.toml").write_text(MINI)
    bank_home.config_path.write_text('decks = ["mini"]\n')
    run("mapping", "set", "mini/big-call", "invoices")
    result = run("mapping", "unset", "mini/big-call", "invoice")
    assert "Removed 0" not in result.output
    assert "'invoice' is not mapped to mini/big-call" in result.output
    assert "Removed 1 mapping of mini/big-call." in run("mapping", "unset", "mini/big-call").output
    assert "mini/big-call has no mapping" in run("mapping", "unset", "mini/big-call").output


def test_the_examples_answer_key_is_part_of_the_card_sets_signature(home, monkeypatch):
    """Pick cards now follow the examples' answer key, so a change to it must re-sync."""
    from pathlib import Path

    from drill.library import ANSWERS_FILE, Library

    library = Library(home, home.config())
    before = library.signature()
    answers = library.examples_dir / ANSWERS_FILE
    original = Path.read_bytes

    def edited(path):
        data = original(path)
        return data + b"\n# edited\n" if path == answers else data

    monkeypatch.setattr(Path, "read_bytes", edited)
    assert Library(home, home.config()).signature() != before
