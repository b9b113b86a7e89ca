"""Where things live and what time it is: DRILL_HOME, config.toml, permissions, DRILL_NOW."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path

from drill.errors import DrillError
from drill.files import write_private  # noqa: F401  (the home's writer)
from drill.ladder import LEVELS

DEFAULT_CONFIG_TEXT = """\
# drill configuration. Delete a line to get its default back.

# Question decks drilled every day (file stems from the shipped decks or $DRILL_HOME/decks).
decks = ["core", "traps"]

# New cards introduced per day.
new_per_day = 10

# Target probability of recalling a card when it comes due (0.7 to 0.99).
desired_retention = 0.9

# Hour (local time, 0-23) at which a new day starts for daily limits and streaks.
day_starts_at = 4

# The level you are interviewing for: junior, mid, senior or staff.
level = "senior"

# While an interview is planned: minutes a day its plan may ask of you (1-240).
plan_daily_minutes = 15
"""


@dataclass(frozen=True)
class Config:
    decks: tuple[str, ...] = ("core", "traps")
    new_per_day: int = 10
    desired_retention: float = 0.9
    day_starts_at: int = 4
    level: str = "senior"
    plan_daily_minutes: float = 15
    path: Path | None = field(default=None, compare=False)


def parse_config(text: str, path: Path | str = "config.toml") -> Config:
    """Validate config text; every error names the file, the key and the line."""
    import tomllib  # here: a prompt's `drill status` mostly reads the config from its cache

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DrillError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise DrillError(f"{path}: invalid TOML: values nested too deeply") from None

    def where(key: str) -> str:
        for number, line in enumerate(text.splitlines(), 1):
            if re.match(rf"\s*{re.escape(key)}\s*=", line):
                return f"{path}:{number}"
        return str(path)

    known = {
        "decks",
        "new_per_day",
        "desired_retention",
        "day_starts_at",
        "level",
        "plan_daily_minutes",
    }
    for key in raw:
        if key not in known:
            raise DrillError(
                f"{where(key)}: unknown setting {key!r}; known: {', '.join(sorted(known))}"
            )
    values: dict = {}
    if "decks" in raw:
        decks = raw["decks"]
        if not isinstance(decks, list) or not all(isinstance(d, str) and d for d in decks):
            raise DrillError(f'{where("decks")}: decks must be a list of deck names, e.g. ["core"]')
        values["decks"] = tuple(decks)
    if "new_per_day" in raw:
        n = raw["new_per_day"]
        if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 1000:
            raise DrillError(f"{where('new_per_day')}: new_per_day must be a whole number 0-1000")
        values["new_per_day"] = n
    if "desired_retention" in raw:
        r = raw["desired_retention"]
        if isinstance(r, bool) or not isinstance(r, int | float) or not 0.7 <= r <= 0.99:
            raise DrillError(
                f"{where('desired_retention')}: desired_retention must be between 0.7 and 0.99"
            )
        values["desired_retention"] = float(r)
    if "day_starts_at" in raw:
        h = raw["day_starts_at"]
        if isinstance(h, bool) or not isinstance(h, int) or not 0 <= h <= 23:
            raise DrillError(f"{where('day_starts_at')}: day_starts_at must be an hour 0-23")
        values["day_starts_at"] = h
    if "level" in raw:
        level = raw["level"]
        if level not in LEVELS:
            raise DrillError(f"{where('level')}: level must be one of {', '.join(LEVELS)}")
        values["level"] = level
    if "plan_daily_minutes" in raw:
        m = raw["plan_daily_minutes"]
        if isinstance(m, bool) or not isinstance(m, int | float) or not 1 <= m <= 240:
            raise DrillError(
                f"{where('plan_daily_minutes')}: plan_daily_minutes must be a number of "
                "minutes, 1-240"
            )
        values["plan_daily_minutes"] = float(m)
    return Config(**values, path=Path(path))


def home_dir() -> Path:
    env = os.environ.get("DRILL_HOME")
    if env:
        return Path(env).expanduser()
    import click

    return Path(click.get_app_dir("drill"))


@dataclass(frozen=True)
class Home:
    """The user's data directory and the files in it."""

    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / "config.toml"

    @property
    def stories_dir(self) -> Path:
        return self.root / "stories"

    @property
    def decks_dir(self) -> Path:
        return self.root / "decks"

    @property
    def db_path(self) -> Path:
        return self.root / "drill.db"

    def ensure(self) -> Home:
        """Create the home on first use, private to the user."""
        if not self.root.exists():  # an import killed between its two renames: finish it
            from drill.backup import finish_interrupted_import

            finish_interrupted_import(self.root)
        for directory in (self.root, self.stories_dir, self.decks_dir):
            if not directory.is_dir():
                try:
                    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
                except OSError as exc:
                    raise DrillError(f"cannot create {directory}: {exc.strerror}") from None
                os.chmod(directory, 0o700)
        if not self.config_path.exists():
            write_private(self.config_path, DEFAULT_CONFIG_TEXT)
        return self

    def config(self) -> Config:
        try:
            text = self.config_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Config(path=self.config_path)
        except (OSError, UnicodeDecodeError) as exc:
            raise DrillError(f"{self.config_path}: cannot read: {exc}") from None
        return parse_config(text, self.config_path)


def open_home() -> Home:
    return Home(home_dir()).ensure()


# --- the clock -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """'Now' and the local time zone; DRILL_NOW fixes both for tests and reproducible runs."""

    now: datetime  # aware
    tz: tzinfo | None  # None: the system's local zone, DST included

    @property
    def utc(self) -> datetime:
        return self.now.astimezone(UTC)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def day(self, moment: datetime, day_starts_at: int) -> date:
        """The local study day a moment belongs to; a day starts at day_starts_at o'clock."""
        return (self.local(moment) - timedelta(hours=day_starts_at)).date()

    def study_day(self, day_starts_at: int) -> date:
        """Today's study day: the one calculation of "today" for limits, streaks and logs."""
        return self.day(self.now, day_starts_at)

    def next_day_start(self, day_starts_at: int) -> datetime:
        """UTC moment the current study day ends."""
        today = self.day(self.now, day_starts_at)
        local_start = datetime(today.year, today.month, today.day, day_starts_at) + timedelta(
            days=1
        )
        if self.tz is None:
            start = local_start.astimezone()
            if start.replace(tzinfo=None) != local_start:  # a DST gap: the day starts after it
                start = local_start.replace(fold=1).astimezone()
            return start.astimezone(UTC)
        return local_start.replace(tzinfo=self.tz).astimezone(UTC)


# Times a person gives (DRILL_NOW, interview dates): a range where every date sum drill does
# (FSRS's intervals of up to 100 years included) stays a valid datetime.
FIRST_YEAR, LAST_YEAR = 1970, 2200


def parse_moment(value: str, what: str = "DRILL_NOW", tz: tzinfo | None = None) -> datetime:
    """Parse an ISO 8601 time; without an offset it is read in `tz` (the local zone)."""
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1) if " " in text else text)
    except ValueError:
        raise DrillError(
            f"{what}={value!r}: not an ISO 8601 time (e.g. 2026-12-01T09:00:00+01:00)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz) if tz is not None else moment.astimezone()
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise DrillError(f"{what}={value!r}: the year must be between {FIRST_YEAR} and {LAST_YEAR}")
    return moment


def clock_from_env() -> Clock:
    value = os.environ.get("DRILL_NOW")
    if value:
        moment = parse_moment(value)
        if datetime.fromisoformat(value.strip().replace(" ", "T", 1)).tzinfo is None:
            raise DrillError(
                f"DRILL_NOW={value!r}: needs a UTC offset, e.g. 2026-12-01T09:00:00+01:00"
            )
        return Clock(now=moment, tz=moment.tzinfo)
    now = datetime.now().astimezone()
    return Clock(now=now, tz=None)


def iso(moment: datetime) -> str:
    """UTC text of fixed width, so SQL comparisons of due dates sort correctly."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def parse_iso(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text).astimezone(UTC)
