"""The daily drill in the terminal: question, story pick, prompts, reveal, grade line."""

from __future__ import annotations

from html import escape

from prompt_toolkit.formatted_text import HTML

from drill import editor
from drill.bank import FACETS, Story
from drill.errors import DrillError
from drill.grading import resolve_story
from drill.scheduling import RATINGS
from drill.session import Answer, Prompt, Reveal, Session, Summary
from drill.store import StaleCard
from drill.ui.terminal import Quit, StoryCompleter, Terminal

PAD = " " * 9  # continuation indent under "  story: "
GRADE_KEYS = {"1": 1, "2": 2, "3": 3, "4": 4, "a": 1, "h": 2, "g": 3, "e": 4}
HELP = """\
Keys at the grade line:
  1-4 or a h g e   grade Again / Hard / Good / Easy
  Enter            accept the suggested grade
  u                undo the last grade (the card comes back exactly as it was)
  s                skip this card until tomorrow
  E                open the story in $EDITOR, then reload it
  ?                this help
  q, Ctrl-C, Ctrl-D quit (every grade so far is already saved)
At the story prompt: Tab lists stories, best match first; Enter on nothing means "no idea".
At the decision, alternatives and metric prompts Enter skips."""


def toolbar_text(session: Session) -> str:
    elapsed = int(session.elapsed())
    total = max(session.queue_size, session.done + 1)
    return f" {session.done + 1}/{total} · {elapsed // 60}:{elapsed % 60:02d} · ? help · q quit"


def run_daily(session: Session, terminal: Terminal | None = None) -> Summary:
    """Drill until the budget is spent, nothing is due, or the user quits."""
    term = terminal or Terminal()
    term.toolbar = lambda: toolbar_text(session)
    if session.library.bank.only_examples:
        notice = term.wrap(
            "You are drilling the example stories; they drop out once you have one of your own."
        )
        term.say(HTML(f"<warn>{escape(notice)}</warn>\nWrite one with: <key>drill story new</key>"))
    for problem in session.library.problems[:5]:
        term.say(HTML(f"<warn>{escape(str(problem))}</warn>"))
    try:
        while True:
            prompt = session.next_card()
            if prompt is None:
                break
            drill_card(session, term, prompt)
    except Quit:
        pass
    summary = session.summary()
    term.say(render_summary(summary, session))
    return summary


def drill_card(session: Session, term: Terminal, prompt: Prompt) -> None:
    term.say()
    if prompt.kind == "story":
        answer = ask_story_facet(term, prompt)
    else:
        answer = ask_question(session, term, prompt)
    while True:
        reveal = session.reveal(prompt, answer)
        show_reveal(term, prompt, answer, reveal)
        action = grade_line(term, reveal)
        if action == "?":
            term.say(HELP)
            continue
        if action == "u":
            try:
                undone = session.undo()
            except DrillError as exc:  # another session reviewed that card since
                term.say(HTML(f"<warn>{escape(str(exc))}</warn>"))
                continue
            term.say("Undid the last grade." if undone else "Nothing to undo in this session.")
            return
        if action == "s":
            session.skip(prompt)
            term.say("Skipped until tomorrow.")
            return
        if action == "E":
            story = reveal.reference or prompt.story
            if story is None:
                term.say("No story to edit for this card.")
                continue
            edit_story(session, term, story.path)
            refreshed = session.prompt_for(session.store.card(prompt.card["id"]))
            if refreshed is not None:
                refreshed.shown_at = prompt.shown_at
                prompt = refreshed
            continue
        rating = reveal.suggested if action == "enter" else GRADE_KEYS[action]
        try:
            session.grade(prompt, answer, rating)
        except StaleCard:
            term.say("Another drill graded this card meanwhile; its grade stands, moving on.")
            return
        term.say(HTML(f"<dim>Graded {RATINGS[rating]}.</dim>"))
        return


def ask_question(session: Session, term: Terminal, prompt: Prompt) -> Answer:
    question = prompt.question
    assert question is not None
    tag = " · ".join(question.categories[:2])
    term.say(HTML(f"<dim>{escape(question.deck)} · {escape(tag)}</dim>"))
    term.say(HTML(f"<question>{escape(term.wrap(prompt.wording))}</question>"))
    answer = Answer()
    started = session.timer()
    story = pick_story(term, prompt.candidates)
    answer.story = story.id if story else None
    answer.latency_ms = int((session.timer() - started) * 1000)
    if answer.story and not prompt.mapped:
        keep = term.key(
            HTML(f"Keep <b>{escape(answer.story)}</b> as the story for this question? [y/n] "),
            ["y", "n", "enter"],
        )
        if keep == "y":
            session.keep_mapping(question, session.library.stories[answer.story])
            prompt.mapped = {answer.story}
    if answer.story:
        answer.decision = term.ask("Decision> ")
        answer.alternatives = term.ask("Alternatives> ")
        answer.metric = term.ask("Metric> ")
    return answer


def pick_story(term: Terminal, stories: list[Story]) -> Story | None:
    """Ask which story answers; Tab completes, best match first; Enter alone gives up."""
    while True:
        typed = term.ask("Story> ", completer=StoryCompleter(stories))
        if not typed.strip():
            return None
        story, options = resolve_story(typed, stories)
        if story is not None:
            return story
        if options:
            names = ", ".join(s.id for s in options[:6])
            term.say(f"More than one story matches {typed!r}: {names}")
        else:
            term.say(f"No story matches {typed!r}; Tab lists them, Enter alone gives up.")


def ask_story_facet(term: Terminal, prompt: Prompt) -> Answer:
    story = prompt.story
    assert story is not None
    term.say(HTML(f"<dim>story · {escape(story.id)}</dim>"))
    term.say(HTML(f"<question>{escape(story.title)}</question>"))
    term.say(f"Recall {prompt.facet_label}.")
    return Answer(recall=term.ask("Recall> "))


def show_reveal(term: Terminal, prompt: Prompt, answer: Answer, reveal: Reveal) -> None:
    story = reveal.reference
    term.say()
    if prompt.kind != "story":
        if answer.story is None:
            term.say(HTML("<miss>No story picked.</miss>"))
        elif reveal.right_story:
            term.say(HTML(f"<ok>Right story:</ok> {escape(answer.story)}"))
        else:
            term.say(HTML(f"<miss>Not the mapped story:</miss> you said {escape(answer.story)}"))
        if story is None:
            term.say(HTML("<dim>No story is mapped to this question yet.</dim>"))
        else:
            label = term.wrap(f"{story.id} {story.label}")[len(story.id) + 1 :]
            term.say(HTML(f"<heading>{escape(story.id)}</heading> <dim>{escape(label)}</dim>"))
        pairs = [
            ("Decision", answer.decision, "decision"),
            ("Alternatives", answer.alternatives, "alternatives"),
            ("Metric", answer.metric, "metric"),
        ]
        if story is None and not answer.typed:
            pairs = []  # nothing typed and nothing to compare it with
    else:
        term.say(HTML(f"<heading>{escape(story.id if story else '')}</heading>"))
        pairs = [(name.title(), "", name) for name in FACETS[prompt.facet]]
        if answer.recall:
            term.say(HTML(f"<dim>you:</dim>   {escape(term.wrap(answer.recall, PAD).lstrip())}"))
    for label, typed, section in pairs:
        term.say(HTML(f"<b>{label}</b>"))
        if prompt.kind != "story":
            term.say(
                HTML(
                    f"  <dim>you:</dim>   "
                    f"{escape(term.wrap(typed, PAD).lstrip()) if typed else '<dim>(skipped)</dim>'}"
                )
            )
        text = story.section_text(section) if story else ""
        body = escape(term.wrap(text, PAD).lstrip()) if text else "<dim>(not in the story)</dim>"
        term.say(HTML(f"  <dim>story:</dim> {body}"))
    if reveal.matched or reveal.missed:
        marks = [f"<ok>✓ {escape(n)}</ok>" for n in reveal.matched]
        marks += [f"<miss>✗ {escape(n)}</miss>" for n in reveal.missed]
        term.say(HTML("Metric numbers: " + "  ".join(marks)))
    if prompt.question and prompt.question.look_for:
        look_for = term.wrap("Interviewers look for: " + prompt.question.look_for)
        term.say(HTML(f"<dim>{escape(look_for)}</dim>"))


def grade_line(term: Terminal, reveal: Reveal, actions: str = "u s E ?") -> str:
    """The grade keys with their next intervals; `actions` are the other keys offered."""
    parts = []
    for rating, name in RATINGS.items():
        mark = "*" if rating == reveal.suggested else ""
        parts.append(f"<key>{rating}</key> {name}{mark} {reveal.intervals[rating]}")
    line = " · ".join(parts)
    message = HTML(f"{line}   <dim>Enter={RATINGS[reveal.suggested]} {actions} q</dim> ")
    return term.key(message, [*GRADE_KEYS, "enter", *actions.split()])


def edit_story(session: Session, term: Terminal, path) -> None:
    try:
        editor.open_in_editor(path)
    except Exception as exc:  # the editor is the user's program; report, never crash
        term.say(f"Could not run the editor: {exc}")
        return
    session.reload()
    for problem in session.library.bank.problems:
        if str(path) == str(problem.path):
            term.say(HTML(f"<warn>{escape(str(problem))}</warn>"))


def render_summary(summary: Summary, session: Session) -> HTML:
    minutes, seconds = divmod(int(summary.seconds), 60)
    if summary.next_due is None:
        nxt = "nothing scheduled"
    else:
        nxt = session.clock().local(summary.next_due).strftime("%a %d %b %H:%M")
    return HTML(
        f"\n<b>Session done.</b> Reviewed {summary.reviewed}, again {summary.again}, "
        f"time {minutes}:{seconds:02d}. Next due: {nxt}. Streak: {summary.streak} day"
        f"{'s' if summary.streak != 1 else ''}."
    )
