"""Every test gets its own DRILL_HOME and a fixed clock; no test touches the real home."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

from tests.harness import close_all
from tests.samples import add_mini, add_stories

NOW = "2026-12-01T09:00:00+01:00"
# The system zone the tests run in: Central European, as NOW's offset. Naive times the user
# types (`plan add`, `cram --at`) are read in the system zone for their date, DRILL_NOW or not.
os.environ["TZ"] = "CET-1CEST,M3.5.0,M10.5.0/3"
time.tzset()


@pytest.fixture(autouse=True)
def drill_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path / "home"
    monkeypatch.setenv("DRILL_HOME", str(home))
    monkeypatch.setenv("DRILL_NOW", NOW)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    yield home
    close_all()


@pytest.fixture
def home(drill_env: Path):
    from drill.home import open_home

    return open_home()


@pytest.fixture
def short_home(drill_env: Path, monkeypatch: pytest.MonkeyPatch):
    """`home` at a short path, for a test that looks for the whole path on an 80-column screen:
    drill shows only the tail of a path too long for the line, and a temporary folder's path
    can be (a long user name, a pytest-xdist worker's folder)."""
    from drill.home import open_home

    with tempfile.TemporaryDirectory(prefix="drill-") as folder:
        monkeypatch.setenv("DRILL_HOME", str(Path(folder) / "home"))
        yield open_home()


@pytest.fixture
def bank_home(home):
    """A home with two stories of the user's own."""
    return add_stories(home)


@pytest.fixture
def mini_home(bank_home):
    """The two stories and the MINI deck, the only deck drilled."""
    return add_mini(bank_home)


@pytest.fixture(scope="module")
def taxonomy():
    """The shipped taxonomy, which loads without a problem."""
    from drill.decks import load_taxonomy, shipped_decks_dir

    taxonomy, problems = load_taxonomy(shipped_decks_dir() / "taxonomy.toml")
    assert problems == []
    return taxonomy
