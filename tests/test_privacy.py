"""Privacy: no network access by any command, files private to the user, $EDITOR without a shell."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from drill import editor
from drill.cli import cli
from drill.errors import DrillError
from drill.home import clock_from_env, open_home
from drill.library import Library
from drill.session import Answer, Session
from drill.store import Store

# Runs commands in one process with every way out to the network cut, and the umask at 0 so
# files get only the modes drill itself gives them. No conftest: this is a plain interpreter.
RUNNER = textwrap.dedent(
    """
    import json, os, socket, sys

    attempts = []

    def blocked(*args, **kwargs):
        attempts.append(repr(args)[:200])
        raise OSError(101, "network access disabled by the privacy test")

    socket.socket.connect = blocked
    socket.socket.connect_ex = blocked
    socket.socket.sendto = blocked
    socket.create_connection = blocked
    socket.getaddrinfo = blocked

    import urllib.request
    try:  # the guard itself must notice a connection attempt
        urllib.request.urlopen("http://127.0.0.1:9/", timeout=1)
    except Exception:
        pass
    guard_works = bool(attempts)
    attempts.clear()

    os.umask(0)
    import drill.cli

    steps, report = json.loads(sys.argv[1]), sys.argv[2]
    results = []
    for step in steps:
        os.environ.update(step.get("env", {}))
        sys.argv = ["drill", *step["args"]]
        try:
            drill.cli.main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        results.append({"args": step["args"], "code": code, "attempts": list(attempts)})
        attempts.clear()
    with open(report, "w") as out:
        json.dump({"guard_works": guard_works, "results": results}, out)
    """
)


def run_offline(steps: list[dict], tmp_path: Path) -> dict:
    report = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, json.dumps(steps), str(report)],
        env={**os.environ, "EDITOR": "true"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(report.read_text())


def graded(home, count: int = 3) -> None:
    store = Store(home.db_path)
    session = Session(store, Library(home, home.config()), clock_from_env, fuzz=False)
    for _ in range(count):
        session.grade(session.next_card(), Answer(story="invoices"), 3)
    store.close()


def test_no_command_touches_the_network_and_every_file_is_private(bank_home, tmp_path):
    graded(bank_home)
    out = tmp_path / "out"
    out.mkdir()
    transcript = out / "answer.txt"
    transcript.write_text("I chose a queue because it cut the run from 9 hours to 40 minutes.\n")
    imported = tmp_path / "imported"
    steps = [
        ["where"],
        ["status"],
        ["status", "--json"],
        ["cards"],
        ["cards", "--json"],
        ["story", "list"],
        ["story", "show", "invoices"],
        ["story", "new", "--editor", "drafted"],
        ["story", "rename", "drafted", "drafted-2"],
        ["mapping", "show"],
        ["mapping", "set", "core/build-or-adopt", "mentor"],
        ["plan", "add", "amazon", "2026-12-03 10:00"],
        ["plan", "list"],
        ["lint"],
        ["coverage"],
        ["coverage", "--company", "amazon"],
        ["analyze", str(transcript), "--story", "invoices"],
        ["stats"],
        ["optimize", "--dry-run"],
        ["history"],
        ["export", "--format", "json", "-o", str(out / "backup.json")],
        ["export", "--format", "md", "-o", str(out / "cram.md")],
        ["export", "--format", "apkg", "-o", str(out / "drill.apkg")],
        ["doctor"],
        ["undo"],
    ]
    plan = [{"args": args} for args in steps]
    # an editor that fills the title in: an untouched template is refused, not saved
    edit = {"EDITOR": "sed -i 's/Title of the story/Drafted/'"}
    plan[steps.index(["story", "new", "--editor", "drafted"])]["env"] = edit
    plan.append(
        {"args": ["import", str(out / "backup.json")], "env": {"DRILL_HOME": str(imported)}}
    )
    plan.append({"args": ["status"], "env": {"DRILL_HOME": str(imported)}})
    report = run_offline(plan, tmp_path)
    assert report["guard_works"]
    assert [r["args"] for r in report["results"]] == [step["args"] for step in plan]
    for result in report["results"]:
        assert result["attempts"] == [], result
    codes = {" ".join(r["args"]): r["code"] for r in report["results"]}
    allowed_one = {"lint"}  # lint exits 1 on errors in the stories; that is its job
    assert {k: c for k, c in codes.items() if c != 0 and k not in allowed_one} == {}, codes
    assert (out / "drill.apkg").stat().st_size > 0 and (imported / "drill.db").exists()
    assert (bank_home.stories_dir / "drafted-2.md").exists()

    user_written = {"invoices.md", "mentor.md"}  # written by the test, as a user would
    for root in (bank_home.root, imported):
        for path in [root, *root.rglob("*")]:
            mode = stat.S_IMODE(path.stat().st_mode)
            if path.is_dir():
                assert mode == 0o700, (path, oct(mode))
            elif path.name not in user_written or root == imported:
                assert mode == 0o600, (path, oct(mode))
    names = {p.name for p in bank_home.root.rglob("*")}
    assert {"drill.db", "config.toml", "drafted-2.md"} <= names


def test_the_home_is_created_private_even_with_a_permissive_umask(drill_env):
    old = os.umask(0)
    try:
        home = open_home()
        Store(home.db_path).close()
    finally:
        os.umask(old)
    for path in (home.root, home.stories_dir, home.decks_dir):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
    for path in (home.config_path, home.db_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


# --- $EDITOR without a shell ------------------------------------------------------------------

RECORDER = """\
#!{python}
import json, sys
with open({record!r}, "w") as out:
    json.dump(sys.argv, out)
"""


@pytest.fixture
def recorder(tmp_path) -> tuple[Path, Path]:
    """An editor at a path with a space in it that writes down the argv it was given."""
    folder = tmp_path / "path with space"
    folder.mkdir()
    script = folder / "ed.py"
    record = tmp_path / "argv.json"
    script.write_text(RECORDER.format(python=sys.executable, record=str(record)))
    script.chmod(0o755)
    return script, record


def test_editor_words_are_split_like_a_shell_but_run_without_one(recorder, tmp_path, monkeypatch):
    script, record = recorder
    story = tmp_path / "my stories" / "it's here.md"
    story.parent.mkdir()
    story.write_text("# T\n")
    monkeypatch.setenv("EDITOR", f'"{script}" --flag "a b"')
    assert editor.open_in_editor(story) == 0
    assert json.loads(record.read_text()) == [str(script), "--flag", "a b", str(story)]


def test_shell_syntax_in_editor_is_passed_on_literally(recorder, tmp_path, monkeypatch):
    script, record = recorder
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("EDITOR", f"'{script}' '$(touch pwned)' ; touch pwned2 `touch pwned3` $HOME")
    story = tmp_path / "s.md"
    story.write_text("# T\n")
    editor.open_in_editor(story)
    argv = json.loads(record.read_text())
    assert argv == [
        str(script),
        "$(touch pwned)",
        ";",
        "touch",
        "pwned2",
        "`touch",
        "pwned3`",
        "$HOME",
        str(story),
    ]
    assert not any((tmp_path / name).exists() for name in ("pwned", "pwned2", "pwned3"))


def test_visual_wins_over_editor(recorder, tmp_path, monkeypatch):
    script, record = recorder
    monkeypatch.setenv("EDITOR", "/nonexistent/editor")
    monkeypatch.setenv("VISUAL", f"'{script}' -v")
    editor.open_in_editor(tmp_path / "s.md")
    assert json.loads(record.read_text())[1:] == ["-v", str(tmp_path / "s.md")]


def test_story_edit_from_the_cli_runs_the_editor_with_exact_argv(bank_home, recorder, monkeypatch):
    script, record = recorder
    monkeypatch.setenv("EDITOR", f'"{script}" --wait "two words"')
    result = CliRunner().invoke(cli, ["story", "edit", "mentor"])
    assert result.exit_code == 0, result.output
    path = bank_home.stories_dir / "mentor.md"
    assert json.loads(record.read_text()) == [str(script), "--wait", "two words", str(path)]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("/nonexistent/editor --flag", "cannot run '/nonexistent/editor'"),
        ('"unclosed', "cannot be split"),
        ("   ", "EDITOR is empty"),
    ],
)
def test_a_bad_editor_is_a_message(bank_home, monkeypatch, value, message):
    monkeypatch.setenv("EDITOR", value)
    with pytest.raises(DrillError, match=message):
        editor.open_in_editor(bank_home.stories_dir / "mentor.md")
    result = CliRunner().invoke(cli, ["story", "edit", "mentor"])
    assert result.exit_code == 1 and message in result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)


def test_the_write_ahead_log_is_private_while_it_exists(bank_home):
    old = os.umask(0)
    try:
        store = Store(bank_home.db_path)
        store.set_meta("probe", "1")  # a write: the log and its index now exist
        logs = [bank_home.db_path.with_name(f"drill.db{s}") for s in ("-wal", "-shm")]
        assert all(p.exists() for p in logs)
        for path in logs:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        store.close()
    finally:
        os.umask(old)


@pytest.mark.parametrize("mode", [[], ["map"], ["rehearse"]])
def test_every_file_is_private_while_an_interactive_mode_runs(bank_home, mode):
    from tests.harness import Pty

    old = os.umask(0)
    try:
        if mode == ["map"]:
            CliRunner().invoke(cli, ["mapping", "set", "core/build-or-adopt", "invoices"])
        child = Pty(*mode, env={**os.environ})
        child.wait_for(r"Story>|Recall>|\[y/n\]|Map |start the sprint")
        for path in [bank_home.root, *bank_home.root.rglob("*")]:
            mode_bits = stat.S_IMODE(path.stat().st_mode)
            if path.is_dir():
                assert mode_bits == 0o700, (path, oct(mode_bits))
            elif path.name not in {"invoices.md", "mentor.md"}:
                assert mode_bits == 0o600, (path, oct(mode_bits))
        child.kill()
    finally:
        os.umask(old)
