"""The story plan: an exact assignment of stories to principles, with pins and gaps."""

from __future__ import annotations

import itertools
import json
import random

import pytest
from click.testing import CliRunner

from drill.assign import (
    StoryFacts,
    Target,
    hungarian,
    make_plan,
    readiness,
    scores_for,
    solve,
)
from drill.cli import cli

LEVEL = "senior"


def facts(story: str, depths: dict, level: str = "senior", drilled: float = 0.0) -> StoryFacts:
    return StoryFacts(story, depths, level, drilled)


def targets(*ids: str) -> list[Target]:
    return [Target(t, t.title(), (f"cat-{t}",)) for t in ids]


# --- the solver against brute force -----------------------------------------------------------


def objective(plan: dict, scores: dict, cap: int) -> tuple:
    """What the plan optimises, lexicographically: coverage, then fewer reuses, then fit."""
    uses: dict[str, int] = {}
    for story in plan.values():
        if story:
            uses[story] = uses.get(story, 0) + 1
    assert all(n <= cap for n in uses.values())
    covered = sum(1 for s in plan.values() if s)
    reuse = sum(n * (n - 1) // 2 for n in uses.values())
    fit = sum(scores[(s, t)] for t, s in plan.items() if s)
    return (covered, -reuse, fit)


def brute_force(ids: list[str], scores: dict, cap: int) -> tuple:
    stories = sorted({s for s, _ in scores})
    best = None
    for choice in itertools.product([None, *stories], repeat=len(ids)):
        plan = dict(zip(ids, choice, strict=True))
        if any(s and (s, t) not in scores for t, s in plan.items()):
            continue
        if any(choice.count(s) > cap for s in stories):
            continue
        value = objective(plan, scores, cap)
        best = value if best is None or value > best else best
    return best


@pytest.mark.parametrize("seed", range(40))
def test_solve_matches_brute_force_on_small_random_banks(seed):
    rng = random.Random(seed)
    ids = [f"p{i}" for i in range(rng.randint(1, 5))]
    stories = [f"s{j}" for j in range(rng.randint(1, 4))]
    scores = {(s, t): rng.randint(0, 1000) for s in stories for t in ids if rng.random() < 0.5}
    cap = rng.randint(1, 3)
    plan = solve(ids, scores, cap)
    assert set(plan) == set(ids)
    assert objective(plan, scores, cap) == brute_force(ids, scores, cap)


def test_hungarian_finds_the_cheapest_assignment():
    cost = [[4, 1, 3], [2, 0, 5], [3, 2, 2]]
    cols = hungarian(cost)
    assert sorted(cols) == [0, 1, 2]
    assert sum(cost[r][c] for r, c in enumerate(cols)) == 5


# --- plans with a known best answer -----------------------------------------------------------


def test_each_story_once_when_the_bank_allows_even_over_a_deeper_fit():
    # "a" is deep on both; covering both with "a" would be allowed (cap 2) but "b" exists
    plan = make_plan(
        "x",
        targets("ownership", "dive-deep"),
        [
            facts("a", {"ownership": "deep", "dive-deep": "deep"}),
            facts("b", {"dive-deep": "surface"}),
        ],
    )
    assert {p.target: p.story for p in plan.picks} == {"ownership": "a", "dive-deep": "b"}
    assert plan.uses() == {"a": 1, "b": 1}


def test_deep_beats_surface_and_level_and_drill_break_ties():
    ts = targets("ownership")
    deep = make_plan(
        "x", ts, [facts("s", {"ownership": "surface"}), facts("d", {"ownership": "deep"})]
    )
    assert deep.picks[0].story == "d"
    level = make_plan(
        "x",
        ts,
        [facts("m", {"ownership": "deep"}, "mid"), facts("s", {"ownership": "deep"}, "senior")],
    )
    assert level.picks[0].story == "s"
    drilled = make_plan(
        "x",
        ts,
        [facts("new", {"ownership": "deep"}), facts("old", {"ownership": "deep"}, drilled=0.9)],
    )
    assert drilled.picks[0].story == "old"


def test_a_bank_that_cannot_cover_everything_shows_the_gap_and_the_story_to_write():
    ts = [
        Target("think-big", "Think Big", ("ambiguity", "scope")),
        Target("frugality", "Frugality", ("scope", "delivery")),
        Target("ownership", "Ownership", ("ownership",)),
        Target("dive-deep", "Dive Deep", ("technical-decision",)),
    ]
    bank = [facts("a", {"ownership": "deep", "dive-deep": "deep"})]
    plan = make_plan("x", ts, bank, cap=2)
    assert plan.covered == ["ownership", "dive-deep"]
    assert plan.uncovered == ["think-big", "frugality"]
    assert plan.suggestion.targets == ("think-big", "frugality")
    assert plan.suggestion.category == "scope"  # the category both principles share
    assert plan.suggestion.gain == 2


def test_suggestion_counts_a_story_freed_for_an_uncovered_principle():
    # a answers x and y (cap 2) and could answer z too; a new story on y frees a for z
    ts = targets("x", "y", "z")
    bank = [facts("a", {"x": "deep", "y": "deep", "z": "surface"})]
    plan = make_plan("k", ts, bank, cap=2)
    assert plan.uncovered == ["z"]
    suggestion = plan.suggestion
    assert suggestion.gain == 1 and "z" in suggestion.targets
    plan3 = make_plan("k", ts, bank, cap=1)
    assert plan3.suggestion.gain == 1


def test_pins_are_kept_and_the_rest_is_solved_around_them():
    ts = targets("ownership", "dive-deep")
    bank = [
        facts("a", {"ownership": "deep", "dive-deep": "deep"}),
        facts("b", {"dive-deep": "surface"}),
    ]
    plan = make_plan("x", ts, bank, pins={"dive-deep": "a"})
    chosen = {p.target: p.story for p in plan.picks}
    assert chosen == {"dive-deep": "a", "ownership": "a"}
    assert [p.pinned for p in plan.picks] == [False, True]
    # a pin on a story that does not state the principle stands, with no depth
    pinned = make_plan("x", ts, bank, pins={"ownership": "b"})
    assert pinned.picks[0].story == "b" and pinned.picks[0].depth == ""


def test_pins_to_vanished_stories_or_over_the_cap_are_reported():
    ts = targets("p", "q", "r")
    bank = [facts("a", {"p": "deep"})]
    plan = make_plan("x", ts, bank, pins={"p": "gone", "nope": "a"}, cap=2)
    assert any("no story 'gone'" in m for m in plan.problems)
    assert any("'nope' is not in this plan" in m for m in plan.problems)
    over = make_plan("x", ts, bank, pins={"p": "a", "q": "a", "r": "a"}, cap=2)
    assert any("over the cap of 2" in m for m in over.problems)


def test_readiness_counts_principles_with_a_drilled_story():
    rows = [
        {"target": "p", "story": "a"},
        {"target": "q", "story": "b"},
        {"target": "r", "story": None},
    ]
    ready = readiness(rows, {"a": 0.95, "b": 0.5}, 0.9)
    assert ready == {"principles": 3, "covered": 2, "drilled": 1, "stories": {"a": 0.95, "b": 0.5}}


def test_scores_ignore_principles_outside_the_plan():
    scores = scores_for(targets("p"), [facts("a", {"p": "deep", "other": "deep"})], LEVEL)
    assert list(scores) == [("a", "p")]


# --- the command on the example bank ----------------------------------------------------------


def test_assign_on_the_example_bank_covers_all_sixteen_principles_each_story_once(home):
    from drill.assign import fit_score, story_facts
    from drill.library import Library

    result = CliRunner().invoke(cli, ["assign", "--company", "amazon", "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    picks = {p["target"]: p for p in plan["picks"]}
    assert len(picks) == 16 and plan["uncovered"] == [] and plan["suggestion"] is None
    used = [p["story"] for p in picks.values()]
    assert len(set(used)) == 16  # the bank has enough stories: none is told twice
    assert all(p["depth"] in ("deep", "surface") for p in picks.values())
    # and no story left out would fit a principle better than the one it got
    library = Library(home, home.config(), ("amazon",))
    facts = story_facts(library.stories.values(), {}, "amazon")
    for f in facts:
        if f.id in used:
            continue
        for target, depth in f.depths.items():
            if target in picks:
                p = picks[target]
                assert fit_score(depth, f.level, 0.0, LEVEL) <= fit_score(
                    p["depth"], p["level"], 0.0, LEVEL
                ), (f.id, target)


def test_assign_without_a_framework_plans_the_required_categories(home):
    result = CliRunner().invoke(cli, ["assign", "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan["framework"] == "categories"
    assert [p["target"] for p in plan["picks"]][:2] == [
        "technical-decision",
        "cross-functional-conflict",
    ]
    assert len({p["story"] for p in plan["picks"]}) == len(plan["picks"])  # one story each


def test_assign_set_and_unset_pin_a_story_and_the_plan_is_stored(home):
    from drill.assign import assigned_stories
    from drill.store import Store

    runner = CliRunner()
    result = runner.invoke(cli, ["assign", "set", "frugality", "rates-api-sunset"])
    assert result.exit_code == 0, result.output
    out = runner.invoke(cli, ["assign", "--company", "amazon"])
    assert out.exit_code == 0
    assert "rates-api-sunset*" in out.output and "* pinned" in out.output
    assert max(len(line) for line in out.output.splitlines()) < 80
    store = Store(home.db_path)
    rows = {r["target"]: r for r in store.plan_rows("amazon")}
    assert rows["frugality"]["story"] == "rates-api-sunset" and rows["frugality"]["pinned"] == 1
    assert "rates-api-sunset" in assigned_stories(store, "Amazon")
    assert runner.invoke(cli, ["assign", "unset", "frugality"]).exit_code == 0
    assert store.pins("amazon") == {}
    again = runner.invoke(cli, ["assign", "unset", "frugality"])
    assert again.exit_code == 1 and "no pin on frugality" in again.output


def test_assign_set_rejects_unknown_principles_and_stories_in_one_line(home):
    runner = CliRunner()
    bad = runner.invoke(cli, ["assign", "set", "frugal", "rates-api-sunset"])
    assert bad.exit_code == 2 and "'frugal' is neither a principle" in bad.output
    assert bad.exception is None or isinstance(bad.exception, SystemExit)
    missing = runner.invoke(cli, ["assign", "set", "frugality", "nope"])
    assert missing.exit_code == 2 and "no story 'nope'" in missing.output


# --- readiness and cram -----------------------------------------------------------------------


def test_status_and_stats_show_the_story_plan_for_the_next_interview(home):
    runner = CliRunner()
    assert "planned_loop" not in json.loads(runner.invoke(cli, ["status", "--json"]).output)
    assert runner.invoke(cli, ["plan", "add", "amazon", "2026-12-03 10:00"]).exit_code == 0
    ready = json.loads(runner.invoke(cli, ["status", "--json"]).output)["planned_loop"]
    assert ready["principles"] == 0  # no plan solved yet
    assert runner.invoke(cli, ["assign"]).exit_code == 0  # the next interview's framework
    ready = json.loads(runner.invoke(cli, ["status", "--json"]).output)["planned_loop"]
    assert ready["company"] == "amazon" and ready["plan"] == "amazon"
    assert (ready["principles"], ready["covered"], ready["drilled"]) == (16, 16, 0)
    assert set(ready["stories"]) >= {"eu-data-residency"} and max(ready["stories"].values()) == 0
    assert "story plan: 0/16 with a drilled story" in runner.invoke(cli, ["status"]).output
    stats = runner.invoke(cli, ["stats"])
    assert stats.exit_code == 0, stats.output
    assert "story plan: 0 of 16 principles answered by a drilled story" in stats.output


def test_cram_drills_the_story_plan_stories_too(bank_home):
    from drill.home import clock_from_env
    from drill.library import Library
    from drill.modes import CramSession
    from drill.store import Store

    store = Store(bank_home.db_path)
    store.map_story("amazon/own-other-teams-system", "invoices", "x")

    def relevant_stories():
        library = Library(bank_home, bank_home.config(), ("amazon",))
        session = CramSession(
            store, library, clock_from_env, interview=clock_from_env().utc, deck="amazon"
        )
        return {r.ref for r in session.relevant() if r.kind == "story"}

    assert relevant_stories() == {"invoices"}
    store.pin("amazon", "hire-and-develop-the-best", "mentor", "x")
    assert relevant_stories() == {"invoices", "mentor"}


def test_a_backup_keeps_the_plan_and_the_loops_and_older_backups_still_import(
    home, tmp_path, monkeypatch
):
    from drill import backup
    from drill.store import Store

    runner = CliRunner()
    assert runner.invoke(cli, ["assign", "set", "frugality", "rates-api-sunset"]).exit_code == 0
    store = Store(home.db_path)
    store.add_loop({"at": "2026-12-01T08:00:00+00:00", "transcript": "{}", "finished": 0})
    data = json.loads(runner.invoke(cli, ["export", "--format", "json"]).output)
    assert data["assignments"][0]["story"] == "rates-api-sunset"
    assert data["loops"][0]["transcript"] == "{}"
    tables = {t: store.table_info(t) for t in backup.TABLE_KEYS}
    older = {k: v for k, v in data.items() if k not in ("assignments", "loops")}
    parsed = backup.parse_backup(json.dumps(older), "old.json", tables)
    assert parsed["assignments"] == [] and parsed["loops"] == []
    saved = tmp_path / "backup.json"
    saved.write_text(json.dumps(data))
    monkeypatch.setenv("DRILL_HOME", str(tmp_path / "fresh"))
    assert runner.invoke(cli, ["import", str(saved)]).exit_code == 0
    again = json.loads(runner.invoke(cli, ["export", "--format", "json"]).output)
    assert again["assignments"] == data["assignments"] and again["loops"] == data["loops"]


def test_planned_readiness_reads_the_stored_plan_at_interview_time(home):
    from datetime import UTC, datetime

    from drill.assign import planned_readiness
    from drill.store import Store

    runner = CliRunner()
    assert runner.invoke(cli, ["plan", "add", "acme", "2026-12-03 10:00"]).exit_code == 0
    assert runner.invoke(cli, ["assign"]).exit_code == 0  # acme has no framework: categories
    store = Store(home.db_path)
    first = store.plan_rows("categories")[0]["story"]
    store.conn.execute(  # every story studied once (new cards count as 0 without a curve)
        "update cards set state = 'review', stability = 5, "
        "last_review = '2026-11-30T08:00:00+00:00' where kind = 'story'"
    )
    seen = []

    def recall_at(card, moment):
        seen.append(moment)
        return 0.95 if card.ref == first else 0.5

    ready = planned_readiness(store, datetime(2026, 12, 1, 8, tzinfo=UTC), 0.9, recall_at)
    assert ready["company"] == "acme" and ready["plan"] == "categories"
    assert ready["principles"] == 5 and ready["covered"] == 5
    assert ready["stories"][first] == 0.95 and set(ready["stories"].values()) == {0.95, 0.5}
    drilled = sum(1 for r in store.plan_rows("categories") if r["story"] == first)
    assert ready["drilled"] == drilled >= 1
    assert set(seen) == {datetime(2026, 12, 3, 9, tzinfo=UTC)}  # 10:00 at +01:00
