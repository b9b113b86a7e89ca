import stat
from datetime import UTC, datetime

import pytest

from drill.errors import DrillError
from drill.home import Clock, clock_from_env, parse_config, parse_moment


def test_first_use_creates_private_home_with_default_config(home):
    assert stat.S_IMODE(home.root.stat().st_mode) == 0o700
    assert stat.S_IMODE(home.config_path.stat().st_mode) == 0o600
    config = home.config()
    assert config.decks == ("core", "traps")
    assert (config.new_per_day, config.desired_retention) == (10, 0.9)
    assert (config.day_starts_at, config.level) == (4, "senior")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("new_per_day = -1", "config.toml:1: new_per_day"),
        ('level = "principal"', "level must be one of"),
        ("desired_retention = 2", "between 0.7 and 0.99"),
        ("decks = 3", "decks must be a list"),
        ("day_starts_at = 25", "hour 0-23"),
        ("colour = true", "unknown setting 'colour'"),
        ("level = ", "invalid TOML"),
    ],
)
def test_bad_config_names_file_and_setting(text, needle):
    with pytest.raises(DrillError, match=needle):
        parse_config(text, "config.toml")


def test_drill_now_fixes_clock_and_zone(monkeypatch):
    monkeypatch.setenv("DRILL_NOW", "2026-12-01T03:30:00+01:00")
    clock = clock_from_env()
    assert clock.utc == datetime(2026, 12, 1, 2, 30, tzinfo=UTC)
    # 03:30 local is before the 04:00 day start: still the previous study day
    assert clock.day(clock.now, 4).isoformat() == "2026-11-30"
    assert clock.day(clock.now, 0).isoformat() == "2026-12-01"
    assert clock.next_day_start(4) == datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize("value", ["tomorrow", "2026-13-01T00:00:00+00:00", "2026-12-01T09:00"])
def test_bad_drill_now_is_a_clear_error(monkeypatch, value):
    monkeypatch.setenv("DRILL_NOW", value)
    with pytest.raises(DrillError, match="DRILL_NOW"):
        clock_from_env()


def test_parse_moment_reads_naive_time_in_given_zone():
    clock = Clock(parse_moment("2026-12-01T09:00:00+02:00"), None)
    moment = parse_moment("2026-12-03 10:00", "--at", clock.now.tzinfo)
    assert moment.utcoffset().total_seconds() == 7200
