"""Every parser fuzzed, the session driven by random actions, the CLI fed bad input.

Bad input must come back as a value with problems or a `DrillError` naming the file or the
setting; never any other exception, never a traceback on the command line.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drill import backup as jsonbackup
from drill import scheduling
from drill.bank import SECTIONS, parse_story, read_story
from drill.cli import cli
from drill.decks import Deck, Taxonomy, load_deck, load_taxonomy, shipped_decks_dir
from drill.errors import DrillError, Problem
from drill.home import Clock, Config, Home, clock_from_env, iso, parse_config, parse_iso
from drill.library import Library
from drill.session import Answer, Session
from drill.store import Store
from tests.samples import MENTOR, MINI, STRONG

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TAXONOMY, _ = load_taxonomy(shipped_decks_dir() / "taxonomy.toml")
CATEGORIES = sorted(TAXONOMY.categories)
PRINCIPLES = sorted(TAXONOMY.principles)

# --- strategies -------------------------------------------------------------------------------

TEXT = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")  # what files hold
LINE = st.text(TEXT, max_size=30)
TOML_SCALAR = st.one_of(
    st.just('"senior"'),
    st.just('"deep"'),
    st.just('"surface"'),
    st.just("true"),
    st.just("3"),
    st.just("-1"),
    st.just("0.9"),
    st.just("nan"),
    st.just("1979-05-27T07:32:00Z"),
    st.just('"technical-decision"'),
    st.just('"ownership"'),
    st.text(max_size=8).map(json.dumps),
    st.integers(-(10**20), 10**20).map(str),
)
TOML_VALUE = st.recursive(
    TOML_SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(
            st.tuples(st.sampled_from(["a", "ownership", "dive-deep", "deep", '"x y"']), inner),
            max_size=3,
            unique_by=lambda kv: kv[0],
        ).map(lambda kvs: "{ " + ", ".join(f"{k} = {v}" for k, v in kvs) + " }"),
    ),
    max_leaves=6,
)


def assignment(keys: list[str]):
    return st.tuples(st.sampled_from(keys), TOML_VALUE).map(lambda kv: f"{kv[0]} = {kv[1]}")


def toml_ish(keys: list[str], headers: list[str]):
    """Lines that are mostly TOML of the right shape, with some of every wrong shape."""
    return st.lists(st.one_of(assignment(keys), st.sampled_from(headers), LINE), max_size=14).map(
        "\n".join
    )


STORY_KEYS = ["title", "summary", "categories", "principles", "level", "tags", "example", "x"]
STORY_LINES = [
    "+++",
    "# Title",
    "## Situation",
    "## Metric",
    "## metric:",
    "## Decision",
    "## Alternatives",
    "## People I influenced",
    "## Trivia",
    "```",
    "- item",
    "9 hours to 40 minutes",
    "",
    "[principles]",
]


@st.composite
def story_texts(draw) -> str:
    body = draw(st.lists(st.sampled_from(STORY_LINES) | LINE, max_size=12))
    if draw(st.booleans()):
        front = draw(toml_ish(STORY_KEYS, ["[principles]", "+++", "[x]"]))
        return "\n".join(["+++", front, "+++", *body])
    return "\n".join(body)


@st.composite
def mutated(draw, original: str) -> str:
    """A valid file with a few edits of the kind a hurried hand makes."""
    lines = original.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "duplicate", "replace", "insert", "swap", "cut"]))
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "cut":
            text = "\n".join(lines)
            lines = text[: draw(st.integers(0, len(text)))].splitlines()
        elif not lines:
            lines = [draw(LINE)]
        elif op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "replace":
            lines[i] = draw(LINE | st.sampled_from(STORY_LINES))
        elif op == "insert":
            lines.insert(i, draw(LINE | st.sampled_from(STORY_LINES) | assignment(STORY_KEYS)))
        else:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))


# --- the story parser -------------------------------------------------------------------------


def check_story_result(result, text: str, known: bool) -> None:
    story, problems = result
    assert isinstance(problems, list)
    last_line = max(1, len(text.splitlines()))
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.severity in ("error", "warning")
        assert 1 <= problem.line <= last_line, (problem, last_line)
        assert problem.message.strip()
        assert str(problem).startswith(f"{problem.path}:{problem.line}: ")
    if story is None:
        assert any(p.severity == "error" for p in problems), problems
        return
    assert story.id == "s" and story.title
    assert set(story.sections) <= set(SECTIONS)
    for section in story.sections.values():
        assert 1 <= section.line <= last_line
    if known:
        assert set(story.categories) <= set(CATEGORIES)
        assert set(story.principles) <= set(PRINCIPLES)
        assert set(story.principles.values()) <= {"deep", "surface"}
    assert story.level in (None, "junior", "mid", "senior", "staff")
    assert isinstance(story.example, bool)


@FUZZ
@given(st.text())
def test_story_parser_on_any_text(text):
    check_story_result(parse_story(text, "s", "s.md"), text, known=False)
    check_story_result(parse_story(text, "s", "s.md", CATEGORIES, PRINCIPLES), text, known=True)


@FUZZ
@given(story_texts())
def test_story_parser_on_story_shaped_text(text):
    check_story_result(parse_story(text, "s", "s.md", CATEGORIES, PRINCIPLES), text, known=True)


@FUZZ
@given(mutated(STRONG))
def test_story_parser_on_mutations_of_a_valid_story(text):
    check_story_result(parse_story(text, "s", "s.md", CATEGORIES, PRINCIPLES), text, known=True)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300) | mutated(STRONG).map(lambda t: t.encode("utf-8")[:-3]))
def test_story_files_of_any_bytes(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.md"
        path.write_bytes(data)
        story, problems = read_story(path, CATEGORIES, PRINCIPLES)
    assert story is not None or any(p.severity == "error" for p in problems)
    for problem in problems:
        assert str(problem).startswith(f"{path}:")


# --- decks and the taxonomy -------------------------------------------------------------------

DECK_KEYS = [
    "id",
    "text",
    "variants",
    "categories",
    "principles",
    "trap",
    "look_for",
    "followups",
    "title",
    "question",
    "deck",
]
DECK_HEADERS = ["[deck]", "[[question]]", "[question]", "[[deck]]", "[deck.x]", 'id = "a-b"']
TAXONOMY_KEYS = ["id", "name", "description", "required", "deck", "categories", "gloss"]
TAXONOMY_HEADERS = [
    "[[category]]",
    "[[framework]]",
    "[[framework.principle]]",
    "[category]",
    "[framework]",
    "category = 1",
    "framework = 1",
    "principle = 1",
    'id = "failure"',
    'id = "amazon"',
]


@contextmanager
def written(text: str, name: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8")
        yield path


def check_deck_result(result, path: Path, taxonomy: Taxonomy | None) -> None:
    deck, problems = result
    for problem in problems:
        assert isinstance(problem, Problem) and problem.path == path and problem.line >= 1
        assert problem.message.strip()
    if deck is None:
        assert problems
        return
    assert isinstance(deck, Deck) and isinstance(deck.title, str)
    ids = [q.id for q in deck.questions]
    assert len(ids) == len(set(ids))
    for question in deck.questions:
        assert question.id.startswith(f"{path.stem}/") and question.text.strip()
        assert question.wording(7) in question.wordings
        if taxonomy is not None:
            assert set(question.categories) <= set(taxonomy.categories)
            assert set(question.principles) <= set(taxonomy.principles)


@FUZZ
@given(toml_ish(DECK_KEYS, DECK_HEADERS) | st.text(TEXT, max_size=200))
def test_deck_parser_on_toml_ish_text(text):
    with written(text, "mine.toml") as path:
        check_deck_result(load_deck(path), path, None)
        check_deck_result(load_deck(path, TAXONOMY), path, TAXONOMY)


@FUZZ
@given(mutated(MINI))
def test_deck_parser_on_mutations_of_a_valid_deck(text):
    with written(text, "mini.toml") as path:
        check_deck_result(load_deck(path, TAXONOMY), path, TAXONOMY)


@FUZZ
@given(toml_ish(TAXONOMY_KEYS, TAXONOMY_HEADERS) | st.text(TEXT, max_size=200))
def test_taxonomy_parser_on_toml_ish_text(text):
    with written(text, "taxonomy.toml") as path:
        taxonomy, problems = load_taxonomy(path)
    assert all(isinstance(p, Problem) and p.line >= 1 for p in problems)
    for framework in taxonomy.frameworks.values():
        assert framework.deck is None or isinstance(framework.deck, str)
        assert all(isinstance(p.id, str) and p.id for p in framework.principles)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("category = 1", "category"),
        ('[[framework]]\nid = "x"\nprinciple = 3', "principle"),
        ('[[framework]]\nid = "x"\ndeck = 5', "deck"),
    ],
)
def test_taxonomy_of_the_wrong_shape_is_a_problem_not_a_crash(text, needle, tmp_path):
    path = tmp_path / "taxonomy.toml"
    path.write_text(text)
    taxonomy, problems = load_taxonomy(path)
    assert any(needle in p.message for p in problems), problems
    assert all(f.deck is None for f in taxonomy.frameworks.values())


def test_questions_that_are_not_tables_are_reported(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('question = [1, "two"]\n')
    deck, problems = load_deck(path)
    assert deck is not None and deck.questions == ()
    assert problems and "[[question]]" in problems[0].message


DEEP = "a = " + "[" * 5000 + "]" * 5000 + "\n"


def test_toml_nested_too_deeply_is_a_message_everywhere(tmp_path):
    deck = tmp_path / "deep.toml"
    deck.write_text(DEEP)
    assert load_deck(deck)[0] is None and load_deck(deck)[1]
    assert load_taxonomy(deck)[1]
    story, problems = parse_story(f"+++\n{DEEP}+++\n# T\n", "s", "s.md")
    assert story is None and "TOML" in problems[0].message
    with pytest.raises(DrillError, match="config.toml"):
        parse_config(DEEP, "config.toml")


# --- config.toml ------------------------------------------------------------------------------

CONFIG_KEYS = ["decks", "new_per_day", "desired_retention", "day_starts_at", "level", "bogus"]


@FUZZ
@given(toml_ish(CONFIG_KEYS, ["[decks]", "[x]", 'level = "mid"']) | st.text(max_size=120))
def test_config_parser(text):
    try:
        config = parse_config(text, "/h/config.toml")
    except DrillError as exc:
        assert str(exc).startswith("/h/config.toml")
        return
    assert isinstance(config, Config)
    assert all(isinstance(d, str) and d for d in config.decks)
    assert 0 <= config.new_per_day <= 1000 and 0 <= config.day_starts_at <= 23
    assert 0.7 <= config.desired_retention <= 0.99
    assert config.level in ("junior", "mid", "senior", "staff")


# --- DRILL_NOW --------------------------------------------------------------------------------

OFFSETS = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))
ISO_TIMES = st.builds(
    lambda moment, tz, sep, spec: moment.replace(tzinfo=tz).isoformat(sep, spec),
    st.datetimes(),
    OFFSETS | st.none(),
    st.sampled_from(["T", " "]),
    st.sampled_from(["auto", "minutes", "seconds", "milliseconds"]),
)
ENV_TEXT = st.text(TEXT)


def check_clock_env(value: str) -> None:
    saved = os.environ.get("DRILL_NOW")
    os.environ["DRILL_NOW"] = value
    try:
        clock = clock_from_env()
    except DrillError as exc:
        assert "DRILL_NOW" in str(exc)
        return
    finally:
        os.environ["DRILL_NOW"] = saved or ""
    if not value:
        assert clock.tz is None  # empty: the real clock
        return
    assert clock.now.tzinfo is not None and clock.tz is not None
    # what every command then does with the clock must work
    assert parse_iso(iso(clock.utc)) == clock.utc
    day = clock.day(clock.now, 4)
    nxt = clock.next_day_start(4)
    assert nxt > clock.utc and clock.day(nxt, 4) == day + timedelta(days=1)
    session_horizon = clock.utc + timedelta(days=36500 + 1)  # FSRS's longest interval
    assert iso(session_horizon)


@FUZZ
@given(ENV_TEXT | ISO_TIMES)
def test_drill_now_is_a_clock_or_a_message(value):
    check_clock_env(value)


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "   2026-12-01",
        "2026-12-01T09:00:00",
        "2026-12-01T09:00",
        "20261201T0900",
        "2026-12-01 09:00 ",
    ],
)
def test_drill_now_edge_cases(value):
    check_clock_env(value)
    os.environ["DRILL_NOW"] = value
    with pytest.raises(DrillError, match="DRILL_NOW"):
        clock_from_env()


# --- the import file --------------------------------------------------------------------------

SCHEMA = {table: Store(":memory:").table_info(table) for table in jsonbackup.TABLE_KEYS}


@pytest.fixture(scope="module")
def real_backup(tmp_path_factory) -> dict:
    """A backup of a home with stories, reviews, a mapping and a plan."""
    root = tmp_path_factory.mktemp("backup") / "home"
    home = Home(root).ensure()
    (home.stories_dir / "invoices.md").write_text(STRONG)
    (home.decks_dir / "mini.toml").write_text(MINI)
    home.config_path.write_text('decks = ["mini"]\n')
    store = Store(home.db_path)
    session = Session(store, Library(home, home.config()), fixed_clock, fuzz=False)
    while (prompt := session.next_card()) is not None:
        session.grade(prompt, Answer(story="invoices"), 3)
    store.map_story("mini/big-call", "invoices", iso(fixed_clock().utc))
    store.add_plan("amazon", "2026-12-03T09:00:00.000000+00:00", iso(fixed_clock().utc))
    data = json.loads(jsonbackup.dump_backup(jsonbackup.build_backup(home, store)))
    store.close()
    assert data["reviews"]
    return data


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=4,
)


@st.composite
def mutated_backup(draw, data: dict) -> dict:
    data = json.loads(json.dumps(data))
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from(sorted(data)))
        value = data[key]
        rows = [r for r in value if isinstance(r, dict) and r] if isinstance(value, list) else []
        if rows and draw(st.booleans()):
            row = rows[draw(st.integers(0, len(rows) - 1))]
            column = draw(st.sampled_from(sorted(row)))
            if draw(st.booleans()):
                row[column] = draw(JSON_VALUE)
            else:
                del row[column]
        elif isinstance(value, dict) and value and draw(st.booleans()):
            name = str(draw(st.sampled_from(sorted(value))))
            value[draw(st.sampled_from([name, name + "x", "../" + name, ".hidden.md"]))] = draw(
                JSON_VALUE
            )
        elif draw(st.booleans()):
            del data[key]
        else:
            data[key] = draw(JSON_VALUE)
    return data


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_import_file_mutated_is_accepted_or_refused_with_a_message(real_backup, data):
    backup = data.draw(mutated_backup(real_backup))
    try:
        jsonbackup.parse_backup(json.dumps(backup), "b.json", SCHEMA)
    except DrillError as exc:
        assert str(exc).startswith("b.json: ")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_an_accepted_backup_then_works_in_every_command(real_backup, tmp_path_factory, data):
    """What the import lets in must not break anything later (not only parse)."""
    backup = data.draw(mutated_backup(real_backup))
    try:
        jsonbackup.parse_backup(json.dumps(backup), "b.json", SCHEMA)
    except DrillError:
        return
    folder = tmp_path_factory.mktemp("accepted")
    path = folder / "b.json"
    path.write_text(json.dumps(backup))
    env = {"DRILL_HOME": str(folder / "home"), "DRILL_NOW": "2026-12-02T09:00:00+01:00"}
    runner = CliRunner()
    imported = runner.invoke(cli, ["import", str(path)], env=env)
    assert imported.exit_code in (0, 1), imported.output
    assert imported.exception is None or isinstance(imported.exception, SystemExit)
    for args in (
        ["status", "--json"],
        ["cards", "--json"],
        ["stats", "--json"],
        ["plan", "list"],
        ["history"],
        ["undo"],
        ["optimize", "--dry-run"],
        ["doctor"],
    ):
        result = runner.invoke(cli, args, env=env)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            args,
            repr(result.exception),
        )


@pytest.mark.parametrize("big", [2**63, -(2**63) - 1, 2**70])
def test_import_of_a_number_sqlite_cannot_hold_is_refused(real_backup, big, tmp_path):
    backup = json.loads(json.dumps(real_backup))
    backup["plans"][0]["at"] = big
    with pytest.raises(DrillError, match=r"^b\.json: \"plans\"\[0\]: at"):
        jsonbackup.parse_backup(json.dumps(backup), "b.json", SCHEMA)
    path = tmp_path / "b.json"
    path.write_text(json.dumps(backup))
    result = CliRunner().invoke(cli, ["import", str(path)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert str(path) in result.output


# --- the session, driven by random actions ----------------------------------------------------

BERLIN_WINTER = timezone(timedelta(hours=1))


def fixed_clock() -> Clock:
    moment = datetime(2026, 12, 1, 9, 0, tzinfo=BERLIN_WINTER)
    return Clock(moment, moment.tzinfo)


NO_PEOPLE = re.sub(r"## People\n.*?\n\n", "", STRONG, flags=re.S)
EDITS = ["restore", "reword", "drop-section", "break", "delete", "rename", "to-utc"]


class Drive:
    """A session with a hand on the clock and the files, checked after every action."""

    def __init__(self, root: Path):
        self.home = Home(root).ensure()
        (self.home.stories_dir / "invoices.md").write_text(STRONG)
        (self.home.stories_dir / "mentor.md").write_text(MENTOR)
        (self.home.decks_dir / "mini.toml").write_text(MINI)
        self.home.config_path.write_text('decks = ["mini"]\nnew_per_day = 8\n')
        self.now = fixed_clock().now
        self.expected_reviews = 0
        self.stack: list[tuple[int, int, dict, int]] = []  # review, card, row before, epoch
        self.epoch = 0  # bumped whenever the card set may have been re-synced
        self.open()

    def clock(self) -> Clock:
        return Clock(self.now, self.now.tzinfo)

    def open(self) -> None:
        self.store = Store(self.home.db_path)
        library = Library(self.home, self.home.config())
        self.session = Session(
            self.store, library, self.clock, fuzz=False, max_cards=25, timer=lambda: 0.0
        )
        self.epoch += 1
        self.stack = []
        self.prompt = self.session.next_card()

    def act(self, action: tuple) -> None:
        name, *args = action
        getattr(self, name)(*args)
        self.check()

    def grade(self, rating: int) -> None:
        prompt = self.prompt
        if prompt is None:
            return
        answer = Answer(story=prompt.candidates[0].id if prompt.candidates else None)
        self.session.reveal(prompt, answer)
        now = self.clock().utc
        for delta in scheduling.preview(prompt.card.memory, now, self.session.scheduler).values():
            assert delta >= timedelta(0)
        before = self.store.card(prompt.card.id)
        review_id = self.session.grade(prompt, answer, rating)
        self.expected_reviews += 1
        self.stack.append((review_id, before.id, before, self.epoch))
        after = self.store.card(before.id)
        assert after.memory.reps == before.memory.reps + 1
        assert after.memory.due >= now and after.memory.last_review == now
        self.prompt = self.session.next_card()

    def undo(self) -> None:
        row = self.session.undo()
        if not self.stack:
            assert row is None
        else:
            review_id, card_id, before, epoch = self.stack.pop()
            self.expected_reviews -= 1
            assert row["id"] == review_id
            now = self.store.card(card_id)
            if epoch != self.epoch:  # a re-sync may have (de)activated or moved the card
                before = replace(before, active=now.active, position=now.position)
            assert now == before
        self.prompt = self.session.next_card()

    def skip(self) -> None:
        if self.prompt is not None:
            self.session.skip(self.prompt)
            until = self.store.card(self.prompt.card.id).buried_until
            assert until > self.clock().utc
        self.prompt = self.session.next_card()

    def edit(self, what: str) -> None:
        stories = self.home.stories_dir
        if what == "restore":
            (stories / "mentor-2.md").unlink(missing_ok=True)
            (stories / "invoices.md").write_text(STRONG)
            (stories / "mentor.md").write_text(MENTOR)
        elif what == "reword":
            (stories / "invoices.md").write_text(STRONG.replace("a queue", "a durable queue"))
        elif what == "drop-section":
            (stories / "invoices.md").write_text(NO_PEOPLE)
        elif what == "break":
            (stories / "invoices.md").write_text("+++\nlevel = \n+++\n" + STRONG)
        elif what == "delete":
            (stories / "mentor.md").unlink(missing_ok=True)
        elif what == "rename" and (stories / "mentor.md").exists():
            (stories / "mentor.md").rename(stories / "mentor-2.md")
        elif what == "to-utc":  # the user flies: same instant, another offset
            self.now = self.now.astimezone(UTC)
        self.session.reload()
        self.epoch += 1
        if self.prompt is not None:  # as the grade line does after `E`
            refreshed = self.session.prompt_for(self.store.card(self.prompt.card.id))
            if refreshed is not None:
                self.prompt = refreshed

    def tick(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    def quit(self) -> None:
        summary = self.session.summary()
        assert summary.reviewed == len(self.stack)
        self.store.close()
        self.open()

    def check(self) -> None:
        assert self.store.review_count() == self.expected_reviews
        assert len(self.session.history) == len(self.stack)
        assert self.session.done <= self.session.max_cards

    def final_check(self) -> None:
        assert self.store.integrity_check() == ["ok"]
        mismatched = self.store._all(
            "select c.id, c.reps, (select count(*) from reviews r where r.card_id = c.id) as n "
            "from cards c where c.reps != (select count(*) from reviews r where r.card_id = c.id)"
        )
        assert mismatched == []
        assert not self.store._scalar(
            "select count(*) from reviews r join cards c on c.id = r.card_id where c.due is null"
        )


ACTIONS = st.one_of(
    st.tuples(st.just("grade"), st.integers(1, 4)),
    st.tuples(st.just("grade"), st.integers(1, 4)),
    st.tuples(st.just("undo")),
    st.tuples(st.just("skip")),
    st.tuples(st.just("edit"), st.sampled_from(EDITS)),
    st.tuples(st.just("tick"), st.integers(-3 * 24 * 60, 3 * 24 * 60)),
    st.tuples(st.just("quit")),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(ACTIONS, max_size=25))
def test_random_session_actions_keep_the_invariants(actions):
    with tempfile.TemporaryDirectory() as tmp:
        drive = Drive(Path(tmp) / "home")
        try:
            for action in actions:
                drive.act(action)
            drive.final_check()
        finally:
            drive.store.close()


def test_drive_itself_sees_grades_and_undos():
    """The machine above checks something: a known run lands where it should."""
    with tempfile.TemporaryDirectory() as tmp:
        drive = Drive(Path(tmp) / "home")
        for action in [("grade", 3), ("grade", 1), ("grade", 4), ("undo",), ("quit",), ("undo",)]:
            drive.act(action)
        assert drive.store.review_count() == 2
        drive.final_check()
        drive.store.close()


# --- the command line with bad input ---------------------------------------------------------


def run(*args: str, env: dict | None = None):
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception),
        result.output,
    )
    return result


CONFIG_COMMANDS = [
    ["status"],
    ["cards"],
    ["story", "list"],
    ["lint"],
    ["coverage"],
    ["stats"],
    ["doctor"],
    ["export", "--format", "md"],
    ["mapping", "show"],
]


@pytest.mark.parametrize(
    ("config", "setting"),
    [
        ("decks = [\n", "invalid TOML"),
        ('new_per_day = "ten"\n', "new_per_day"),
        ("desired_retention = 2\n", "desired_retention"),
        ("day_starts_at = 24\n", "day_starts_at"),
        ('level = "wizard"\n', "level"),
        ("colour = true\n", "colour"),
    ],
)
def test_cli_with_a_broken_config_names_file_and_setting(home, config, setting):
    home.config_path.write_text(config)
    for args in CONFIG_COMMANDS:
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert str(home.config_path) in result.output and setting in result.output, args


def test_cli_with_a_broken_story_names_it_and_keeps_going(bank_home):
    run("status")  # cards exist for both stories
    bad = bank_home.stories_dir / "mentor.md"
    bad.write_text("+++\nlevel = \n+++\n# T\n")
    for args in (["status"], ["cards"], ["coverage"], ["stats"], ["export", "--format", "md"]):
        assert run(*args).exit_code == 0, args
    for args, code in ((["lint"], 1), (["doctor"], 1), (["story", "list"], 0)):
        result = run(*args)
        assert result.exit_code == code, (args, result.output)
        assert f"{bad}:" in result.output, args
    shown = run("story", "show", "mentor")
    assert shown.exit_code == 1 and "mentor.md" in shown.output


def test_cli_with_a_broken_user_deck_names_it(home):
    deck = home.decks_dir / "mine.toml"
    deck.write_text('[deck]\ntitle = "Mine"\n\n[[question]]\nid = "a"\ntext = "T?"\n[[question]\n')
    home.config_path.write_text('decks = ["core", "mine"]\n')
    for args in (["status"], ["cards"], ["mapping", "show"], ["export", "--format", "md"]):
        assert run(*args).exit_code == 0, args
    result = run("doctor")
    assert result.exit_code == 1 and f"{deck}:7:" in result.output


@pytest.mark.parametrize(
    "value", ["tomorrow", "2026-12-01", "2026-12-01T09:00:00", "0001-01-01T00:00:00+05:00"]
)
def test_cli_with_a_bad_drill_now_names_it(home, value):
    for args in (
        ["status"],
        ["cards"],
        ["stats"],
        ["export", "--format", "md"],
        ["plan", "add", "amazon", "2026-12-03 10:00"],
    ):
        result = run(*args, env={"DRILL_NOW": value})
        assert result.exit_code == 1, (args, result.output)
        assert "DRILL_NOW" in result.output and value.strip() in result.output, args


def test_cli_bad_options_exit_2_naming_the_option(home):
    result = run("plan", "add", "amazon", "next thursday-ish")
    assert result.exit_code == 2 and "DATETIME" in result.output and "ISO 8601" in result.output
    result = run("cards", "--kind", "flashcard")
    assert result.exit_code == 2 and "--kind" in result.output


def test_a_duplicate_question_id_points_at_the_duplicate(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        '[[question]]\nid = "a"\ntext = "One?"\n\n[[question]]\nid = "b"\ntext = "Two?"\n\n'
        '[[question]]\nid = "a"\ntext = "Three?"\n'
    )
    deck, problems = load_deck(path)
    assert [q.id for q in deck.questions] == ["mine/a", "mine/b"]
    assert [(p.line, p.message) for p in problems] == [(10, "duplicate question id 'a'")]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.dates(min_value=datetime(2024, 1, 1).date(), max_value=datetime(2027, 1, 1).date()),
        max_size=40,
    )
)
def test_study_days_are_the_distinct_review_days_in_order(days):
    store = Store(":memory:")
    store.conn.execute("insert into cards (id, kind, ref) values (1, 'question', 'q/a')")
    store.conn.executemany(
        "insert into reviews (card_id, at, day, rating, mode) values (1, 'x', ?, 3, 'daily')",
        [(d.isoformat(),) for d in days],
    )
    assert store.study_days() == sorted({d.isoformat() for d in days})
