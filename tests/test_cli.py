"""The non-interactive commands through click, checked against files and the store."""

import io
import json
import stat

import click
import pytest
from click.testing import CliRunner
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.plain_text import PlainTextOutput

from drill.cli import cli
from drill.home import clock_from_env
from drill.library import Library
from drill.records import Rehearsal
from drill.session import Answer, Session
from drill.store import Store
from drill.ui.story_new import guided_story
from drill.ui.terminal import Terminal
from tests.samples import STRONG


def run(*args, input=None):
    result = CliRunner().invoke(cli, list(args), input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result


def all_commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


def test_every_command_has_help_text():
    for path, command in all_commands(cli):
        assert command.help and len(command.help) > 15, path
        assert run(*path, "--help").exit_code == 0


def test_status_json_has_the_documented_keys(bank_home):
    data = json.loads(run("status", "--json").output)
    assert set(data) == {
        "due",
        "new",
        "reviews_today",
        "streak_days",
        "stories",
        "questions",
        "mapped_questions",
        "next_interview",
    }
    assert data["stories"] == 2 and data["questions"] > 100 and data["new"] == 10


def grade_some(home, n):
    session = Session(Store(home.db_path), Library(home, home.config()), clock_from_env)
    for _ in range(n):
        session.grade(session.next_card(), Answer(), 3)


def test_cards_json_keys_kind_filter_and_undo(bank_home):
    grade_some(bank_home, 2)
    cards = json.loads(run("cards", "--json").output)
    assert set(cards[0]) == {
        "id",
        "kind",
        "ref",
        "state",
        "due",
        "stability",
        "difficulty",
        "reps",
        "lapses",
        "retrievability",
    }
    stories = json.loads(run("cards", "--kind", "story", "--json").output)
    assert stories and all(c["kind"] == "story" and ":" in c["ref"] for c in stories)
    assert sum(c["reps"] for c in cards) == 2
    assert json.loads(run("status", "--json").output)["reviews_today"] == 2
    result = run("undo")
    assert result.exit_code == 0 and "Undid grade 3" in result.output
    assert json.loads(run("status", "--json").output)["reviews_today"] == 1
    run("undo")
    assert "Nothing to undo" in run("undo").output


def test_where_lists_paths(home):
    output = run("where").output
    assert str(home.db_path) in output and str(home.stories_dir) in output


def test_story_list_show_rename_rm_keep_history(bank_home):
    grade_some(bank_home, 10)
    listing = json.loads(run("story", "list", "--json").output)
    assert {s["id"] for s in listing["stories"] if s["active"]} == {"invoices", "mentor"}
    shown = run("story", "show", "invoices")
    assert "Moving invoices" in shown.output and "Estimated level" in shown.output
    store = Store(bank_home.db_path)
    history = store._scalar("select count(*) from reviews")
    assert run("story", "rename", "invoices", "billing").exit_code == 0
    assert (bank_home.stories_dir / "billing.md").exists()
    run("status")
    assert store._scalar("select count(*) from cards where ref = 'billing' and active = 1") == 5
    assert run("story", "rm", "mentor", input="n\n").output.count("Nothing deleted") == 1
    assert run("story", "rm", "mentor", "--yes").exit_code == 0
    assert not (bank_home.stories_dir / "mentor.md").exists()
    run("status")
    assert store._scalar("select count(*) from reviews") == history
    assert store._scalar("select count(*) from cards where ref = 'mentor' and active = 0") == 5
    assert run("story", "rm", "billing", "--yes", "--purge").exit_code == 0
    assert store._scalar("select count(*) from cards where ref = 'billing'") == 0


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("story", "show", "nope"), "no story 'nope'"),
        (("story", "rename", "invoices", "Bad Id"), "lowercase letters"),
        (("story", "rm", "idempotent-invoicing", "--yes"), "shipped example"),
        (("mapping", "set", "core/nope", "invoices"), "no question 'core/nope'"),
        (("plan", "add", "acme", "yesterday"), "not an ISO 8601 time"),
        (("plan", "add", "acme", "2026-11-01 10:00"), "in the past"),
        (("plan", "rm", "42"), "no plan with id 42"),
        (("cram", "--at", "2026-12-03", "--in", "2d"), "not both"),
        (("analyze", "--story", "nope", "-"), "no story 'nope'"),
    ],
)
def test_bad_arguments_are_named(bank_home, args, needle):
    result = run(*args)
    assert result.exit_code in (1, 2)
    assert needle in result.output


def test_mapping_set_show_unset(bank_home):
    assert run("mapping", "set", "big-call-missing", "x").exit_code == 1
    qid = json.loads(run("mapping", "show", "--json").output)[0]["question"]
    local = qid.split("/", 1)[1]
    assert run("mapping", "set", local, "invoices").exit_code == 0
    assert run("mapping", "set", qid, "mentor").exit_code == 0
    shown = json.loads(run("mapping", "show", qid, "--json").output)
    assert shown[0]["stories"] == ["invoices", "mentor"]
    assert json.loads(run("status", "--json").output)["mapped_questions"] == 1
    picks = json.loads(run("cards", "--kind", "pick", "--json").output)
    assert [c["ref"] for c in picks] == [qid]
    assert "Removed 2 mappings" in run("mapping", "unset", qid).output
    assert json.loads(run("cards", "--kind", "pick", "--json").output) == []


def test_plan_add_list_rm_and_status(bank_home):
    assert run("plan", "add", "amazon", "2026-12-03 10:00").exit_code == 0
    plans = json.loads(run("plan", "list", "--json").output)
    assert plans[0]["company"] == "amazon"
    assert plans[0]["at"].startswith("2026-12-03T10:00:00+01:00")
    assert json.loads(run("status", "--json").output)["next_interview"].startswith("2026-12-03")
    assert run("plan", "rm", str(plans[0]["id"])).exit_code == 0
    assert json.loads(run("plan", "list", "--json").output) == []


def test_lint_exit_codes_and_json(bank_home):
    clean = run("lint", "invoices")
    assert clean.exit_code == 0, clean.output
    weak = bank_home.stories_dir / "weak.md"
    weak.write_text(
        "# Weak\n\n## Situation\nWe had a slow API.\n\n"
        "## Decision\nWe decided to add a cache and we built it.\n"
    )
    result = run("lint", "weak", "--json")
    [entry] = json.loads(result.output)
    assert entry["id"] == "weak"
    assert entry["level"]["estimate"] == "junior" and entry["level"]["target"] == "senior"
    assert entry["level"]["missing"][0]["signal"] == "owned-work"
    findings = entry["findings"]
    rules = {f["rule"] for f in findings}
    assert {"missing-section", "we-heavy"} <= rules
    assert result.exit_code == 1  # missing-section is an error
    assert all(f["story"] == "weak" and f["line"] >= 1 for f in findings)
    we = next(f for f in findings if f["rule"] == "we-heavy")
    assert we["line"] == 7 and we["span"].startswith("We decided")  # the line that caused it
    strict = run("lint", "mentor", "--strict")
    assert strict.exit_code == (1 if "no findings" not in strict.output else 0)


def test_analyze_reads_stdin_and_compares_with_story(bank_home):
    text = "I chose a worker because it removed the lock. Run time went from 9 hours to 30 minutes."
    result = run("analyze", "--story", "invoices", "--json", "-", input=text)
    data = json.loads(result.output)
    assert data["i_count"] == 1 and "9 hours" in " ".join(data["numbers"])
    assert any("40 minutes" in json.dumps(c) for c in data["contradictions"])
    assert run("analyze", "-", input="   ").exit_code == 1


def test_history_lists_nothing_then_a_rehearsal(bank_home):
    assert "No rehearsals yet" in run("history").output
    store = Store(bank_home.db_path)
    store.add_rehearsal(
        Rehearsal(
            at="2026-12-01T08:00:00+00:00",
            question="core/x",
            story="invoices",
            text="I did it",
            seconds=42.0,
            budget_seconds=180,
            followup="How?",
            followup_text="",
            followup_seconds=3.0,
            analysis=json.dumps({"words": 3}),
            rating=3,
        )
    )
    assert "core/x" in run("history").output
    one = json.loads(run("history", "1", "--json").output)
    assert one["analysis"] == {"words": 3} and one["text"] == "I did it"


def test_history_shows_an_ungraded_rehearsal_as_ungraded(bank_home):
    Store(bank_home.db_path).add_rehearsal(
        Rehearsal(
            at="2026-12-01T08:00:00+00:00",
            question="core/x",
            story=None,
            text="Half",
            seconds=5.0,
            budget_seconds=180,
            rating=None,
        )
    )
    listed = run("history").output
    assert "ungraded" in listed and "None" not in listed
    one = run("history", "1").output
    assert "grade: ungraded (stopped before the grade)" in one and "None" not in one


def test_interactive_commands_need_a_terminal(bank_home):
    for args in ((), ("daily",), ("map",), ("cram", "--in", "1d"), ("rehearse",), ("story", "new")):
        result = run(*args)
        assert result.exit_code == 2, args
        assert "needs an interactive terminal" in result.output


def quiet(pipe):
    return Terminal(input=pipe, output=PlainTextOutput(io.StringIO()))


def new_draft():
    from drill.cli.common import App
    from drill.story_draft import StoryDraft

    app = App()
    return StoryDraft(app.home, app.library.taxonomy, app.config.level)


def test_story_new_guided_writes_a_private_story(home):
    keys = (
        "Cutting deploy time\r"
        "\r"  # title, accept the suggested id
        "Deploys from 40 to 8 minutes\r"
        "technical-decision, delivery\r"
        "\r"  # no principles
        "\r"  # level default
        "A 30-person startup.\r"
        "I noticed deploys blocked releases.\r"
        "I chose to cache layers.\r"
        "Bigger runners, because cost\r"
        "Fewer tests, because risk\r"
        "\r"
        "The SRE lead was against it at first.\r"
        "Releases went daily.\r"
        "Deploy time went from 40 to 8 minutes.\r"
        "I now measure before tuning.\r"
    )
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        path = guided_story(
            new_draft(), Terminal(input=pipe, output=PlainTextOutput(io.StringIO()))
        )
    assert path.name == "cutting-deploy-time.md"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    from drill.bank import read_story

    story, problems = read_story(path)
    assert problems == []
    assert story.categories == ("technical-decision", "delivery") and story.level == "senior"
    assert story.section_text("alternatives") == (
        "- Bigger runners, because cost\n- Fewer tests, because risk"
    )
    assert "40 to 8 minutes" in story.section_text("metric")


def test_story_new_quit_midway_keeps_a_draft(home):
    with create_pipe_input() as pipe:
        pipe.send_text("Half a story\r\r\r\r\r\rSome situation.\r\x03")
        path = guided_story(
            new_draft(), Terminal(input=pipe, output=PlainTextOutput(io.StringIO()))
        )
    assert path is None
    draft = home.root / "drafts" / "half-a-story.md"
    assert "Some situation." in draft.read_text()
    assert not list(home.stories_dir.glob("*.md"))


def test_story_new_editor_template(home, monkeypatch, tmp_path):
    import sys

    script = tmp_path / "ed.py"
    script.write_text(
        "import sys, pathlib\np = pathlib.Path(sys.argv[-1])\n"
        "p.write_text(p.read_text().replace('Title of the story', 'Mine'))\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    result = run("story", "new", "mine", "--editor")
    assert result.exit_code == 0, result.output
    assert "# Mine" in (home.stories_dir / "mine.md").read_text()


def test_strong_fixture_story_is_valid():
    from drill.bank import parse_story

    assert parse_story(STRONG, "s", "s.md")[1] == []


def test_history_lines_fit_a_narrow_terminal(bank_home):
    Store(bank_home.db_path).add_rehearsal(
        Rehearsal(
            at="2026-12-01T08:00:00+00:00",
            question="amazon/a-rather-long-question-identifier",
            story="idempotent-invoicing",
            text="Half",
            seconds=5.0,
            budget_seconds=180,
        )
    )
    out = CliRunner().invoke(cli, ["history"], env={"COLUMNS": "60"}).output
    assert max(len(line) for line in out.splitlines()) <= 60
    assert "idempotent-invoicing" in out and "ungraded" in out
