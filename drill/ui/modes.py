"""The pick sprint, the cram and the rehearsal in the terminal."""

from __future__ import annotations

from html import escape

from prompt_toolkit.formatted_text import HTML
from prompt_toolkit.key_binding import KeyBindings

from drill.grading import resolve_story
from drill.modes import CramSession, MapSession
from drill.scheduling import RATINGS
from drill.ui.daily import run_daily
from drill.ui.terminal import Quit, StoryCompleter, Terminal

OFFER_LIMIT = 5


def countdown(remaining: float) -> str:
    if remaining >= 0:
        return f"{remaining:4.1f}s left"
    return f"over by {-remaining:.1f}s"


def clock_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def run_map(session: MapSession, terminal: Terminal | None = None) -> None:
    term = terminal or Terminal()
    term.refresh = 0.1
    state = {"shown": None}

    def toolbar() -> str:
        done = f" {session.done}/{max(session.queue_size, session.done)}"
        if state["shown"] is None:
            return done + " · mapping · Enter skips · Ctrl-D quits"
        left = session.seconds - (session.timer() - state["shown"])
        return f"{done} · {countdown(left)} · Ctrl-D quits"

    term.toolbar = toolbar
    try:
        offer_unmapped(session, term)
        session.reload()
        while (prompt := session.next_card()) is not None:
            term.say()
            term.say(HTML(f"<question>{escape(prompt.wording)}</question>"))
            state["shown"] = prompt.shown_at
            typed = term.ask("Story> ", completer=StoryCompleter(prompt.candidates))
            latency = session.timer() - prompt.shown_at
            state["shown"] = None
            story, _ = resolve_story(typed, prompt.candidates)
            result = session.answer_pick(prompt, story.id if story else None, latency)
            mapped = ", ".join(sorted(prompt.mapped))
            if result.right:
                mark = f"<ok>✓</ok> {escape(story.id)}"
            else:
                mark = f"<miss>✗</miss> the story is {escape(mapped)}"
            term.say(HTML(f"{mark}  {latency:.1f}s → {RATINGS[result.rating]}"))
    except Quit:
        pass
    render_map_summary(session, term)


def offer_unmapped(session: MapSession, term: Terminal) -> None:
    unmapped = session.unmapped()
    if not unmapped:
        return
    shown = unmapped[:OFFER_LIMIT]
    term.say(
        HTML(
            f"<b>{len(unmapped)} questions have no story yet.</b> Name one for the first "
            f"{len(shown)} (not graded; Enter skips)."
        )
    )
    stories = list(session.library.stories.values())
    from drill.grading import rank_stories

    for question in shown:
        term.say()
        term.say(HTML(f"<question>{escape(question.text)}</question>"))
        ranked = rank_stories(question, stories)
        while True:
            typed = term.ask("Story> ", completer=StoryCompleter(ranked))
            if not typed.strip():
                break
            story, options = resolve_story(typed, ranked)
            if story is not None:
                session.keep_mapping(question, story)
                term.say(HTML(f"<dim>Mapped to {escape(story.id)}.</dim>"))
                break
            term.say(f"No single story matches {typed!r}; Tab lists them.")


def render_map_summary(session: MapSession, term: Terminal) -> None:
    if not session.results:
        term.say("No picks this time." if session.unmapped() else "No pick cards due.")
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
    run_daily(session, term)
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
