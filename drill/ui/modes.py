"""The pick sprint, the cram and the rehearsal in the terminal."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from prompt_toolkit.formatted_text import HTML, FormattedText
from prompt_toolkit.key_binding import KeyBindings

from drill.charts import mmss
from drill.grading import rank_stories
from drill.modes import CramSession, MapSession, RehearsalSession
from drill.scheduling import RATINGS
from drill.ui.daily import run_daily
from drill.ui.reveal import verdict_line
from drill.ui.terminal import Quit, Terminal, pick_story

OFFER_LIMIT = 5


MAPPING_HELP = """\
Mapping, before the sprint (not graded):
  a story id (Tab lists them), then Enter: that story answers the question
  Enter on nothing   skip this question
  ?                  this help
  q + Enter, Ctrl-C, Ctrl-D   quit (mappings made so far are kept)"""

MAP_HELP = """\
Keys in the pick sprint:
  type a story id (Tab lists them, best match first), Enter to pick it
  Enter on nothing   no idea (graded Again)
  a name that matches no story asks again; it is never graded
  ?                  this help
  q + Enter, Ctrl-C, Ctrl-D   quit (every pick so far is saved)"""


def run_map(session: MapSession, terminal: Terminal | None = None) -> None:
    term = terminal or Terminal()
    term.refresh = 0.1
    term.toolbar = session.status
    term.help = lambda: MAP_HELP
    try:
        offer_unmapped(session, term)
        while (prompt := session.next_card()) is not None:
            term.say()
            term.say(HTML(f"<question>{escape(term.wrap(prompt.wording))}</question>"))
            session.start_pick(prompt)
            story = pick_story(term, prompt.candidates)
            latency = session.timer() - prompt.shown_at
            result = session.answer_pick(prompt, story.id if story else None, latency)
            mapped = ", ".join(sorted(prompt.mapped))
            if result.right:
                mark = f"<ok>✓</ok> {escape(story.id)}"
            else:
                mark = f"<miss>✗</miss> the story is {escape(mapped)}"
            term.say(HTML(f"{mark}  {latency:.1f}s → {RATINGS[result.rating]}"))
    except Quit:
        session.quit_early = True
    finally:
        session.showing = None
    render_map_summary(session, term)


def offer_unmapped(session: MapSession, term: Terminal) -> None:
    """Once per sprint: map a few unmapped questions first, or Enter to go straight on."""
    unmapped = session.unmapped()
    if not unmapped:
        return
    shown = unmapped[:OFFER_LIMIT]
    count = f"{len(unmapped)} question{'s have' if len(unmapped) != 1 else ' has'}"
    choice = term.key(
        HTML(
            f"<b>{count} no story yet.</b> <key>m</key> map {len(shown)} now · "
            "<key>Enter</key> start the sprint "
        ),
        ["m", "enter"],
    )
    if choice != "m":
        return
    previous, previous_help = term.toolbar, term.help
    term.toolbar = lambda: " mapping (not graded) · Enter skips a question · ? help · q quits"
    term.help = lambda: MAPPING_HELP
    stories = list(session.library.stories.values())
    for question in shown:
        term.say()
        term.say(HTML(f"<question>{escape(term.wrap(question.text))}</question>"))
        story = pick_story(term, rank_stories(question, stories), "Map to> ")
        if story is not None:
            session.keep_mapping(question, story)
            term.say(HTML(f"<dim>Mapped to {escape(story.id)}.</dim>"))
    term.toolbar, term.help = previous, previous_help
    session.reload()


def render_map_summary(session: MapSession, term: Terminal) -> None:
    if not session.results:
        term.say(term.wrap(session.empty_reason()))
        return
    right = sum(r.right for r in session.results)
    term.say()
    term.say(HTML(f"<b>Sprint done.</b> {right}/{len(session.results)} right."))
    term.say(f"{'category':30} {'picks':>5} {'right':>6} {'median':>7}")
    for category, picks, share, median in session.by_category():
        term.say(f"{category:30} {picks:>5} {share:>6.0%} {median:>6.1f}s")


def run_cram(session: CramSession, terminal: Terminal | None = None) -> None:
    term = terminal or Terminal()
    when = session.clock().local(session.interview).strftime("%a %d %b %H:%M")
    note = "" if session.reschedule else " Reviews are logged; schedules stay as they were."
    term.say(HTML(f"<b>Cram for {when}.</b> Weakest at interview time first.{escape(note)}"))
    from drill.ui.screen import ReviewScreen

    screen = ReviewScreen(input=term.input, output=term.output)
    loop = f"the {session.deck} loop on " if session.deck else ""
    screen.say(f"Cram for {loop}{when}: weakest at interview time first.{note}")  # in view
    run_daily(session, term, screen)
    term.say(render_readiness(session))


def render_readiness(session: CramSession) -> str:
    rows = session.readiness()
    if not rows:
        return "No stories are relevant to this loop yet: map some with `drill map`."
    lines = ["", f"Readiness at interview time  {'before':>7} {'after':>7}"]
    for row in rows:
        lines.append(f"  {row.story:26} {row.before:>7.0%} {row.after:>7.0%}")
    return "\n".join(lines)


def narrate_bindings() -> KeyBindings:
    """Enter on an empty buffer stops the clock (spoken answers); Esc-Enter finishes typing."""
    bindings = KeyBindings()

    from prompt_toolkit.application.current import get_app
    from prompt_toolkit.filters import Condition

    @Condition
    def empty() -> bool:
        return not get_app().current_buffer.text.strip()

    @bindings.add("enter", filter=empty)
    def _(event) -> None:
        event.current_buffer.validate_and_handle()

    return bindings


REHEARSE_HELP = """\
Keys in a rehearsal:
  Story>     a story id (Tab lists them); Enter alone answers without one
  answer     type it, then Esc and Enter; or speak aloud, then Enter on the
             empty prompt stops the clock
  grade      1-4 or a h g e; Enter takes the suggestion
  ?          this help
  q + Enter, Ctrl-C, Ctrl-D   stop; an answer already started is kept, ungraded"""

GRADE_KEYS = {"1": 1, "2": 2, "3": 3, "4": 4, "a": 1, "h": 2, "g": 3, "e": 4}
SHOWN_SECTIONS = ("decision", "metric")
SECTION_LINES = 4  # of each, so question, story and grade line fit 24 rows


def narrate(term: Terminal, time_left: Callable[[], float], label: str) -> str:
    """A multi-line answer against a visible countdown (Esc-Enter, or Enter on an empty
    buffer, ends it); the rehearsal and the mock loop both answer this way."""
    previous = term.toolbar
    term.refresh = 0.2

    def toolbar() -> str:
        left = time_left()
        shown = f"{mmss(left)} left" if left >= 0 else f"over by {mmss(-left)}"
        return f" {label} · {shown} · Esc-Enter finishes · Enter on empty stops the clock"

    term.toolbar = toolbar
    try:
        return term.ask("> ", multiline=True, key_bindings=narrate_bindings())
    finally:
        term.toolbar = previous


def run_rehearse(session, prompt, seconds: float, terminal: Terminal | None = None):
    """Question cold, story pick, narration, analysis, one follow-up, self-grade; kept.

    Quitting keeps an answer already started as an ungraded rehearsal."""
    from drill.report import render_analysis

    term = terminal or Terminal()
    rehearsal = RehearsalSession(session, prompt, int(seconds))
    term.toolbar = lambda: " rehearsal · ? help · q quits"
    term.help = lambda: REHEARSE_HELP
    try:
        term.say(HTML(f"<question>{escape(term.wrap(prompt.wording))}</question>"))
        rehearsal.pick(pick_story(term, prompt.candidates))
        instructions = term.wrap(
            f"Answer now, as in the room: {mmss(seconds)}. Type it (Esc-Enter finishes), "
            "or speak aloud and press Enter on the empty prompt to stop the clock."
        )
        term.say(HTML(f"<b>{escape(instructions)}</b>"))
        rehearsal.start_answer()
        analysis = rehearsal.finish_answer(narrate(term, rehearsal.time_left, "answer"))
        if analysis is not None:
            term.say(render_analysis(analysis, color=False))
        term.say(HTML(f"<dim>Time: {mmss(rehearsal.spent)} of {mmss(seconds)}.</dim>"))
        followup = term.wrap(f"Follow-up: {rehearsal.followup}")
        term.say(HTML(f"\n<b>Follow-up:</b>{escape(followup[len('Follow-up:') :])}"))
        rehearsal.start_followup()
        rehearsal.finish_followup(narrate(term, rehearsal.time_left, "follow-up"))
        if not rehearsal.text:  # spoken: the story to check it against
            show_story(term, rehearsal.reference(), prompt.wording)
        reveal = rehearsal.reveal()
        if rehearsal.text:  # typed: the question again, the analysis has pushed it away
            term.say(HTML(f"\n<dim>{escape(term.wrap(prompt.wording))}</dim>"))
        picked = rehearsal.story.id if rehearsal.story else None
        for line in verdict_line(reveal.pick, picked, prompt.mapped, term.width() - 1):
            term.say(FormattedText(line))  # why the suggestion is what it is
        action = rehearsal_grade_line(term, reveal)  # ? prints the help and keeps waiting
        rehearsal.grade(reveal.suggested if action == "enter" else GRADE_KEYS[action])
    except Quit as stop:
        rehearsal.stop(stop.text)
        if not rehearsal.worth_keeping:
            term.say("Rehearsal stopped before the answer; nothing kept.")
            return None
        rehearsal_id = rehearsal.keep()
        term.say(
            HTML(
                f"<dim>Stopped; kept ungraded as rehearsal {rehearsal_id} (`drill history`).</dim>"
            )
        )
        return rehearsal_id
    rehearsal_id = rehearsal.keep()
    term.say(HTML(f"<dim>Kept as rehearsal {rehearsal_id}; `drill history` lists them.</dim>"))
    return rehearsal_id


def show_story(term: Terminal, story, question: str = "") -> None:
    """The question again, then the story's decision and metric (a few lines each): what a
    spoken answer is checked against, on one screen with the grade line."""
    if question:
        term.say(HTML(f"\n<dim>{escape(term.wrap(question))}</dim>"))
    if story is None:
        term.say(HTML("<dim>No story picked or mapped to check the answer against.</dim>"))
        return
    term.say(HTML(f"<heading>{escape(story.id)}</heading> <dim>{escape(story.title)}</dim>"))
    for section in SHOWN_SECTIONS:
        lines = term.wrap(story.section_text(section).strip(), "  ").splitlines()
        if lines:
            if len(lines) > SECTION_LINES:
                lines = lines[: SECTION_LINES - 1] + [lines[SECTION_LINES - 1].rstrip() + " …"]
            term.say(HTML(f"<b>{section.title()}</b>"))
            term.say("\n".join(lines))


def rehearsal_grade_line(term: Terminal, reveal) -> str:
    """Only the keys that work here: the four grades, Enter, ? and q."""
    parts = [
        f"<key>{rating}</key> {name}{'*' if rating == reveal.suggested else ''}"
        f" {escape(reveal.intervals[rating])}"  # the next interval each grade gives
        for rating, name in RATINGS.items()
    ]
    line = " · ".join(parts)
    message = HTML(f"{line}   <dim>Enter={RATINGS[reveal.suggested]} ? q</dim> ")
    return term.key(message, [*GRADE_KEYS, "enter"])
