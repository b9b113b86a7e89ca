"""The daily loop driven through prompt-toolkit with pipe input, checked against the store."""

import io

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.plain_text import PlainTextOutput

from drill.home import clock_from_env
from drill.library import Library
from drill.session import Session
from drill.store import Store
from drill.ui.daily import run_daily
from drill.ui.terminal import Terminal
from tests.samples import MINI


@pytest.fixture
def mini_home(bank_home):
    (bank_home.decks_dir / "mini.toml").write_text(MINI)
    bank_home.config_path.write_text('decks = ["mini"]\n')
    return bank_home


def drive(home, keys: str, **kwargs):
    store = Store(home.db_path)
    session = Session(store, Library(home, home.config()), clock_from_env, fuzz=False, **kwargs)
    buffer = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        terminal = Terminal(input=pipe, output=PlainTextOutput(buffer))
        summary = run_daily(session, terminal)
    return store, summary, buffer.getvalue()


def test_three_cards_answered_then_quit(mini_home):
    keys = (
        "invoices\r"
        "y"
        "moved it to a worker\r"
        "replicas, rewrite\r"
        "9 hours to 40 minutes, 2.1% to 0.2%\r"
        "\r"  # q1: right story, numbers: Enter = Good
        "\r"
        "3"  # story card: think, then Good
        "\r"
        "\r"  # q2: no story, Enter = suggested Again
        "\x04"  # Ctrl-D at the next prompt
    )
    store, summary, screen = drive(mini_home, keys)
    reviews = store._all(
        "select c.kind, c.ref, r.rating, r.story from reviews r join cards c on c.id = r.card_id "
        "order by r.id"
    )
    assert [(r["kind"], r["rating"]) for r in reviews] == [
        ("question", 3),
        ("story", 3),
        ("question", 1),
    ]
    assert reviews[0]["story"] == "invoices"
    assert store.mappings() == {"mini/big-call": {"invoices"}}
    assert summary.reviewed == 3 and summary.again == 1
    assert "Right story" in screen and "✓ 9 hours" in screen
    assert "1 Again" in screen and "3 Good*" in screen
    assert "Reviewed 3, again 1" in screen


def test_missing_metric_numbers_suggest_hard(mini_home):
    store, _, screen = drive(mini_home, "invoices\ry\r\r\r\r\x04")
    assert store._scalar("select rating from reviews") == 2
    assert "✗ 9 hours" in screen


def test_override_keys_and_undo(mini_home):
    # q1 graded Easy with 'e', then at the story card's grade line 'u' undoes it
    keys = "invoices\rn\r\r\re\ru\x04"
    store, summary, screen = drive(mini_home, keys)
    assert store._scalar("select count(*) from reviews") == 0
    assert store._scalar("select count(*) from cards where reps > 0") == 0
    assert store.mappings() == {}
    assert "Undid the last grade" in screen


def test_skip_buries_the_card(mini_home):
    store, _, screen = drive(mini_home, "\rs\x04")
    assert store._scalar("select count(*) from cards where buried_until is not null") == 1
    assert store._scalar("select count(*) from reviews") == 0


def test_help_then_grade_with_letter(mini_home):
    store, _, screen = drive(mini_home, "\r?a\x04")
    assert "undo the last grade" in screen
    assert store._scalar("select rating from reviews") == 1


def test_ctrl_c_at_grade_line_quits_keeping_earlier_grades(mini_home):
    store, summary, _ = drive(mini_home, "\r2\r\x03")
    assert store._scalar("select count(*) from reviews") == 1
    assert summary.reviewed == 1


def test_ambiguous_or_unknown_story_asks_again(mini_home):
    store, _, screen = drive(mini_home, "zzz\rinvoices\rn\r\r\r3\x04")
    assert "No story matches 'zzz'" in screen
    assert store._scalar("select story from reviews") == "invoices"


def test_examples_only_notice(home):
    home.config_path.write_text('decks = ["core"]\n')
    _, _, screen = drive(home, "\x04")
    assert "example stories" in screen and "drill story new" in screen


def test_editor_reloads_story(mini_home, monkeypatch, tmp_path):
    script = tmp_path / "ed.py"
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[-1])\n"
        "p.write_text(p.read_text().replace('40 minutes', '35 minutes'))\n"
    )
    import sys

    monkeypatch.setenv("EDITOR", f'"{sys.executable}" "{script}"')
    keys = "invoices\rn\r\r40 minutes\rE\r\x04"
    store, _, screen = drive(mini_home, keys)
    text = (mini_home.stories_dir / "invoices.md").read_text()
    assert "35 minutes" in text
    assert store._scalar("select count(*) from reviews") == 1
    assert screen.count("35 minutes") >= 1


def test_card_graded_elsewhere_meanwhile_is_reported_and_the_drill_goes_on(mini_home, monkeypatch):
    from drill.store import StaleCard

    real = Store.record_review
    calls = []

    def first_is_stale(self, card_id, *args, **kwargs):
        calls.append(card_id)
        if len(calls) == 1:
            raise StaleCard(card_id)
        return real(self, card_id, *args, **kwargs)

    monkeypatch.setattr(Store, "record_review", first_is_stale)
    store, summary, screen = drive(mini_home, "\r3\r3\x04")
    assert "Another drill graded this card meanwhile" in screen
    assert store._scalar("select count(*) from reviews") == 1 and summary.reviewed == 1


def test_refused_undo_keeps_the_grade_and_the_loop(mini_home, monkeypatch):
    from drill.errors import DrillError

    def refuse(self, review_id=None):
        raise DrillError("cannot undo review 1: its card was reviewed again since")

    monkeypatch.setattr(Store, "undo_last", refuse)
    store, summary, screen = drive(mini_home, "\r3\ru3\x04")
    assert "cannot undo review 1" in screen
    assert store._scalar("select count(*) from reviews") == 2 and summary.reviewed == 2
