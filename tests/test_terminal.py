"""The shared prompts: q, Ctrl-C and Ctrl-D quit from every prompt; ? shows help in place."""

import io

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.plain_text import PlainTextOutput

from drill.ui.terminal import Quit, Terminal


def ask(keys: str, **kwargs):
    buffer = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        term = Terminal(input=pipe, output=PlainTextOutput(buffer))
        try:
            return term.ask("Story> ", **kwargs), buffer.getvalue()
        except Quit as exc:
            return exc, buffer.getvalue()


@pytest.mark.parametrize("keys", ["q\r", " q \r", "\x03", "\x04"])
def test_a_lone_q_or_ctrl_c_or_ctrl_d_quits_a_text_prompt(keys):
    result, _ = ask(keys)
    assert isinstance(result, Quit)


def test_q_inside_text_is_text():
    assert ask("quick win\r")[0] == "quick win"


def test_ctrl_c_while_typing_keeps_what_was_typed():
    result, _ = ask("half an answer\x03")
    assert isinstance(result, Quit) and result.text == "half an answer"


def test_a_lone_q_quits_a_multiline_prompt_too():
    result, _ = ask("q\r", multiline=True)
    assert isinstance(result, Quit)


def test_question_mark_on_an_empty_prompt_shows_help_and_keeps_asking():
    result, screen = ask("?invoices\r", help="Tab lists the stories.")
    assert result == "invoices"
    assert "Tab lists the stories." in screen


def test_key_prompt_q_quits():
    buffer = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("xq")
        term = Terminal(input=pipe, output=PlainTextOutput(buffer))
        with pytest.raises(Quit):
            term.key("grade> ", ["1", "2"])


def test_every_help_fits_80_columns():
    from drill.ui import modes, story_new

    for text in (modes.MAP_HELP, modes.MAPPING_HELP, modes.REHEARSE_HELP, story_new.HELP):
        assert max(len(line) for line in text.splitlines()) < 80, text


def test_question_mark_at_a_key_prompt_prints_the_help_and_keeps_waiting():
    buffer = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("?2")
        term = Terminal(input=pipe, output=PlainTextOutput(buffer))
        term.help = lambda: "Grades: 1-4."
        assert term.key("grade> ", ["1", "2"]) == "2"
    assert "Grades: 1-4." in buffer.getvalue()
