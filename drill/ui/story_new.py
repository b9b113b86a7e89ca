"""`drill story new`: one guided prompt per section, each with a hint of what evidence it needs."""

from __future__ import annotations

from html import escape

from prompt_toolkit.completion import WordCompleter
from prompt_toolkit.formatted_text import HTML

from drill.bank import HINTS, LEVELS, SECTIONS, render_story
from drill.home import write_private
from drill.ui.terminal import Quit, Terminal


def guided_story(app, story_id, slug, check_id, terminal: Terminal | None = None):
    """Ask for each part of a story and write it; a quit midway keeps a draft."""
    term = terminal or Terminal()
    taxonomy = app.library.taxonomy
    parts: dict[str, str] = {}
    title = ""
    categories: list[str] = []
    level = app.config.level
    summary = ""
    term.say(
        HTML("<b>New story.</b> <dim>Enter skips a prompt; Ctrl-C stops and keeps a draft.</dim>")
    )
    try:
        while not title:
            title = term.ask("Title> ").strip()
        if not story_id:
            while True:
                story_id = term.ask("Id> ", default=slug(title)).strip()
                try:
                    check_id(story_id)
                except Exception as exc:
                    term.say(str(getattr(exc, "message", exc)))
                    continue
                if (app.home.stories_dir / f"{story_id}.md").exists():
                    term.say(f"{story_id} exists already; pick another id.")
                    continue
                break
        summary = term.ask("One-line summary> ").strip()
        ids = list(taxonomy.categories)
        required = ", ".join(taxonomy.required)
        term.say(
            HTML(f"<dim>Categories (comma-separated). Every bank needs: {escape(required)}</dim>")
        )
        while True:
            typed = term.ask("Categories> ", completer=WordCompleter(ids, sentence=True))
            chosen = [c.strip() for c in typed.replace(" ", ",").split(",") if c.strip()]
            unknown = [c for c in chosen if c not in taxonomy.categories]
            if not unknown:
                categories = chosen
                break
            term.say(f"Unknown: {', '.join(unknown)}. Tab lists the ids.")
        typed = term.ask(f"Level this story proves ({'/'.join(LEVELS)})> ", default=level).strip()
        level = typed if typed in LEVELS else level
        for name in SECTIONS:
            term.say(HTML(f"\n<b>{name.title()}</b>  <dim>{escape(HINTS[name])}</dim>"))
            if name == "alternatives":
                lines = []
                while True:
                    option = term.ask(f"Option {len(lines) + 1} (and why not)> ").strip()
                    if not option:
                        break
                    lines.append(f"- {option}")
                parts[name] = "\n".join(lines)
            else:
                parts[name] = term.ask(f"{name.title()}> ").strip()
    except Quit:
        if not title and not any(parts.values()):
            term.say("Nothing written.")
            return None
        drafts = app.home.root / "drafts"
        drafts.mkdir(mode=0o700, exist_ok=True)
        path = drafts / f"{story_id or slug(title)}.md"
        write_private(
            path, render_story(title or "Untitled", parts, categories, None, level, summary)
        )
        term.say(
            f"Stopped. What you typed is kept in {path}; move it to "
            f"{app.home.stories_dir} when it is ready."
        )
        return None
    path = app.home.stories_dir / f"{story_id}.md"
    write_private(path, render_story(title, parts, categories, None, level, summary))
    return path
