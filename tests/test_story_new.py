"""Writing a story: the guided prompts, the draft they leave, and the $EDITOR template."""

import io
import sys

import pytest
from click.testing import CliRunner
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.plain_text import PlainTextOutput

from drill.bank import HINTS, read_story
from drill.cli import cli
from drill.home import open_home
from drill.library import Library
from drill.story_draft import StoryDraft, drafts
from drill.ui.story_new import ListCompleter, offer_draft
from drill.ui.terminal import Terminal
from tests.drivers import FULL, guided, new_draft


def test_guided_story_asks_for_principles_and_writes_them(home):
    path, _ = guided(new_draft(home), FULL)
    library = Library(home, home.config())
    story, problems = read_story(path, library.taxonomy.categories, library.taxonomy.principles)
    assert problems == []
    assert story.principles == {"ownership": "deep", "bias-for-action": "surface"}


def test_an_unknown_principle_asks_again(home):
    keys = FULL.replace("ownership deep, bias-for-action\r", "ownrship deep\rownership deep\r")
    path, screen = guided(new_draft(home), keys)
    assert "unknown principle 'ownrship'" in screen
    assert read_story(path)[0].principles == {"ownership": "deep"}


def completions(completer, text):
    return [c.text for c in completer.get_completions(Document(text), None)]


def test_category_completion_works_for_every_item_of_the_list():
    completer = ListCompleter({"delivery": "", "mentoring": "", "technical-decision": ""})
    assert completions(completer, "techn") == ["technical-decision"]
    assert completions(completer, "technical-decision, deli") == ["delivery"]
    assert completions(completer, "delivery, mentoring, tech") == ["technical-decision"]


def test_principle_completion_offers_depth_after_an_id():
    completer = ListCompleter(
        {"ownership": "Ownership", "dive-deep": "Dive Deep"}, then=("deep", "surface")
    )
    assert completions(completer, "own") == ["ownership"]
    assert completions(completer, "ownership ") == ["deep", "surface"]
    assert completions(completer, "ownership s") == ["surface"]
    assert completions(completer, "ownership deep, di") == ["dive-deep"]


def test_hints_wrap_at_word_boundaries_within_80_columns(home):
    _, screen = guided(new_draft(home), FULL)
    printed = [line for line in screen.splitlines() if "> " not in line]  # not the prompts
    assert max(len(line) for line in printed) <= 80
    flat = " ".join(screen.split())
    for hint in HINTS.values():
        assert " ".join(hint.split()) in flat  # every word whole, in order


def test_each_finished_section_reaches_the_hook(home):
    seen = []
    guided(
        new_draft(home),
        FULL,
        on_section=lambda draft, name: seen.append((name, draft.sections[name])),
    )
    assert [name for name, _ in seen][:3] == ["situation", "problem", "decision"]
    assert ("decision", "I chose to cache layers.") in seen and len(seen) == 8


def test_a_stopped_story_keeps_the_line_being_typed_and_resumes(home):
    stop = "Half a story\r\r\r\r\r\rSome situation.\rI noticed half"
    path, screen = guided(new_draft(home), stop + "\x03")
    assert path is None and "offers to resume it" in " ".join(screen.split())
    [draft_path] = drafts(home)
    assert "I noticed half" in draft_path.read_text()
    buffer = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("r")
        assert (
            offer_draft(Terminal(input=pipe, output=PlainTextOutput(buffer)), drafts(home))
            == draft_path
        )
    library = Library(home, home.config())
    resumed = StoryDraft.resume(draft_path, home, library.taxonomy, "senior")
    assert resumed.title == "Half a story" and resumed.sections["situation"] == "Some situation."
    # Enter keeps every value shown; the rest is typed now
    keys = (
        "\r\r\r"
        + "delivery\r\r\r\r"
        + "\x15I noticed deploys blocked releases.\r"
        + "I chose.\r\r\r\r\r\r"
    )
    path, _ = guided(resumed, keys)
    story = read_story(path)[0]
    assert story.title == "Half a story" and story.section_text("situation") == "Some situation."
    assert story.section_text("problem") == "I noticed deploys blocked releases."
    assert drafts(home) == []  # the draft became the story


def run(*args):
    return CliRunner().invoke(cli, list(args))


def editor(tmp_path, monkeypatch, body: str):
    script = tmp_path / "ed.py"
    script.write_text(body)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")


def test_editor_refuses_an_untouched_template(home, tmp_path, monkeypatch):
    editor(tmp_path, monkeypatch, "pass\n")
    result = run("story", "new", "mine", "--editor")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "the template was not changed, so no story was saved" in result.output
    assert not (home.stories_dir / "mine.md").exists()
    assert drafts(home) == []


def test_editor_saves_a_changed_template_as_a_story(home, tmp_path, monkeypatch):
    editor(
        tmp_path,
        monkeypatch,
        "import sys, pathlib\np = pathlib.Path(sys.argv[-1])\n"
        "p.write_text(p.read_text().replace('Title of the story', 'Mine'))\n",
    )
    result = run("story", "new", "mine", "--editor")
    assert result.exit_code == 0, result.output
    assert "# Mine" in (open_home().stories_dir / "mine.md").read_text()
    assert drafts(home) == []


@pytest.mark.parametrize("level", ["staff"])
def test_level_typed_is_kept(home, level):
    path, _ = guided(
        new_draft(home), FULL.replace("bias-for-action\r\r", f"bias-for-action\r\x15{level}\r")
    )
    assert read_story(path)[0].level == level


def test_validate_reports_what_would_not_load(home):
    draft = new_draft(home)
    draft.title, draft.story_id = "A title", "a-title"
    assert [p for p in draft.validate() if p.severity == "error"] == []
    draft.principles = {"not-a-principle": "deep"}  # as a hand-edited draft might hold
    assert any("not-a-principle" in p.message for p in draft.validate())


def test_a_story_that_would_not_load_is_kept_as_a_draft(home):
    def spoil(draft, name):
        draft.principles = {"not-a-principle": "deep"}

    path, screen = guided(new_draft(home), FULL, on_section=spoil)
    assert path is None and "unknown principle 'not-a-principle'" in screen
    assert not list(home.stories_dir.glob("*.md"))
    assert [p.name for p in drafts(home)] == ["cutting-deploy-time.md"]


def test_history_and_story_new_editor_never_import_prompt_toolkit(home):
    import os
    import subprocess

    code = (
        "import sys\n"
        "from drill.cli import cli\n"
        "for args in (['history'], ['story', 'new', 'x', '--editor']):\n"
        "    try:\n"
        "        cli(args, prog_name='drill')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "assert 'prompt_toolkit' not in sys.modules, 'prompt_toolkit imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "EDITOR": "true"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "the template was not changed" in done.stderr + done.stdout
