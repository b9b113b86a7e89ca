"""`drill story …` and `drill mapping …`: the bank and which story answers which question."""

from __future__ import annotations

import click

from drill.cli.common import (
    App,
    complete_question,
    complete_story,
    echo_json,
    json_option,
    need_terminal,
)
from drill.errors import DrillError


def own_story(app, story_id: str):
    """A story of the user's own by id, with a clear message when it is not one.

    The id names a file in the home's stories/ and nothing else: no path, no link out.
    """
    from drill.bank import inside

    if not plain_id(story_id):
        raise click.BadParameter(
            f"{story_id!r} is not a story id (a file name in {app.home.stories_dir}, without .md)",
            param_hint="ID",
        )
    path = app.home.stories_dir / f"{story_id}.md"
    if path.is_symlink() and not inside(path, app.home.root):
        raise DrillError(f"{path} is a link to a file outside {app.home.root}; drill leaves it be")
    if path.exists():
        return path
    if (app.library.examples_dir / f"{story_id}.md").exists():
        raise DrillError(
            f"{story_id!r} is a shipped example, not one of your stories; "
            f"`drill story edit {story_id}` copies it into your stories to make it your own"
        )
    from drill.bank import story_files

    known = ", ".join(sorted(p.stem for p in story_files(app.home.stories_dir))) or "none yet"
    raise DrillError(f"no story {story_id!r} in {app.home.stories_dir} (stories: {known})")


def plain_id(story_id: str) -> bool:
    """A name of one file in stories/: no folder, not hidden, not empty."""
    from drill.backup import plain_file_name

    return plain_file_name(f"{story_id}.md", ".md")


def check_id(story_id: str) -> str:
    from drill.story_draft import id_problem

    problem = id_problem(story_id)
    if problem is not None:
        raise click.BadParameter(problem, param_hint="ID")
    return story_id


@click.group()
def story() -> None:
    """Write and manage the stories in your bank."""


@story.command("new")
@click.argument("story_id", metavar="[ID]", required=False)
@click.option("--editor", "use_editor", is_flag=True, help="Write a template and open $EDITOR.")
def story_new(story_id: str | None, use_editor: bool) -> None:
    """Write a new story: one guided prompt per section, with a hint for each. A story
    stopped midway is kept in drafts/ and offered again (or resume it by its ID)."""
    from drill.story_draft import StoryDraft, drafts, drafts_dir

    app = App()
    if story_id:
        check_id(story_id)
        if (app.home.stories_dir / f"{story_id}.md").exists():
            raise DrillError(f"story {story_id!r} exists already; `drill story edit {story_id}`")
    if use_editor:
        story_from_editor(app, story_id or "new-story")
        return

    need_terminal("story new")
    from drill.ui.story_new import coach_probes, guided_story, offer_draft
    from drill.ui.terminal import Quit, Terminal

    taxonomy, level = app.library.taxonomy, app.config.level
    term = Terminal()
    waiting = drafts_dir(app.home) / f"{story_id}.md" if story_id else None
    if waiting is None or not waiting.exists():
        try:
            waiting = None if story_id else offer_draft(term, drafts(app.home))
        except Quit:
            return
    if waiting is not None:
        draft = StoryDraft.resume(waiting, app.home, taxonomy, level)
    else:
        draft = StoryDraft(app.home, taxonomy, level, story_id=story_id or "")
    companies = {p["company"] for p in app.store.plans()}
    offered = draft.active_principles(app.library.deck_names, companies)
    path = guided_story(draft, term, offered, on_section=coach_probes(term))
    if path is not None:
        report_story(app, path)


def story_from_editor(app, story_id: str) -> None:
    """The template in drafts/, opened in $EDITOR; saved into the bank only if it changed."""
    import os

    from drill.bank import template
    from drill.editor import open_in_editor
    from drill.home import write_private
    from drill.story_draft import drafts_dir, untouched_template

    path = app.home.stories_dir / f"{story_id}.md"
    if path.exists():
        raise DrillError(f"{path} exists already")
    draft = drafts_dir(app.home) / f"{story_id}.md"
    draft.parent.mkdir(mode=0o700, exist_ok=True)
    if not draft.exists():
        write_private(draft, template())
    open_in_editor(draft)
    if untouched_template(draft.read_text(encoding="utf-8", errors="replace")):
        draft.unlink()
        raise DrillError(
            "the template was not changed, so no story was saved; "
            f"run `drill story new {story_id} --editor` again and fill in its sections"
        )
    os.replace(draft, path)
    report_story(app, path)


def report_story(app, path) -> None:
    from drill.bank import read_story

    story_value, problems = read_story(
        path, app.library.taxonomy.categories, app.library.taxonomy.principles
    )
    for problem in problems:
        click.echo(str(problem), err=True)
    if story_value is not None:
        click.echo(f"Saved {path}.")
        click.echo(f"Check it with `drill lint {story_value.id}`.")


@story.command("import")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--dry-run", is_flag=True, help="Show what would be written; write nothing.")
@click.option("--force", is_flag=True, help="Overwrite story files that exist already.")
@click.option("--yes", is_flag=True, help="Do not ask before writing.")
def story_import(files: tuple[str, ...], dry_run: bool, force: bool, yes: bool) -> None:
    """Import STAR notes (Markdown or text, one or many stories a file) as stories."""
    from pathlib import Path

    from drill.bank import parse_story
    from drill.coach import lint as lint_story
    from drill.coach.star import match_question, plan
    from drill.home import iso, write_private

    app = App()
    sources = []
    unreadable = 0
    for name in files:
        try:
            data = Path(name).read_bytes()
        except OSError as exc:
            click.echo(f"{name}: cannot read: {exc.strerror}", err=True)
            unreadable += 1
            continue
        try:
            sources.append((name, data.decode("utf-8").lstrip("\ufeff")))
        except UnicodeDecodeError:
            click.echo(f"{name}: not UTF-8 text; save it as UTF-8", err=True)
            unreadable += 1
    if unreadable and not sources:
        raise DrillError("no file could be read, so nothing was imported")
    existing = {p.stem for p in app.home.stories_dir.glob("*.md")}
    planned, notes = plan(sources, existing, force)
    for note in notes:
        click.echo(note, err=True)
    questions = list(app.library.questions.values())
    names = {cid: f"{c.name} {c.description}" for cid, c in app.library.taxonomy.categories.items()}
    mappings = {}
    for item in planned:
        story_value, _ = parse_story(item.text, item.id, f"{item.id}.md")
        found = lint_story(story_value, app.config.level) if story_value else []
        rules = sorted({f.rule for f in found})
        click.echo(f"{item.id}  ({item.source}, {item.action})  {item.story.title}")
        click.echo(f"  filled:  {', '.join(item.story.filled) or 'nothing'}")
        click.echo(f"  missing: {', '.join(item.story.missing) or 'nothing'}")
        click.echo(
            f"  lint:    {len(found)} finding{'s' * (len(found) != 1)}"
            + (f" ({', '.join(rules)})" if rules else "")
        )
        question = match_question(item.story.question, questions, names)
        if item.story.question and question is not None:
            mappings[item.id] = question
            click.echo(f"  maps to: {question.id}  {question.text}")
    todo = [p for p in planned if p.action != "skip"]
    if dry_run or not todo:
        click.echo(f"Nothing written ({len(todo)} of {len(planned)} would be).")
        return
    if not yes and not click.confirm(
        f"Write {len(todo)} stor{'ies' if len(todo) != 1 else 'y'} to {app.home.stories_dir}?",
        default=True,
    ):
        click.echo("Nothing written.")
        return
    for item in todo:
        write_private(app.home.stories_dir / f"{item.id}.md", item.text)
        if item.id in mappings:
            app.store.map_story(mappings[item.id].id, item.id, iso(app.clock().utc))
    click.echo(f"Wrote {len(todo)}; `drill lint` shows what each story still needs.")


@story.command("list")
@json_option
def story_list(as_json: bool) -> None:
    """List the stories, with their level, categories and any file problems."""
    app = App()
    bank = app.library.bank
    active = {s.id for s in bank.active()}
    rows = [
        {
            "id": s.id,
            "title": s.title,
            "summary": s.summary,
            "level": s.level,
            "categories": list(s.categories),
            "principles": s.principles,
            "example": s.example,
            "active": s.id in active,
            "path": str(s.path),
        }
        for s in sorted(bank.stories.values(), key=lambda s: (s.example, s.id))
    ]
    if as_json:
        echo_json({"stories": rows, "problems": [str(p) for p in bank.problems]})
        return
    from drill.charts import text_width

    width = text_width()
    id_w = max([len(row["id"]) for row in rows if len(row["id"]) <= 32] or [0])
    first = id_w + 9  # the id and the level column
    for row in rows:
        flag = " (example)" if row["example"] else ""
        flag += "" if row["active"] else " [not drilled]"
        head = f"{row['id']:{id_w}} {row['level'] or '-':7} "
        tail = ", ".join(row["categories"]) + flag
        indent = " " * (first if len(head) <= first and width - first >= 20 else 4)
        click.echo(_fill(head + tail, width, indent))
        if row["summary"]:
            click.echo(_fill(row["summary"], width, "    ", "    "))
    for problem in bank.problems:
        click.echo(str(problem), err=True)
    if bank.only_examples:
        text = (
            "Your own stories have errors (above); the examples stand in until one is fixed."
            if app.library.own_story_errors
            else "Only the shipped examples so far: `drill story new` adds one of your own."
        )
        click.echo(_fill(text, width, ""))


def _fill(text: str, width: int, rest: str, first: str = "") -> str:
    import textwrap

    return textwrap.fill(
        text, width, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
    )


@story.command("show")
@click.argument("story_id", metavar="ID", shell_complete=complete_story)
def story_show(story_id: str) -> None:
    """Print a story with its level estimate."""
    app = App()
    story_value = app.library.bank.stories.get(story_id)
    if story_value is None:
        own_story(app, story_id)  # raises with the right message
        raise DrillError(f"{story_id}.md does not parse; `drill story list` shows why")
    click.echo(story_value.text.rstrip())
    click.echo()
    try:
        from drill.coach import estimate_level
    except ImportError:  # pragma: no cover - coaching not installed
        return
    estimate = estimate_level(story_value)
    click.echo(f"Estimated level: {estimate.level} (target {app.config.level})")
    for item in estimate.missing_for(app.config.level):
        click.echo(f"  missing: {item}")


@story.command("edit")
@click.argument("story_id", metavar="ID", shell_complete=complete_story)
def story_edit(story_id: str) -> None:
    """Open a story in $EDITOR; its history stays with it (an example: your own copy)."""
    from drill.bank import own_copy
    from drill.editor import open_in_editor

    app = App()
    example = app.library.bank.stories.get(story_id)
    mine = app.home.stories_dir / f"{story_id}.md"
    if example is not None and example.example and not mine.exists():
        path = own_copy(example, app.home.stories_dir)  # as `E` in the drill does
        click.echo(f"Copied the example to {path}: it is your own story now.")
    else:
        path = own_story(app, story_id)
    open_in_editor(path)
    report_story(app, path)


@story.command("rename")
@click.argument("old", metavar="OLD", shell_complete=complete_story)
@click.argument("new", metavar="NEW")
def story_rename(old: str, new: str) -> None:
    """Rename a story; its cards, reviews and mappings follow it."""
    app = App()
    check_id(new)
    path = own_story(app, old)
    target = path.with_name(f"{new}.md")
    if target.exists():
        raise DrillError(f"{target} exists already")
    try:  # the file first: if the database then fails, the file goes back
        path.rename(target)
    except OSError as exc:
        raise DrillError(f"cannot rename {path}: {exc.strerror}; nothing was changed") from None
    try:
        app.store.rename_story(old, new)
    except BaseException:
        target.rename(path)
        raise
    click.echo(f"Renamed {old} to {new}; history kept.")


@story.command("rm")
@click.argument("story_id", metavar="ID", shell_complete=complete_story)
@click.option("--purge", is_flag=True, help="Also delete its cards, reviews and mappings.")
@click.option("--yes", is_flag=True, help="Do not ask.")
def story_rm(story_id: str, purge: bool, yes: bool) -> None:
    """Delete a story file; its history is kept (inactive) unless --purge."""
    app = App()
    path = own_story(app, story_id)
    what = "and its history " if purge else ""
    if not yes and not click.confirm(f"Delete {path} {what}?", default=False):
        click.echo("Nothing deleted.")
        return
    if purge:
        app.store.purge_story(story_id)
    path.unlink()
    kept = "" if purge else " Its cards and reviews are kept; restore the file to get them back."
    click.echo(f"Deleted {story_id}.{kept}")


# --- mapping --------------------------------------------------------------------------------


@click.group()
def mapping() -> None:
    """Which story answers which question."""


@mapping.command("show")
@click.argument("question", required=False, shell_complete=complete_question)
@json_option
def mapping_show(question: str | None, as_json: bool) -> None:
    """List questions of the active decks with their mapped stories."""
    app = App()
    maps = app.store.mappings()
    questions = (
        [app.library.find_question(question)] if question else list(app.library.questions.values())
    )
    rows = [
        {"question": q.id, "text": q.text, "stories": sorted(maps.get(q.id, ()))} for q in questions
    ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        stories = ", ".join(row["stories"]) or "-"
        click.echo(f"{row['question']:40} {stories}")
    unmapped = sum(1 for r in rows if not r["stories"])
    click.echo(f"{len(rows) - unmapped} of {len(rows)} questions mapped.")


@mapping.command("set")
@click.argument("question", shell_complete=complete_question)
@click.argument("story_id", metavar="STORY", shell_complete=complete_story)
def mapping_set(question: str, story_id: str) -> None:
    """Map a question to a story (a question may have several)."""
    from drill.home import iso

    app = App()
    q = app.library.find_question(question)
    if story_id not in app.library.bank.stories:
        raise DrillError(f"no story {story_id!r} (`drill story list`)")
    app.store.map_story(q.id, story_id, iso(app.clock().utc))
    click.echo(f"{q.id} -> {story_id}")


@mapping.command("unset")
@click.argument("question", shell_complete=complete_question)
@click.argument("story_id", metavar="[STORY]", required=False, shell_complete=complete_story)
def mapping_unset(question: str, story_id: str | None) -> None:
    """Remove a mapping (all of a question's, without STORY)."""
    app = App()
    q = app.library.find_question(question)
    removed = app.store.unmap_story(q.id, story_id)
    if removed:
        click.echo(f"Removed {removed} mapping{'s' if removed != 1 else ''} of {q.id}.")
    elif story_id:
        click.echo(f"Nothing removed: {story_id!r} is not mapped to {q.id} (`drill mapping show`).")
    else:
        click.echo(f"Nothing removed: {q.id} has no mapping.")


COMMANDS = (story, mapping)
