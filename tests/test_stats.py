"""`drill stats`: exact figures on constructed review logs, and charts that read at 80 columns."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from drill import charts, stats
from drill.cards import Card
from drill.cli import cli
from drill.home import Clock, iso
from drill.library import Library, sync
from drill.scheduling import Memory
from drill.store import Store
from tests.history import log_review

TZ = timezone(timedelta(hours=1))
NOW = datetime(2026, 12, 1, 9, tzinfo=TZ)  # the conftest clock


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


# --- pure figures -----------------------------------------------------------------------------


def test_reviews_per_day_counts_every_day_of_the_window():
    rows = [{"day": d} for d in ("2026-11-29", "2026-11-29", "2026-12-01", "2026-11-01")]
    start, end = stats.window(date(2026, 12, 1), 3)
    assert stats.reviews_per_day(rows, start, end) == {
        date(2026, 11, 29): 2,
        date(2026, 11, 30): 0,
        date(2026, 12, 1): 1,
    }


def _retention_row(state: str, interval: float | None, rating: int, mode: str = "daily") -> dict:
    last = datetime(2026, 11, 1, tzinfo=UTC)
    return {
        "before_state": state,
        "before_due": iso(last + timedelta(days=interval)) if interval is not None else None,
        "before_last_review": iso(last) if interval is not None else None,
        "before_stability": None,
        "rating": rating,
        "mode": mode,
    }


def test_true_retention_splits_young_and_mature_at_21_days():
    rows = [
        _retention_row("review", 3, 3),
        _retention_row("review", 3, 1),
        _retention_row("review", 20.9, 2),  # young: 2 of 3 passed
        _retention_row("review", 21, 3),
        _retention_row("review", 40, 1),
        _retention_row("review", 40, 4),
        _retention_row("review", 30, 3),  # mature: 3 of 4 passed
        _retention_row("learning", 0.01, 1),  # not in review: left out
        _retention_row("relearning", 0.01, 3),
        _retention_row("new", None, 1),
        _retention_row("review", 50, 1, mode="cram"),  # cram comes early: left out
    ]
    assert stats.true_retention(rows) == {
        "young": {"reviews": 3, "passed": 2, "retention": 0.6667},
        "mature": {"reviews": 4, "passed": 3, "retention": 0.75},
    }


def test_true_retention_with_no_reviews_is_none_not_zero():
    assert stats.true_retention([])["mature"] == {"reviews": 0, "passed": 0, "retention": None}


def test_due_forecast_puts_overdue_today_and_follows_the_day_start():
    clock = Clock(NOW, TZ)
    due = [
        datetime(2026, 11, 20, 10, tzinfo=TZ),  # overdue: today
        datetime(2026, 12, 2, 3, 30, tzinfo=TZ),  # before 04:00: still today's study day
        datetime(2026, 12, 2, 4, 30, tzinfo=TZ),  # tomorrow
        datetime(2026, 12, 14, 10, tzinfo=TZ),  # the 14th day
        datetime(2026, 12, 15, 10, tzinfo=TZ),  # beyond the forecast
    ]
    forecast = stats.due_forecast([{"due": iso(d)} for d in due], clock, 4)
    assert len(forecast) == 14
    assert forecast[0]["day"] == "2026-12-01" and forecast[13]["day"] == "2026-12-14"
    assert [d["due"] for d in forecast] == [2, 1] + [0] * 11 + [1]


def test_weakest_ranks_studied_facets_and_counts_the_unstudied():
    cards = [
        Card(1, "story", "billing", "decision"),
        Card(2, "story", "billing", "outcome"),
        Card(3, "story", "oncall", "people"),
        Card(4, "story", "oncall", "learning"),  # never reviewed
    ]
    recall = {1: 0.9, 2: 0.5, 3: 0.8}
    result = stats.weakest(cards, recall, {"billing": "Billing split"}, limit=2)
    assert result["stories"] == [
        {"story": "billing", "title": "Billing split", "recall": 0.7, "facets": 2},
        {"story": "oncall", "title": "oncall", "recall": 0.8, "facets": 1},
    ]
    assert [(f["story"], f["facet"], f["recall"]) for f in result["facets"]] == [
        ("billing", "outcome", 0.5),
        ("oncall", "people", 0.8),
    ]
    assert result["unstudied_facets"] == 1


def test_pick_latency_by_week_median_and_share_right():
    def pick(day: str, latency: int | None, rating: int = 3, mode: str = "map") -> dict:
        return {"day": day, "latency_ms": latency, "rating": rating, "mode": mode}

    rows = [
        pick("2026-11-23", 3000),
        pick("2026-11-25", 5000, rating=1),
        pick("2026-11-29", 4000),  # Sunday: still the week of Monday 23rd
        pick("2026-11-30", 2000),
        pick("2026-12-01", 3000),
        pick("2026-12-01", 9000, mode="daily"),  # not a pick sprint
        pick("2026-12-01", None),  # no latency recorded
    ]
    assert stats.latency_trend(rows) == [
        {"week": "2026-11-23", "picks": 3, "median_ms": 4000, "right": 0.6667},
        {"week": "2026-11-30", "picks": 2, "median_ms": 2500, "right": 1.0},
    ]


def _card(id_: int, kind: str, ref: str, state: str = "review", active: int = 1) -> Card:
    return Card(id_, kind, ref, active=bool(active), memory=Memory(state=state))


def test_readiness_of_a_deck_counts_unseen_questions_and_mapped_stories():
    cards = [
        _card(1, "question", "amazon/a", active=0),  # retired by the daily drill: still counts
        _card(2, "pick", "amazon/a", active=0),
        _card(3, "question", "amazon/b", state="new"),
        _card(4, "question", "core/x"),  # another deck
        _card(5, "story", "billing"),
        _card(6, "story", "billing"),
        _card(7, "story", "oncall"),  # not mapped to this deck
    ]
    recall = {1: 0.8, 2: 0.6, 4: 0.1, 5: 0.9, 6: 0.5, 7: 0.2}
    result = stats.readiness(
        cards,
        {"amazon/a", "amazon/b", "amazon/c"},  # amazon/c has no card at all
        {"amazon/a": {"billing"}, "core/x": {"oncall"}},
        {"billing", "oncall"},
        lambda c: recall[c.id],
        0.9,
    )
    # cards 1, 2, 3 (new: 0), 5, 6 and amazon/c (0): (0.8 + 0.6 + 0 + 0.9 + 0.5 + 0) / 6
    assert result == {"cards": 6, "unseen": 2, "at_risk": 5, "recall": 0.4667}


def test_readiness_without_a_deck_uses_every_active_card():
    cards = [
        _card(1, "question", "core/x"),
        _card(2, "story", "b", state="new"),
        _card(3, "story", "b", active=0),
    ]
    result = stats.readiness(cards, None, {}, set(), lambda c: 0.95, 0.9)
    assert result == {"cards": 2, "unseen": 1, "at_risk": 1, "recall": 0.475}


def test_company_deck_is_the_framework_deck_or_a_deck_of_that_name():
    from drill.decks import company_deck

    class Framework:
        deck = "amazon"

    frameworks = {"amazon": Framework()}
    assert company_deck("Amazon", frameworks, {"core", "amazon"}) == "amazon"
    assert company_deck("core", frameworks, {"core", "amazon"}) == "core"
    assert company_deck("acme", frameworks, {"core", "amazon"}) is None


# --- charts -----------------------------------------------------------------------------------


def test_bar_chart_scales_to_the_largest_value_and_fits_80_columns():
    lines = charts.bar_chart(
        [("Mon", 10, "10"), ("Tue", 5, "5"), ("Wed", 0, "0"), ("Thu", 0.01, "0.01")]
    )
    assert all(len(line) <= 80 for line in lines)
    full = lines[0].split()[1]
    assert set(full) == {"█"} and len(lines[0]) == 80
    assert len(full) == 71 and lines[1].split()[1] == "█" * 35 + "▌"  # half of 71 cells
    assert lines[2] == "Wed" + " " * 73 + "   0"  # zero: no bar at all
    assert lines[3].split()[1] == "▏"  # tiny but not zero: still visible
    assert "\x1b" not in "".join(lines)
    assert "\x1b[" in "".join(charts.bar_chart([("a", 1, "1")], color=True))


def test_heatmap_shades_by_share_of_the_busiest_day():
    counts = {date(2026, 11, 30): 8, date(2026, 12, 1): 1, date(2026, 11, 28): 4}
    lines = charts.heatmap(counts, date(2026, 11, 25), date(2026, 12, 1))
    assert lines == [
        "  Nov Dec",  # the partial first month's label moves into the gutter
        "Mon   █",
        "      ░",
        "Wed ·",
        "    ·",
        "Fri ·",
        "    ▒",
        "Sun ·",
        "    reviews a day: · 0  ░ 1-2  ▒ 3-4  ▓ 5-6  █ 7-8",
    ]


def test_heatmap_of_a_year_fits_80_columns():
    end = date(2026, 12, 1)
    counts = {end - timedelta(days=i): i % 7 for i in range(371)}
    lines = charts.heatmap(counts, end - timedelta(days=370), end)
    assert len(lines) == 9 and max(len(line) for line in lines) <= 80


def test_color_only_on_a_terminal_without_no_color(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert charts.use_color(Tty()) is True
    assert charts.use_color(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert charts.use_color(Tty()) is False


# --- the command on a constructed log ---------------------------------------------------------


@pytest.fixture
def logged(bank_home):
    """Six reviews of four cards at known times; see the test for the figures they give."""
    store = Store(bank_home.db_path)
    library = Library(bank_home, bank_home.config())
    question = next(iter(library.questions))
    store.map_story(question, "invoices", iso(NOW))
    sync(store, library, iso(NOW), force=True)
    card = {(c.kind, c.ref, c.facet): c.id for c in store.cards()}
    a = card[("story", "invoices", "decision")]
    b = card[("story", "invoices", "outcome")]
    q = card[("question", question, "")]
    p = card[("pick", question, "")]
    log_review(store, a, ago(40), 3, interval_days=30)
    log_review(store, a, ago(10), 3, interval_days=25)  # mature pass, due in 15 days
    log_review(store, b, ago(5), 3, interval_days=2)
    log_review(store, b, ago(3), 1, state="relearning", interval_days=0.01)  # young fail
    log_review(store, q, ago(2), 3, interval_days=3)  # due tomorrow
    log_review(store, p, ago(1), 3, interval_days=5, mode="map", latency_ms=4000)
    store.close()
    return bank_home


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_stats_json_figures_on_a_constructed_log(logged):
    week = json.loads(run("stats", "--days", "7", "--json"))
    assert (week["from"], week["to"]) == ("2026-11-25", "2026-12-01")
    assert week["reviews"] == 4
    assert [d["reviews"] for d in week["reviews_per_day"]] == [0, 1, 0, 1, 1, 1, 0]
    assert week["retention"] == {
        "young": {"reviews": 1, "passed": 0, "retention": 0.0},
        "mature": {"reviews": 0, "passed": 0, "retention": None},
    }
    assert week["time_spent_ms"] == {"window": 40_000, "total": 60_000}
    assert week["streak_days"] == 3
    forecast = [d["due"] for d in week["forecast"]]
    assert forecast[:5] == [1, 1, 0, 0, 1] and sum(forecast) == 3
    assert week["pick_latency"] == [
        {"week": "2026-11-30", "picks": 1, "median_ms": 4000, "right": 1.0}
    ]
    weak = week["weakest"]
    assert [(f["story"], f["facet"]) for f in weak["facets"]] == [
        ("invoices", "outcome"),
        ("invoices", "decision"),
    ]
    assert weak["facets"][0]["recall"] < weak["facets"][1]["recall"]
    assert weak["unstudied_facets"] == 8
    assert week["readiness"] is None

    month = json.loads(run("stats", "--days", "30", "--json"))
    assert month["retention"]["mature"] == {"reviews": 1, "passed": 1, "retention": 1.0}
    assert month["reviews"] == 5


def test_readiness_for_the_next_interview(logged):
    run("plan", "add", "acme", "2026-12-03 10:00")  # no deck named acme: every active card
    ready = json.loads(run("stats", "--json"))["readiness"]
    status = json.loads(run("cards", "--json"))
    assert ready["company"] == "acme" and ready["deck"] is None
    assert ready["at"] == "2026-12-03T10:00:00+01:00"
    assert ready["cards"] == len(status)
    assert ready["unseen"] == sum(1 for c in status if c["state"] == "new")
    assert 0 < ready["recall"] < 1

    run("plan", "add", "amazon", "2026-12-02 10:00")  # sooner, and amazon has a deck
    ready = json.loads(run("stats", "--json"))["readiness"]
    assert ready["company"] == "amazon" and ready["deck"] == "amazon"
    assert ready["recall"] == 0.0 and ready["unseen"] == ready["cards"] > 0


def test_stats_text_reads_at_80_columns_without_colour(logged):
    run("plan", "add", "amazon", "2026-12-03 10:00")
    for days in ("7", "91", "1000"):
        out = run("stats", "--days", days)
        assert "\x1b" not in out
        assert max(len(line) for line in out.splitlines()) <= 80
    for heading in (
        "Reviews, 2024-03-07 to 2026-12-01",
        "True retention",
        "Due in the next 14 days",
        "Weakest stories and facets",
        "Pick latency by week",
        "Readiness for the next interview",
        "amazon at 2026-12-03 10:00",
    ):
        assert heading in out


def test_stats_on_a_fresh_home_says_what_is_missing(home):
    out = run("stats")
    assert "no story facet reviewed yet" in out
    assert "no pick sprints" in out
    assert "no interview planned" in out


def months_in(start: date, end: date) -> list[str]:
    days = (start + timedelta(days=i) for i in range((end - start).days + 1))
    return list(dict.fromkeys(d.strftime("%b %Y") for d in days))


@pytest.mark.parametrize("width", [80, 60, 45])
@pytest.mark.parametrize("span", [6, 12, 30, 45, 91, 200, 371])
@pytest.mark.parametrize("end", [date(2026, 12, 1), date(2026, 3, 29), date(2027, 1, 31)])
def test_heatmap_labels_every_month_shown_and_fits_the_width(end, span, width):
    start = end - timedelta(days=span - 1)
    lines = charts.heatmap({end: 1}, start, end, width=width)
    assert max(len(line) for line in lines[:-1]) <= width
    labels = lines[0].split()
    shown_from = end - timedelta(days=charts.heatmap_days(width) - 1)
    months = months_in(max(start, shown_from), end)
    assert len(labels) == len(months), (lines[0], months)
    assert labels == [m[:3] for m in months]


def test_text_width_follows_columns_up_to_80(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    assert charts.text_width() == 60
    monkeypatch.setenv("COLUMNS", "200")
    assert charts.text_width() == 80
    monkeypatch.setenv("COLUMNS", "10")
    assert charts.text_width() == 40


def run_at(width: int, *args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": str(width)})
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.output


@pytest.mark.parametrize("width", [60, 45])
def test_stats_text_wraps_to_a_narrow_terminal(logged, width):
    run("plan", "add", "amazon", "2026-12-03 10:00")
    for days in ("7", "91", "1000"):
        out = run_at(width, "stats", "--days", days)
        assert max(len(line) for line in out.splitlines()) <= width, out
    assert "Readiness for the next" in out and "over " in out


@pytest.mark.parametrize("width", [60, 45])
def test_reports_wrap_to_a_narrow_terminal(logged, tmp_path, width):
    transcript = tmp_path / "answer.txt"
    transcript.write_text(
        "Um, so basically I chose a queue because it, like, cut the nightly run from 9 hours "
        "to 40 minutes, and we maybe saved around 2.1% of checkout errors.\n"
    )
    for args in (
        ("lint",),
        ("lint", "invoices"),
        ("coverage",),
        ("coverage", "--company", "amazon"),
        ("analyze", str(transcript), "--story", "invoices"),
    ):
        out = run_at(width, *args)
        assert out.strip(), args
        too_long = [line for line in out.splitlines() if len(line) > width]
        assert too_long == [], (args, too_long)
