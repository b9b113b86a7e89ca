"""The daily drill on the review screen: question, story pick, prompts, reveal, grade line.

Each card is a generator that yields what it asks next (`Ask`, `Choose`) to the screen and
gets the answer back; the session decides and stores, this module only asks and prints.
"""

from __future__ import annotations

from html import escape

from prompt_toolkit import print_formatted_text
from prompt_toolkit.formatted_text import HTML, fragment_list_to_text, to_formatted_text

from drill import editor
from drill.bank import Story
from drill.errors import DrillError
from drill.grading import resolve_story, unmatched
from drill.scheduling import RATINGS
from drill.session import Answer, Prompt, Reveal, Session, Summary
from drill.store import StaleCard
from drill.ui import reveal as view
from drill.ui.screen import Ask, Choose, ReviewScreen
from drill.ui.terminal import STYLE, StoryCompleter, Terminal

GRADE_KEYS = {"1": 1, "2": 2, "3": 3, "4": 4, "a": 1, "h": 2, "g": 3, "e": 4}
HELP = """\
At the grade line
  1-4 or a h g e   grade Again / Hard / Good / Easy (* marks the suggestion)
  Enter            take the suggested grade
  u                undo the last grade (the card comes back exactly as it was)
  s                skip this card until tomorrow
  E                edit the story in $EDITOR (examples: a copy of your own)
  f / r            the full story / the question's full rubric (Esc closes)
At every prompt
  Tab              list stories, best match first (at Story>)
  Enter            on nothing: "no idea" at Story>, skip at the others
  ? + Enter        this help     q + Enter, Ctrl-C, Ctrl-D   quit
Every grade is saved the moment you give it."""

ORIENTATION = """\
Welcome. Each card asks one thing:
  a question: name the story that answers it (Tab lists them), then say its
    decision, the alternatives you turned down and the metric, briefly;
  a story: recall one part of it, the way you would tell it.
Then the story is shown beside what you typed. Grade yourself 1-4 (Again,
Hard, Good, Easy); Enter takes the suggested grade. ? + Enter: help.
Your stories are Markdown files in this folder (all paths: `drill where`):
{stories}"""


def toolbar_text(session: Session) -> str:
    elapsed = int(session.elapsed())
    total = max(session.queue_size, session.done + 1)
    return f" {session.done + 1}/{total} · {elapsed // 60}:{elapsed % 60:02d} · ? help · q quit"


def run_daily(
    session: Session, terminal: Terminal | None = None, screen: ReviewScreen | None = None
) -> Summary:
    """Drill until the budget is spent, nothing is due, or the user quits; then the summary
    on the plain terminal."""
    if screen is None:
        screen = ReviewScreen(
            input=terminal.input if terminal else None,
            output=terminal.output if terminal else None,
        )
    screen.toolbar = lambda: toolbar_text(session)
    screen.help_text = HELP
    screen.run(daily_flow(session, screen))
    summary = session.summary()
    text = render_summary(summary, session)
    if not session.done and not screen.quit:  # the flow ended by itself: no card was left
        text = HTML("Nothing left to drill now.\n" + text.value)
    screen.transcript.append(fragment_list_to_text(to_formatted_text(text)))
    print_formatted_text(text, output=screen.app.output, style=STYLE)
    return summary


def notices(session: Session, screen: ReviewScreen) -> None:
    """Problems in the user's files, then what the drill runs on; the most important last,
    where the message lines keep it in view."""
    library = session.library
    errors = library.own_story_errors
    shown = {str(p) for p in errors}
    for problem in [p for p in library.problems if str(p) not in shown][:2]:
        screen.say([("class:warn", str(problem))])
    if errors:
        more = f" (and {len(errors) - 1} more: drill lint)" if len(errors) > 1 else ""
        screen.say([("class:warn", f"Your story has an error: {errors[0]}{more}")])
        screen.say("The examples stand in until it is fixed.")
    elif library.bank.only_examples:
        screen.say(
            [("class:warn", "You are drilling the example stories; they drop out once you ")],
            [
                ("class:warn", "have one of your own. Write one with: "),
                ("class:key", "drill story new"),
            ],
        )
    if note := session.plan_note():  # an interview ahead: its plan leads the day
        screen.say(note)


def daily_flow(session: Session, screen: ReviewScreen):
    notices(session, screen)
    first_card = session.first_visit()
    while (prompt := session.next_card()) is not None:
        yield from card_flow(session, screen, prompt, first_card)
        first_card = False


# --- one card ---------------------------------------------------------------------------------


def card_flow(session: Session, screen: ReviewScreen, prompt: Prompt, welcome: bool = False):
    answer = Answer()
    typed: list[tuple[str, str]] = []

    def top(width: int) -> list[view.Line]:
        return card_top(prompt, typed, width)

    def hint_pane(width: int, height: int) -> list[view.Line]:
        if welcome:
            home = session.library.home
            path = str(home.stories_dir)
            path = path if len(path) < width - 2 else "…" + path[-(width - 4) :]
            lines = ORIENTATION.format(stories="  " + path).splitlines()
            return [[("", line[:width])] for line in lines][:height]
        return []

    screen.show(top, hint_pane)
    if prompt.kind == "story":
        answer.recall = yield Ask(
            "Recall> ", hints="what you remember, briefly · Enter when done · ? help · q quit"
        )
        typed.append(("Recall", answer.recall))
    else:
        yield from ask_question(session, screen, prompt, answer, typed, not welcome)
    while True:
        reveal = session.reveal(prompt, answer)
        level = session.config.level
        screen.show(card_header(prompt), reveal_pane(prompt, answer, reveal, level))
        action = yield grade_choice(prompt, reveal)
        if action == "u":
            try:
                undone = session.undo()
            except DrillError as exc:  # another session reviewed that card since
                screen.say([("class:warn", str(exc))])
                continue
            if not undone:  # the card on screen stays, with what was typed for it
                screen.say("Nothing to undo in this session.")
                continue
            screen.say("Undid the last grade.")
            return
        if action == "s":
            session.skip(prompt)
            screen.say("Skipped until tomorrow.")
            return
        if action == "f":
            story = reveal.reference or prompt.story
            if story is not None:
                screen.open_pager(f"{story.id} · {story.path}", read_story(story))
            continue
        if action == "r" and prompt.question is not None:
            screen.open_pager(
                f"Rubric · {prompt.question.id}", view.full_rubric(prompt.question, level)
            )
            continue
        if action == "E":
            fresh = edit(session, screen, prompt, reveal.reference or prompt.story)
            if fresh is None:
                return
            prompt = fresh
            continue
        if action == "enter" and reveal.suggested is None:
            screen.say("Nothing typed, so no suggestion: grade it yourself with 1-4.")
            continue
        rating = reveal.suggested if action == "enter" else GRADE_KEYS[action]
        try:
            session.grade(prompt, answer, rating)
        except StaleCard:
            screen.say("Another drill graded this card meanwhile; its grade stands, moving on.")
            return
        screen.say([("class:dim", f"Graded {RATINGS[rating]}.")])
        return


def card_header(prompt: Prompt):
    def render(width: int) -> list[view.Line]:
        return card_top(prompt, [], width)

    return render


def card_top(prompt: Prompt, typed: list[tuple[str, str]], width: int) -> list[view.Line]:
    """Header, the question (or story and facet) and what was typed so far."""
    if prompt.kind == "story":
        story = prompt.story
        header = f"story · {story.id}"
        lines = [[("class:dim", view.clip(header, width))]]
        lines += [[("class:question", t)] for t in view.wrap(story.title, width, 2)]
        lines += [[("", t)] for t in view.wrap(f"Recall {prompt.facet_label}.", width, 2)]
    else:
        question = prompt.question
        header = f"{question.deck} · " + " · ".join(question.categories[:2])
        lines = [[("class:dim", view.clip(header, width))]]
        lines += [[("class:question", t)] for t in view.wrap(prompt.wording, width, 4)]
    for label, text in typed:
        said = view.clip(text, width - len(label) - 3) if text.strip() else "(skipped)"
        lines.append([("class:dim", f"{label}: "), ("", said)])
    return [*lines, []]


def ask_question(session, screen, prompt: Prompt, answer: Answer, typed: list, list_stories=True):
    started = session.timer()
    story = yield from pick_story_flow(screen, prompt.candidates, list_stories)
    answer.story = story.id if story else None
    answer.latency_ms = int((session.timer() - started) * 1000)
    typed.append(("Story", answer.story or "(no idea)"))
    if list_stories:
        screen.pane = lambda width, height: []  # the list is done with; the story stays hidden
    if story is None:
        return
    if not prompt.mapped:
        key = yield Choose(
            [("", "Does "), ("bold", story.id), ("", " fit this question? [y/n] ")],
            ["y", "n", "enter"],
            [("class:dim", "no answer key here: y keeps it as its story · n no · Enter not sure")],
        )
        session.judge(prompt, answer, {"y": True, "n": False}.get(key))
    for label, name in (("Decision", "decision"), ("Alternatives", "alternatives")):
        setattr(answer, name, (yield Ask(f"{label}> ")))
        typed.append((label, getattr(answer, name)))
    answer.metric = yield Ask(
        "Metric> ", hints="the headline number first · Enter skips · ? help · q quit"
    )


def pick_story_flow(screen: ReviewScreen, stories: list[Story], list_stories: bool = True):
    """Which story answers: Tab completes, best match first; Enter alone gives up; a name
    that matches nothing asks again."""

    def candidates(width: int, height: int) -> list[view.Line]:
        lines = [[("class:dim", "Stories, best match first (Tab completes):")]]
        pad = max((len(s.id) for s in stories), default=0) + 2
        for story in stories[: max(0, height - 1)]:
            label = view.clip(story.label, width - pad - 1)
            lines.append([("class:key", story.id.ljust(pad)[:width]), ("class:dim", label)])
        return lines

    if list_stories:
        screen.show_pane(candidates)
    while True:
        typed = yield Ask(
            "Story> ",
            completer=StoryCompleter(stories),
            hints="Tab lists stories · Enter alone: no idea · ? help · q quit",
        )
        if not typed.strip():
            return None
        story, options = resolve_story(typed, stories)
        if story is not None:
            return story
        screen.say(
            f"{said(unmatched(typed, options, stories))} Tab lists them; Enter alone gives up."
        )


def reveal_pane(prompt: Prompt, answer: Answer, reveal: Reveal, level: str):
    def render(width: int, height: int) -> list[view.Line]:
        return view.fit_reveal(prompt, answer, reveal, level, width, height)

    return render


def grade_choice(prompt: Prompt, reveal: Reveal) -> Choose:
    story = reveal.reference or prompt.story
    actions = [("u", "undo"), ("s", "skip")]
    keys = [*GRADE_KEYS, "enter", "u", "s"]
    if story is not None:
        actions += [("E", "edit"), ("f", "story")]
        keys += ["E", "f"]
    if prompt.question is not None:
        actions += [("r", "rubric")]
        keys += ["r"]
    actions += [("?", "help"), ("q", "quit")]
    return Choose(
        [*view.grade_line(reveal, 200), ("", "  ")],
        keys,
        view.grade_actions(reveal, actions, 200),
    )


def read_story(story: Story) -> str:
    """The story file as written, less its front matter."""
    try:
        text = story.path.read_text(encoding="utf-8")
    except OSError as exc:
        return f"Could not read {story.path}: {exc.strerror}"
    if text.startswith("+++"):
        end = text.find("\n+++", 3)
        text = text[end + 4 :] if end != -1 else text
    return text.strip()


def edit(session: Session, screen: ReviewScreen, prompt: Prompt, story: Story | None):
    """Open the story in $EDITOR (an example is copied to the user's own first), reload,
    and return the card as it now is (None when it left the drill)."""
    if story is None:
        screen.say("No story to edit for this card.")
        return prompt
    try:
        path = session.editable_path(story)
    except DrillError as exc:
        screen.say([("class:warn", str(exc))])
        return prompt
    if path != story.path:
        screen.say(f"Copied the example to {path}: it is your own story now.")
        screen.say("The examples leave the drill once you have a story of your own.")
    try:
        screen.run_outside(lambda: editor.open_in_editor(path))
    except Exception as exc:  # the editor is the user's program; report, never crash
        screen.say(f"Could not run the editor: {exc}")
        return prompt
    session.reload()
    for problem in session.library.bank.problems:
        if str(path) == str(problem.path):
            screen.say([("class:warn", str(problem))])
    fresh = session.refresh(prompt)
    if fresh is None:
        screen.say("That card is no longer in the drill; on to the next.")
    return fresh


def said(message: str) -> str:
    """A message as a sentence: a question keeps its mark, anything else gets a full stop."""
    return message if message.endswith("?") else message + "."


def render_summary(summary: Summary, session: Session) -> HTML:
    minutes, seconds = divmod(int(summary.seconds), 60)
    if summary.next_due is None:
        nxt = "nothing scheduled"
    else:
        nxt = session.clock().local(summary.next_due).strftime("%a %d %b %H:%M")
    return HTML(
        f"<b>Session done.</b> Reviewed {summary.reviewed}, again {summary.again}, "
        f"time {minutes}:{seconds:02d}.\nNext due: {escape(nxt)}. Streak: {summary.streak} day"
        f"{'s' if summary.streak != 1 else ''}."
    )


# --- line-mode helpers, used by the mock loop, which asks line by line ------------------------


def grade_line(term: Terminal, reveal: Reveal, actions: str = "u s E ?") -> str:
    """The grade keys with their next intervals; `actions` are the other keys offered."""
    parts = []
    for rating, name in RATINGS.items():
        mark = "*" if rating == reveal.suggested else ""
        parts.append(f"<key>{rating}</key> {name}{mark} {reveal.intervals[rating]}")
    line = " · ".join(parts)
    enter = RATINGS[reveal.suggested] if reveal.suggested else "1-4"
    message = HTML(f"{line}   <dim>Enter={enter} {actions} q</dim> ")
    return term.key(message, [*GRADE_KEYS, "enter", *actions.split()])
