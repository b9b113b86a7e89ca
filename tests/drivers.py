"""Drivers shared by the flow tests: pipe input into the daily screen, the line-by-line modes
and guided story writing, and the installed `drill` in a pty up to a grade line."""

import io
import time

from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.plain_text import PlainTextOutput

from drill.home import clock_from_env
from drill.library import Library
from drill.modes import MapSession
from drill.session import Session
from drill.store import Store
from drill.story_draft import StoryDraft
from drill.ui.daily import run_daily
from drill.ui.screen import ReviewScreen
from drill.ui.story_new import guided_story
from drill.ui.terminal import Terminal
from tests.harness import Pty


class SizedOutput(DummyOutput):
    """An output that draws nowhere but has a terminal's size, so layouts are fitted."""

    def __init__(self, columns: int = 80, rows: int = 24):
        self.size = Size(rows=rows, columns=columns)

    def get_size(self) -> Size:
        return self.size


def drive_daily(home, keys: str, **kwargs):
    """Run the daily drill on the review screen with `keys` typed; returns the store, the
    summary and the transcript of everything the screen showed."""
    store = Store(home.db_path)
    session = Session(store, Library(home, home.config()), clock_from_env, fuzz=False, **kwargs)
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        screen = ReviewScreen(input=pipe, output=SizedOutput())
        summary = run_daily(session, screen=screen)
    return store, summary, "\n".join(screen.transcript)


def drive_mode(run, session, keys: str):
    buffer = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        result = run(session, Terminal(input=pipe, output=PlainTextOutput(buffer)))
    return result, buffer.getvalue()


def map_session(home, timer=time.monotonic, **kwargs):
    store = Store(home.db_path)
    store.map_story("mini/big-call", "invoices", "x")
    store.map_story("mini/grow-someone", "mentor", "x")
    return MapSession(
        store, Library(home, home.config()), clock_from_env, timer=timer, fuzz=False, **kwargs
    )


def rehearse_session(home, timer=time.monotonic):
    store = Store(home.db_path)
    return store, Session(
        store,
        Library(home, home.config()),
        clock_from_env,
        "rehearse",
        kinds=("question",),
        timer=timer,
        max_minutes=10**9,
        fuzz=False,
    )


FULL = (
    "Cutting deploy time\r"
    "\r"  # the suggested id
    "Deploys from 40 to 8 minutes\r"
    "technical-decision, delivery\r"
    "ownership deep, bias-for-action\r"
    "\r"  # level default
    "A 30-person startup.\r"
    "I noticed deploys blocked releases.\r"
    "I chose to cache layers.\r"
    "Bigger runners, because cost\r"
    "\r"
    "The SRE lead was against it at first.\r"
    "Releases went daily.\r"
    "Deploy time went from 40 to 8 minutes.\r"
    "I now measure before tuning.\r"
)


def new_draft(home):
    library = Library(home, home.config())
    return StoryDraft(home, library.taxonomy, home.config().level)


def guided(draft, keys: str, **kwargs):
    buffer = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        term = Terminal(input=pipe, output=PlainTextOutput(buffer))
        return guided_story(draft, term, **kwargs), buffer.getvalue()


def pty_to_grade_line(child: Pty) -> str:
    child.wait_for("Story>")
    child.send("invoices\r")
    child.wait_for(r"fit this question\? \[y/n\]")
    child.send("y")
    for label, text in (
        ("Decision>", "a worker fed by a queue"),
        ("Alternatives>", "replicas; a rewrite"),
        ("Metric>", "9 hours to 40 minutes"),
    ):
        child.wait_for(label)
        child.send(text + "\r")
    return child.wait_for("Enter=Good")
