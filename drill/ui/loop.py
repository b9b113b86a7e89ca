"""The mock loop in the terminal: rendering and keys only; decisions live in drill/loop.py."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape

from prompt_toolkit.formatted_text import HTML

from drill.charts import mmss
from drill.loop import MockLoop
from drill.scheduling import RATINGS
from drill.session import Answer, Session
from drill.ui.daily import GRADE_KEYS, grade_line
from drill.ui.modes import narrate
from drill.ui.terminal import Quit, Terminal, pick_story

WHY = {
    "number": "the answer had no number",
    "we": "the answer said 'we' more than 'I'",
    "alternative": "no alternative was named",
    "outside": "no one outside the team came up",
    "chain": "digging deeper",
}


def run_loop(
    mock: MockLoop,
    session: Session,
    names: Mapping[str, str],
    save: Callable[[MockLoop], None],
    terminal: Terminal | None = None,
) -> None:
    """Each interviewer: question, story, answer against the clock, follow-ups, grade.

    `save` runs after every answer and grade, so quitting at any prompt keeps what was said.
    """
    term = terminal or Terminal()
    total = len(mock.interviewers)
    people = f"{total} interviewer{'s' * (total != 1)}"
    term.say(HTML(f"<b>Mock loop: {people}, {mmss(mock.budget)} per answer.</b>"))
    how = (
        "Type (Esc-Enter finishes) or speak aloud (Enter on the empty prompt stops the clock). "
        "Ctrl-D leaves; everything said so far is kept."
    )
    term.say(HTML(f"<dim>{escape(term.wrap(how))}</dim>"))
    try:
        while (interviewer := mock.next_interviewer()) is not None:
            number = len(mock.rounds)
            term.toolbar = lambda n=number: f" loop · interviewer {n}/{total} · Ctrl-D quits"
            owned = ", ".join(names.get(t, t) for t in interviewer.targets)
            term.say()
            term.say(
                HTML(
                    f"<b>Interviewer {number} of {total}: {escape(interviewer.seat)}</b> "
                    f"<dim>({escape(owned)})</dim>"
                )
            )
            term.say(HTML(f"<question>{escape(term.wrap(interviewer.wording))}</question>"))
            prompt = _card_prompt(session, interviewer.question)
            candidates = prompt.candidates if prompt else list(session.library.stories.values())
            if mock.current.story is None and mock.pending() is mock.current.turns[0]:
                story = pick_story(term, candidates)
                mock.pick(story.id if story else None)
                told = mock.told_before(len(mock.rounds) - 1)
                if told:
                    term.say(HTML(f"<warn>Interviewer {told[0]} already heard that story.</warn>"))
            while (turn := mock.pending()) is not None:
                if turn.why != "question":
                    term.say(HTML(f"<dim>Follow-up ({WHY.get(turn.why, '')}):</dim>"))
                    term.say(HTML(f"<b>{escape(term.wrap(turn.prompt))}</b>"))
                label = "answer" if turn.why == "question" else "follow-up"
                started = session.timer()
                try:
                    deadline = started + turn.budget
                    text = narrate(term, lambda end=deadline: end - session.timer(), label)
                except Quit as stop:  # what was typed before leaving is kept too
                    if stop.text.strip():
                        mock.answer(stop.text, session.timer() - started)
                    raise
                spent = session.timer() - started
                mock.answer(text, spent)
                save(mock)
                if turn.why == "question":
                    term.say(HTML(f"<dim>Time: {mmss(spent)} of {mmss(turn.budget)}.</dim>"))
            rating = _grade(term, session, prompt, mock) if prompt else None
            mock.close(rating)
            save(mock)
        save(mock)  # the loop is over: kept as finished
    except Quit:
        save(mock)
        term.say("Loop stopped; everything said so far is kept.")
    term.toolbar = None


def _card_prompt(session: Session, question_id: str):
    card = session.store.card_for("question", question_id)
    prompt = session.prompt_for(card) if card else None
    if prompt is not None:
        prompt.shown_at = session.timer()
    return prompt


def _grade(term: Terminal, session: Session, prompt, mock: MockLoop) -> int:
    """Grade the question's card as a rehearsal does; committed at once."""
    current = mock.current
    answer = Answer(story=current.story, metric=current.said)
    reveal = session.reveal(prompt, answer)
    term.say(HTML("<dim>How did that answer hold up?</dim>"))
    rating = None
    while rating is None:
        action = grade_line(term, reveal, actions="?")
        if action in GRADE_KEYS:
            rating = GRADE_KEYS[action]
        elif action == "enter" and reveal.suggested:
            rating = reveal.suggested
        else:
            term.say("Grade the answer: 1-4 or a h g e; Enter takes the suggestion if any.")
    session.grade(prompt, answer, rating)
    term.say(HTML(f"<dim>Graded {RATINGS[rating]}.</dim>"))
    return rating
