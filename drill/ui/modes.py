"""The pick sprint, the cram and the rehearsal in the terminal."""

from __future__ import annotations

from html import escape

from prompt_toolkit.formatted_text import HTML
from prompt_toolkit.key_binding import KeyBindings

from drill.grading import rank_stories
from drill.modes import CramSession, MapSession
from drill.scheduling import RATINGS
from drill.ui.daily import run_daily
from drill.ui.terminal import Quit, Terminal, pick_story

OFFER_LIMIT = 5


def clock_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


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
            f"<b>{count} no story yet.</b> <key>m</key> map {len(shown)} now (not graded) · "
            "<key>Enter</key> start the sprint "
        ),
        ["m", "enter"],
    )
    if choice != "m":
        return
    stories = list(session.library.stories.values())
    for question in shown:
        term.say()
        term.say(HTML(f"<question>{escape(term.wrap(question.text))}</question>"))
        story = pick_story(term, rank_stories(question, stories), "Map to> ")
        if story is not None:
            session.keep_mapping(question, story)
            term.say(HTML(f"<dim>Mapped to {escape(story.id)}.</dim>"))
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


FOLLOWUP_SECONDS = 60


def narrate(term: Terminal, session, seconds: float, label: str) -> tuple[str, float]:
    """A multi-line answer against a visible countdown; returns the text and time spent."""
    started = session.timer()
    previous = term.toolbar
    term.refresh = 0.2

    def toolbar() -> str:
        left = seconds - (session.timer() - started)
        shown = clock_text(left) + " left" if left >= 0 else f"over by {clock_text(-left)}"
        return f" {label} · {shown} · Esc-Enter finishes · Enter on empty stops the clock"

    term.toolbar = toolbar
    try:
        text = term.ask("> ", multiline=True, key_bindings=narrate_bindings())
    finally:
        term.toolbar = previous
    return text.strip(), session.timer() - started


def run_rehearse(session, prompt, seconds: float, terminal: Terminal | None = None):
    """Question cold, story pick, narration, analysis, one follow-up, self-grade; kept."""
    from drill.coach import analyze, followup_for
    from drill.home import iso
    from drill.report import render_analysis
    from drill.session import Answer
    from drill.ui.daily import GRADE_KEYS, grade_line

    term = terminal or Terminal()
    question = prompt.question
    term.toolbar = lambda: " rehearsal · Ctrl-D quits"
    try:
        term.say(HTML(f"<question>{escape(term.wrap(prompt.wording))}</question>"))
        story = pick_story(term, prompt.candidates)
        instructions = term.wrap(
            f"Answer now, as in the room: {clock_text(seconds)}. Type it (Esc-Enter finishes), "
            "or speak aloud and press Enter on the empty prompt to stop the clock."
        )
        term.say(HTML(f"<b>{escape(instructions)}</b>"))
        text, spent = narrate(term, session, seconds, "answer")
        analysis = analyze(text, story, int(seconds)) if text else None
        if analysis is not None:
            term.say(render_analysis(analysis, color=False))
        term.say(HTML(f"<dim>Time: {clock_text(spent)} of {clock_text(seconds)}.</dim>"))
        followup = (
            followup_for(analysis, question.followups)
            if analysis is not None
            else (question.followups[0] if question.followups else "What would you change?")
        )
        term.say(HTML(f"\n<b>Follow-up:</b> {escape(followup)}"))
        follow_text, follow_spent = narrate(term, session, FOLLOWUP_SECONDS, "follow-up")
        answer = Answer(story=story.id if story else None, metric=text)
        reveal = session.reveal(prompt, answer)
        action = ""
        while action not in GRADE_KEYS and action != "enter":
            action = grade_line(term, reveal)
            if action == "?":
                term.say(
                    "Grade how the answer held up: 1-4 or a h g e; Enter takes the suggestion."
                )
        rating = reveal.suggested if action == "enter" else GRADE_KEYS[action]
        session.grade(prompt, answer, rating)
    except Quit:
        term.say("Rehearsal stopped; nothing graded.")
        return None
    import json

    rehearsal_id = session.store.add_rehearsal(
        {
            "at": iso(session.clock().utc),
            "question": question.id,
            "story": story.id if story else None,
            "text": text,
            "seconds": round(spent, 2),
            "budget_seconds": int(seconds),
            "followup": followup,
            "followup_text": follow_text,
            "followup_seconds": round(follow_spent, 2),
            "analysis": json.dumps(analysis.to_dict()) if analysis else None,
            "rating": rating,
        }
    )
    term.say(HTML(f"<dim>Kept as rehearsal {rehearsal_id}; `drill history` lists them.</dim>"))
    return rehearsal_id
