"""`drill lint`, `drill coverage`, `drill analyze`: coaching from the command line."""

from __future__ import annotations

import sys

import click

from drill.cli.common import App, company_option_for, complete_story, echo_json, json_option
from drill.errors import DrillError

LEVEL_CHOICE = click.Choice(["junior", "mid", "senior", "staff"])


def use_color() -> bool:
    from drill.charts import use_color as colour_on

    return colour_on(sys.stdout)


@click.command()
@click.argument("stories", nargs=-1, metavar="[STORY]...", shell_complete=complete_story)
@click.option(
    "--level",
    type=LEVEL_CHOICE,
    help="Target level (default: each story's own `level`, else config `level`).",
)
@click.option("--json", "as_json", is_flag=True, help="Print each story's level and findings.")
@click.option("--strict", is_flag=True, help="Exit 1 on any finding, not only on errors.")
def lint(stories: tuple[str, ...], level: str | None, as_json: bool, strict: bool) -> None:
    """Check stories against the evidence standard; each finding quotes your text."""
    from drill.coach import estimate_level
    from drill.coach import lint as lint_story
    from drill.report import lint_json, render_lint

    app = App()
    library = app.library
    bank = library.bank
    pool = library.stories if not stories else bank.stories
    unknown = [s for s in stories if s not in bank.stories and s not in bank.broken]
    if unknown:
        raise DrillError(f"no story {', '.join(map(repr, unknown))} (`drill story list`)")
    chosen = [pool[s] for s in (stories or sorted(pool)) if s in pool]
    problems = [p for p in bank.problems if not stories or p.path.stem in stories]
    rows = []
    for story_value in chosen:
        target = level or story_value.level or app.config.level
        found = lint_story(story_value, target, library.taxonomy)
        rows.append((story_value, found, estimate_level(story_value), target))
    findings = [f for _, found, _, _ in rows for f in found]
    if as_json:
        echo_json(lint_json(rows, problems))
    else:
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo(render_lint(rows, level or app.config.level, use_color()))
    errors = any(f.severity == "error" for f in findings) or any(
        p.severity == "error" for p in problems
    )
    if errors or (strict and (findings or problems)):
        sys.exit(1)


@click.command()
@company_option_for("Framework to check principles against (e.g. amazon).")
@json_option
def coverage(company: str | None, as_json: bool) -> None:
    """What your bank can answer: categories, principles, unmapped questions, gaps."""
    from drill.coach import coverage as compute
    from drill.report import render_coverage

    app = App(company)
    library = app.library
    framework = None
    if company:
        framework = company.lower() if company.lower() in library.taxonomy.frameworks else None
    cov = compute(
        list(library.stories.values()),
        list(library.questions.values()),
        app.store.mappings(),
        library.taxonomy,
        framework,
        app.config.level,
    )
    if as_json:
        echo_json(cov.to_dict())
        return
    click.echo(render_coverage(cov, library.taxonomy, use_color()))


@click.command()
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-", metavar="[FILE|-]")
@click.option(
    "--story",
    "story_id",
    metavar="ID",
    help="Compare the numbers with this story.",
    shell_complete=complete_story,
)
@json_option
def analyze(source, story_id: str | None, as_json: bool) -> None:
    """Analyse an answer (a transcript): length, I vs we, numbers, decisions, fillers."""
    from drill.coach import analyze as run
    from drill.report import render_analysis

    story = None
    if story_id:
        app = App()
        story = app.library.bank.stories.get(story_id)
        if story is None:
            raise DrillError(f"no story {story_id!r} (`drill story list`)")
    if source.name == "<stdin>" and sys.stdin.isatty():
        click.echo("Paste or type the answer, then Ctrl-D:", err=True)
    try:
        text = source.read()
    except UnicodeDecodeError:
        raise DrillError(f"{source.name}: not UTF-8 text") from None
    if not text.strip():
        raise DrillError(f"{source.name}: nothing to analyse (empty text)")
    analysis = run(text, story)
    if as_json:
        echo_json(analysis.to_dict())
        return
    click.echo(render_analysis(analysis, use_color()))


COMMANDS = (lint, coverage, analyze)
