"""`drill story new`: one guided prompt per section, each with a hint of what evidence it needs.

The terminal only asks and prints; the StoryDraft checks what was typed and writes the files.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

from prompt_toolkit.completion import Completer, Completion
from prompt_toolkit.formatted_text import HTML

from drill.bank import DEPTHS, HINTS, LEVELS, SECTIONS
from drill.story_draft import StoryDraft, slug
from drill.ui.terminal import Quit, Terminal

HELP = """\
Writing a story:
  Enter keeps what is shown (or skips an empty prompt); Tab completes ids
  categories, principles: comma-separated, e.g. "ownership deep, dive-deep"
  ?                this help
  q + Enter, Ctrl-C, Ctrl-D   stop; what you typed is kept as a draft to resume"""

# Called with the draft and the section just finished, e.g. to coach it while it is fresh.
SectionHook = Callable[[StoryDraft, str], None]


class ListCompleter(Completer):
    """Completes the word being typed in a comma-separated list, not just the first one.

    With `then`, the word after a known id completes from `then` (e.g. a principle's depth)."""

    def __init__(self, choices: dict[str, str], then: tuple[str, ...] = ()):
        self.choices = choices
        self.then = then

    def get_completions(self, document, complete_event):
        chunk = document.text_before_cursor.split(",")[-1]
        words = chunk.split()
        current = "" if not words or chunk[-1:].isspace() else words[-1]
        before = words[:-1] if current else words
        if self.then and before and before[-1] in self.choices:
            options = {word: "" for word in self.then}
        else:
            options = self.choices
        starts = [c for c in options if c.startswith(current)]
        inside = [c for c in options if current in c and c not in starts]
        for choice in starts + inside:
            yield Completion(choice, start_position=-len(current), display_meta=options[choice])


def hint(term: Terminal, name: str) -> HTML:
    """The section's name and its hint, wrapped at word boundaries to the terminal."""
    title = name.title()
    wrapped = term.wrap(f"{title}  {HINTS[name]}")
    return HTML(f"\n<b>{escape(title)}</b><dim>{escape(wrapped[len(title) :])}</dim>")


def offer_draft(term: Terminal, paths: list[Path]) -> Path | None:
    """With drafts waiting, offer to resume the most recent one."""
    if not paths:
        return None
    others = f" ({len(paths) - 1} more in {paths[0].parent})" if len(paths) > 1 else ""
    choice = term.key(
        HTML(
            f"A draft is waiting: <b>{escape(paths[0].stem)}</b>{escape(others)}. "
            "<key>r</key> resume it · <key>Enter</key> start a new story "
        ),
        ["r", "enter"],
    )
    return paths[0] if choice == "r" else None


def guided_story(
    draft: StoryDraft,
    terminal: Terminal | None = None,
    principles: dict[str, str] | None = None,
    on_section: SectionHook | None = None,
) -> Path | None:
    """Ask for each part of a story and write it; a quit midway keeps a draft.

    `principles` are the ids offered for completion (id -> name); `on_section` gets the draft
    after each section is typed."""
    term = terminal or Terminal()
    term.help = lambda: HELP
    resuming = draft.resumed_from is not None
    lead = f"Resuming {draft.resumed_from}." if resuming else "New story."
    term.say(HTML(f"<b>{escape(term.wrap(lead))}</b>"))
    keys = "Enter keeps what is shown or skips; ? help; q stops and keeps a draft."
    term.say(HTML(f"<dim>{escape(term.wrap(keys))}</dim>"))
    current = ""  # the section being typed: a stop keeps its text in the draft
    try:
        if resuming:
            draft.title = term.ask("Title> ", default=draft.title).strip() or draft.title
        while not draft.title:
            draft.title = term.ask("Title> ").strip()
        if not draft.story_id or resuming:
            while True:
                story_id = term.ask("Id> ", default=draft.story_id or slug(draft.title)).strip()
                problem = draft.id_problem(story_id)
                if problem is None:
                    draft.story_id = story_id
                    break
                term.say(problem)
        draft.summary = term.ask("One-line summary> ", default=draft.summary).strip()
        ask_categories(term, draft)
        ask_principles(term, draft, principles or draft.active_principles(()))
        while not draft.set_level(
            typed := term.ask(
                f"Level this story proves ({'/'.join(LEVELS)})> ", default=draft.level
            )
        ):
            term.say(f"{typed.strip()!r} is not a level: {', '.join(LEVELS)}.")
        for name in SECTIONS:
            current = name
            term.say(hint(term, name))
            if name == "alternatives":
                ask_options(term, draft)
            else:
                typed = term.ask(f"{name.title()}> ", default=draft.sections.get(name, ""))
                draft.sections[name] = typed.strip()
            current = ""
            if on_section is not None:
                on_section(draft, name)
    except Quit as stop:
        if current and stop.text.strip():
            if current == "alternatives":
                draft.sections[current] += f"\n- {stop.text.strip()}"
            else:
                draft.sections[current] = stop.text.strip()
        if draft.empty:
            term.say("Nothing written.")
            return None
        path = draft.save_draft()
        term.say(
            term.wrap(
                f"Stopped. What you typed is kept in {path}; `drill story new` offers to resume it."
            )
        )
        return None
    errors = [p for p in draft.validate() if p.severity == "error"]
    if errors:  # the answers are checked as they come; this is a last guard, never a loss
        path = draft.save_draft()
        for problem in errors:
            term.say(HTML(f"<warn>{escape(problem.message)}</warn>"))
        term.say(term.wrap(f"Kept as a draft in {path}; `drill story new` resumes it."))
        return None
    return draft.write()


def ask_categories(term: Terminal, draft: StoryDraft) -> None:
    taxonomy = draft.taxonomy
    required = ", ".join(taxonomy.required)
    note = term.wrap(f"Categories, comma-separated; Tab completes. Every bank needs: {required}")
    term.say(HTML(f"<dim>{escape(note)}</dim>"))
    names = {cid: c.name for cid, c in taxonomy.categories.items()}
    while True:
        typed = term.ask(
            "Categories> ",
            completer=ListCompleter(names),
            fuzzy=False,
            default=", ".join(draft.categories),
        )
        known, unknown = draft.parse_categories(typed)
        if not unknown:
            draft.categories = known
            return
        term.say(f"Unknown: {', '.join(unknown)}. Tab lists the ids.")


def ask_principles(term: Terminal, draft: StoryDraft, offered: dict[str, str]) -> None:
    ids = list(offered)[:2] or ["ownership"]
    example = f"{ids[0]} deep" + (f", {ids[1]}" if len(ids) > 1 else "")
    note = term.wrap(
        "Principles this story shows, each with deep or surface (surface if left out), "
        f"e.g. {example}. Tab completes; Enter skips."
    )
    term.say(HTML(f"<dim>{escape(note)}</dim>"))
    current = ", ".join(f"{pid} {depth}" for pid, depth in draft.principles.items())
    while True:
        typed = term.ask(
            "Principles> ",
            completer=ListCompleter(offered, then=DEPTHS),
            fuzzy=False,
            default=current,
        )
        chosen, problems = draft.parse_principles(typed)
        if not problems:
            draft.principles = chosen
            return
        term.say(f"{'; '.join(problems)}. Tab lists the ids.")


def ask_options(term: Terminal, draft: StoryDraft) -> None:
    """Alternatives one per prompt, kept in the draft as they come; Enter on an empty one
    ends the list."""
    existing = draft.sections.get("alternatives", "")
    kept = [line[2:] if line.startswith("- ") else line for line in existing.splitlines() if line]
    lines: list[str] = []
    while True:
        draft.sections["alternatives"] = "\n".join(lines + [f"- {k}" for k in kept[len(lines) :]])
        default = kept[len(lines)] if len(lines) < len(kept) else ""
        option = term.ask(f"Option {len(lines) + 1} (and why not)> ", default=default).strip()
        if not option:
            draft.sections["alternatives"] = "\n".join(lines)
            return
        lines.append(f"- {option}")


def coach_probes(term: Terminal) -> SectionHook:
    """After each section, the interviewer's follow-up for what it lacks; the answer is added
    to the section, and Enter skips the question."""
    from drill.coach.probes import answer_into, probe_section

    def ask(draft: StoryDraft, name: str) -> None:
        failure = "failure" in draft.categories
        for probe in probe_section(name, draft.sections.get(name, ""), failure):
            answer = term.ask(f"{probe.question} (Enter skips)> ").strip()
            if answer:
                draft.sections[name] = answer_into(draft.sections[name], answer)

    return ask
