"""`drill status` for the shell (issue 17): a fast path that is never stale, a prompt segment,
shell completion."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from click.testing import CliRunner

from drill import status
from drill.cli import cli
from drill.home import clock_from_env, iso
from drill.library import Library
from drill.session import Answer, Session
from drill.store import Store


def full(*args: str) -> str:
    result = CliRunner().invoke(cli, ["status", *args])
    assert result.exit_code == 0 and result.exception is None, result.output
    return result.output


def fast(capsys, monkeypatch, *args: str) -> str:
    """The console script's answer, as a prompt gets it."""
    capsys.readouterr()
    monkeypatch.setattr(sys, "argv", ["drill", "status", *args])
    try:
        status.main()
    except SystemExit as exc:  # the full command line exits when done
        assert exc.code == 0
    return capsys.readouterr().out


def agree(capsys, monkeypatch, fast_path: bool) -> dict:
    """Fast and full answers are the same, in every format; returns the counts."""
    assert (status.fast_counts() is not None) == fast_path
    answers = {}
    for args in ((), ("--json",), ("--format", "prompt")):
        answers[args] = fast(capsys, monkeypatch, *args)
        assert answers[args] == full(*args), args
    assert status.fast_counts() is not None  # the full path synced: next time is fast
    return json.loads(answers[("--json",)])


def test_fast_and_full_answers_agree_across_a_grade_an_undo_an_edit_and_an_import(
    bank_home, capsys, monkeypatch, tmp_path
):
    full()  # the first run creates the database and syncs
    first = agree(capsys, monkeypatch, fast_path=True)
    assert first["reviews_today"] == 0 and first["new"] == 10

    session = Session(
        Store(bank_home.db_path), Library(bank_home, bank_home.config()), clock_from_env
    )
    session.grade(session.next_card(), Answer(), 3)
    graded = agree(capsys, monkeypatch, fast_path=True)
    assert graded["reviews_today"] == 1 and graded["new"] == 9 and graded["streak_days"] == 1

    assert CliRunner().invoke(cli, ["undo"]).exit_code == 0
    assert agree(capsys, monkeypatch, fast_path=True) == first

    bank_home.config_path.write_text("new_per_day = 3\n")  # same decks: still the fast path
    assert agree(capsys, monkeypatch, fast_path=True)["new"] == 3
    bank_home.config_path.write_text("new_per_day = 10\n")

    story = bank_home.stories_dir / "mentor.md"
    story.write_text(story.read_text().replace("# ", "# Renamed: ", 1))
    (bank_home.stories_dir / "extra.md").write_text(
        (bank_home.stories_dir / "invoices.md").read_text()
    )
    edited = agree(capsys, monkeypatch, fast_path=False)
    assert edited["stories"] == 3

    backup = tmp_path / "backup.json"
    assert CliRunner().invoke(cli, ["export", "--format", "json", "-o", str(backup)]).exit_code == 0
    other = tmp_path / "other"
    monkeypatch.setenv("DRILL_HOME", str(other))
    result = CliRunner().invoke(cli, ["import", str(backup)])
    assert result.exit_code == 0, result.output
    imported = agree(capsys, monkeypatch, fast_path=False)
    assert imported == edited


def test_the_fast_signature_is_the_librarys(bank_home):
    home = bank_home
    config = home.config()
    assert status.signature(home, config) == Library(home, config).signature()
    (home.decks_dir / "mine.toml").write_text('[deck]\nid = "mine"\n')
    home.config_path.write_text('decks = ["core", "mine", "missing", "core"]\n')
    config = home.config()
    assert status.signature(home, config) == Library(home, config).signature()
    for story in home.stories_dir.glob("*.md"):  # the examples are in play
        story.unlink()
    assert status.signature(home, config) == Library(home, config).signature()


def test_no_home_yet_goes_to_the_full_path(drill_env, capsys, monkeypatch):
    assert not drill_env.exists()
    assert status.fast_counts() is None
    out = fast(capsys, monkeypatch)
    assert out.startswith("due 0 · new") and drill_env.exists()


def test_unknown_arguments_go_to_the_full_path():
    assert status.parse_args([]) == ("text", False)
    assert status.parse_args(["--format=prompt", "--color"]) == ("prompt", True)
    assert status.parse_args(["--json", "--format", "json"]) == ("json", False)
    for args in (["--help"], ["--format", "xml"], ["--json", "--format", "prompt"], ["x"]):
        assert status.parse_args(args) is None


# --- the prompt segment -----------------------------------------------------------------------


def test_prompt_segment_is_empty_when_there_is_nothing_to_do(bank_home):
    bank_home.config_path.write_text("new_per_day = 0\n")
    assert full("--format", "prompt") == ""
    store = Store(bank_home.db_path)
    store.add_plan("acme", iso(clock_from_env().utc + timedelta(days=9)), "x")  # not near
    assert full("--format", "prompt") == ""
    store.add_plan("amazon", iso(clock_from_env().utc + timedelta(days=3, hours=2)), "x")
    assert full("--format", "prompt") == "drill amazon in 3d\n"


def test_prompt_segment_counts_and_colour_only_when_asked(bank_home):
    full()
    store = Store(bank_home.db_path)
    store.add_plan("amazon", iso(clock_from_env().utc + timedelta(hours=5)), "x")
    assert full("--format", "prompt") == "drill 10 new · amazon in 5h\n"
    coloured = full("--format", "prompt", "--color")
    assert "\x1b[36m10 new\x1b[0m" in coloured and "\x1b[35mamazon in 5h\x1b[0m" in coloured
    assert "\x1b" not in full() and "\x1b" not in full("--json")


def test_json_and_format_together_is_a_usage_error(bank_home):
    result = CliRunner().invoke(cli, ["status", "--json", "--format", "prompt"])
    assert result.exit_code == 2 and "not both" in result.output


def test_status_never_imports_click_prompt_toolkit_or_the_bank_on_the_fast_path(bank_home):
    full()
    code = (
        "import sys\n"
        "sys.argv = ['drill', 'status', '--format', 'prompt']\n"
        "from drill.status import main\n"
        "main()\n"
        "for name in ('click', 'prompt_toolkit', 'drill.library', 'drill.bank', 'fsrs'):\n"
        "    assert name not in sys.modules, name\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "drill 10 new\n"


@pytest.mark.parametrize("args", [["status"], ["status", "--json"], ["cards", "--json"]])
def test_status_and_cards_do_not_import_prompt_toolkit(bank_home, args):
    code = (
        "import sys\n"
        f"sys.argv = ['drill', *{args!r}]\n"
        "from drill.status import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "assert 'prompt_toolkit' not in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


# --- shell completion -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o nosort -F _drill_completion drill"),
        ("zsh", "#compdef drill"),
        ("fish", "complete --no-files --command drill"),
    ],
)
def test_completion_scripts_for_three_shells(shell, marker):
    result = CliRunner().invoke(cli, ["completion", shell])
    assert result.exit_code == 0 and result.exception is None
    assert marker in result.output and "_DRILL_COMPLETE" in result.output


def test_completion_of_an_unknown_shell_is_a_clear_error():
    result = CliRunner().invoke(cli, ["completion", "tcsh"])
    assert result.exit_code == 2 and "'tcsh' is not one of" in result.output


def complete(words: str, env_extra: dict | None = None) -> list[str]:
    """What click's bash completion answers for COMP_WORDS = words (cursor on the last)."""
    env = {
        **os.environ,
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split(" ")) - 1),
        "_DRILL_COMPLETE": "bash_complete",
    }
    done = subprocess.run(
        [sys.executable, "-m", "drill"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return [line.split(",", 1)[1] for line in done.stdout.splitlines()]


def test_bash_completion_completes_story_ids_commands_options_and_companies(bank_home):
    assert complete("drill story show inv") == ["invoices"]
    assert complete("drill story show ") == ["invoices", "mentor"]
    assert "status" in complete("drill st") and "story" in complete("drill st")
    assert complete("drill status --fo") == ["--format"]
    assert complete("drill status --format p") == ["prompt"]
    assert "amazon" in complete("drill plan add am")
    assert "core" in complete("drill daily --company co")
    assert any(q.startswith("core/") for q in complete("drill mapping set core/"))


def test_the_bash_script_fills_compreply_with_a_story_id(bank_home, tmp_path):
    script = tmp_path / "drill.bash"
    script.write_text(CliRunner().invoke(cli, ["completion", "bash"]).output)
    driver = (
        f"source {script}\n"
        "COMP_WORDS=(drill story edit me)\n"
        "COMP_CWORD=3\n"
        "_drill_completion drill\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    bindir = os.path.dirname(sys.executable)  # the `drill` console script is installed here
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ["PATH"]}
    done = subprocess.run(["bash", "-c", driver], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["mentor"]


def test_digests_are_reused_only_while_a_file_is_untouched(bank_home, monkeypatch, capsys):
    from pathlib import Path

    full()
    monkeypatch.setattr(status, "RACY_NS", 0)  # trust a digest as soon as it is taken
    assert status.fast_counts() is not None  # takes and keeps every digest
    reads = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self.name) or real(self))
    assert status.fast_counts() is not None and reads == []
    story = bank_home.stories_dir / "mentor.md"
    before = story.stat()
    text = story.read_text()
    story.write_text(text.replace("mentor", "MENTOR", 1))  # same size
    os.utime(story, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old mtime back
    assert story.stat().st_size == before.st_size
    assert story.stat().st_mtime_ns == before.st_mtime_ns
    assert status.fast_counts() is None  # the content changed: only a sync can tell
    assert reads == ["mentor.md"]
    monkeypatch.setattr(Path, "read_bytes", real)
    agree(capsys, monkeypatch, fast_path=False)
