"""Figures about progress, computed from the store: status counts, card rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from drill.home import Clock, Config, iso, parse_iso

TYPE_CHECKING = False
if TYPE_CHECKING:
    from drill.cards import Card


def streak_days(days: list[str], today: date) -> int:
    """Consecutive study days with reviews, ending today (or yesterday, if none yet today)."""
    have = set(days)
    day = today if today.isoformat() in have else today - timedelta(days=1)
    count = 0
    while day.isoformat() in have:
        count += 1
        day -= timedelta(days=1)
    return count


def status_counts(store, config: Config, clock: Clock, company: bool = False) -> dict:
    """What `drill status` prints: due and new as the daily drill would show them today.

    Cheap enough for a shell prompt (no FSRS import). With `company`, the next interview's
    company is added (the prompt segment names it).
    """
    today = clock.study_day(config.day_starts_at)
    yesterday = (today - timedelta(days=1)).isoformat()
    counts = store.status_counts(iso(clock.utc), today.isoformat(), yesterday)
    out = {
        "due": counts.due,
        "new": max(0, min(counts.new, config.new_per_day - counts.introduced)),
        "reviews_today": counts.reviews_today,
        "streak_days": counts.streak_days,
        "stories": counts.stories,
        "questions": counts.questions,
        "mapped_questions": counts.mapped_questions,
        "next_interview": clock.local(parse_iso(counts.next_at)).isoformat()
        if counts.next_at
        else None,
    }
    if company:
        out["next_company"] = counts.next_company
    return out


def card_rows(store, clock: Clock, kind: str | None, include_inactive: bool = False) -> list[dict]:
    from drill import scheduling

    parameters = scheduling.parameters_or_default(store.parameters())
    cards = store.cards([kind] if kind else None, active=None if include_inactive else True)
    out = []
    for card in cards:
        memory = card.memory
        r = card.recall_at(clock.utc, parameters) if memory.reps else None
        out.append(
            {
                "id": card.id,
                "kind": card.kind,
                "ref": card.ref + (f":{card.facet}" if card.facet else ""),
                "state": memory.state,
                "due": iso(memory.due) if memory.due else None,
                "stability": memory.stability,
                "difficulty": memory.difficulty,
                "reps": memory.reps,
                "lapses": memory.lapses,
                "retrievability": round(r, 4) if r is not None else None,
                **({"active": card.active} if include_inactive else {}),
            }
        )
    return out


# --- progress and data: `drill stats` ---------------------------------------------------------

MATURE_DAYS = 21  # as Anki: a card is mature once its interval reaches three weeks


def window(today: date, days: int) -> tuple[date, date]:
    """The study days a `--days N` window covers, today included."""
    return today - timedelta(days=days - 1), today


def reviews_per_day(rows: list[dict], start: date, end: date) -> dict[date, int]:
    """Reviews on each study day of [start, end], zeros included."""
    counts = {start + timedelta(days=i): 0 for i in range((end - start).days + 1)}
    for row in rows:
        day = date.fromisoformat(row["day"])
        if day in counts:
            counts[day] += 1
    return counts


def scheduled_interval_days(row: dict) -> float | None:
    """The interval the card had when it was reviewed (its due minus its last review)."""
    due, last = parse_iso(row.get("before_due")), parse_iso(row.get("before_last_review"))
    if due is None or last is None:
        return row.get("before_stability")
    return (due - last).total_seconds() / 86400


def true_retention(rows: list[dict]) -> dict[str, dict]:
    """Share of reviews of cards in the review state not rated Again, young and mature apart.

    Mature: the card's scheduled interval at the time of the review was 21 days or more.
    Cram reviews are left out: they come early, which would flatter the figure.
    """
    out = {"young": {"reviews": 0, "passed": 0}, "mature": {"reviews": 0, "passed": 0}}
    for row in rows:
        if row["before_state"] != "review" or row["mode"] == "cram":
            continue
        interval = scheduled_interval_days(row)
        bucket = out["mature" if interval is not None and interval >= MATURE_DAYS else "young"]
        bucket["reviews"] += 1
        bucket["passed"] += row["rating"] > 1
    for bucket in out.values():
        n = bucket["reviews"]
        bucket["retention"] = round(bucket["passed"] / n, 4) if n else None
    return out


def due_forecast(due_rows: list[dict], clock: Clock, day_starts_at: int, days: int = 14) -> list:
    """Cards due on each of the next `days` study days; today includes everything overdue."""
    today = clock.study_day(day_starts_at)
    counts = [0] * days
    for row in due_rows:
        offset = (clock.day(parse_iso(row["due"]), day_starts_at) - today).days
        if offset < days:
            counts[max(0, offset)] += 1
    return [{"day": (today + timedelta(days=i)).isoformat(), "due": counts[i]} for i in range(days)]


def weakest(
    story_cards: list[Card],
    recall: dict[int, float],
    titles: dict[str, str],
    limit: int = 5,
) -> dict:
    """Stories (mean over their studied facets) and facets with the lowest recall now.

    Facets never reviewed have no prediction; they are counted, not ranked.
    """
    studied = [c for c in story_cards if c.id in recall]
    facets = sorted(studied, key=lambda c: (recall[c.id], c.ref, c.facet))
    by_story: dict[str, list[float]] = {}
    for card in studied:
        by_story.setdefault(card.ref, []).append(recall[card.id])
    stories = sorted(
        (
            {
                "story": ref,
                "title": titles.get(ref, ref),
                "recall": round(sum(values) / len(values), 4),
                "facets": len(values),
            }
            for ref, values in by_story.items()
        ),
        key=lambda s: (s["recall"], s["story"]),
    )
    return {
        "stories": stories[:limit],
        "facets": [
            {
                "card_id": c.id,
                "story": c.ref,
                "facet": c.facet,
                "recall": round(recall[c.id], 4),
            }
            for c in facets[:limit]
        ],
        "unstudied_facets": len(story_cards) - len(studied),
    }


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def latency_trend(rows: list[dict]) -> list[dict]:
    """Pick sprints by week (Monday of the study day): picks, median latency, share right."""
    weeks: dict[date, list[dict]] = {}
    for row in rows:
        if row["mode"] == "map" and row["latency_ms"] is not None:
            weeks.setdefault(week_start(date.fromisoformat(row["day"])), []).append(row)
    out = []
    for week in sorted(weeks):
        picks = weeks[week]
        latencies = sorted(r["latency_ms"] for r in picks)
        middle = len(latencies) // 2
        median = (
            latencies[middle]
            if len(latencies) % 2
            else (latencies[middle - 1] + latencies[middle]) / 2
        )
        out.append(
            {
                "week": week.isoformat(),
                "picks": len(picks),
                "median_ms": round(median),
                "right": round(sum(r["rating"] > 1 for r in picks) / len(picks), 4),
            }
        )
    return out


def readiness(
    cards: list[Card],
    deck_questions: set[str] | None,
    mappings: dict[str, set[str]],
    stories_in_play: set[str],
    recall_at: Callable[[Card], float],
    desired_retention: float,
) -> dict:
    """Mean predicted recall at interview time of the loop's cards; unseen ones count as 0.

    With a deck: its question and pick cards (active or not: the daily drill retires a deck it
    does not drill, history kept), questions with no card yet as one unseen card each, and the
    facets of the stories mapped to its questions. Without a deck: every active card.
    """
    if deck_questions is None:
        chosen = [c for c in cards if c.active]
        missing = 0
    else:
        question_cards = [
            c for c in cards if c.kind in ("question", "pick") and c.ref in deck_questions
        ]
        with_card = {c.ref for c in question_cards if c.kind == "question"}
        missing = len(deck_questions - with_card)
        mapped = set().union(*(mappings.get(q, set()) for q in deck_questions)) & stories_in_play
        chosen = question_cards + [
            c for c in cards if c.kind == "story" and c.active and c.ref in mapped
        ]
    values = [recall_at(c) if not c.new else 0.0 for c in chosen] + [0.0] * missing
    return {
        "cards": len(values),
        "unseen": sum(1 for c in chosen if c.new) + missing,
        "at_risk": sum(1 for v in values if v < desired_retention),
        "recall": round(sum(values) / len(values), 4) if values else None,
    }


def progress(store, library, config: Config, clock: Clock, days: int) -> dict:
    """Every figure `drill stats` shows, as plain data."""
    from drill import scheduling
    from drill.assign import planned_readiness

    today = clock.study_day(config.day_starts_at)
    start, end = window(today, days)
    log = store.review_log(since_day=start.isoformat())
    parameters = scheduling.parameters_or_default(store.parameters())

    all_cards = store.cards(active=None)
    stories_in_play = set(library.stories)
    story_cards = [
        c for c in all_cards if c.kind == "story" and c.active and c.ref in stories_in_play
    ]
    now_recall = {c.id: c.recall_at(clock.utc, parameters) for c in story_cards if not c.new}
    titles = {s.id: s.title for s in library.stories.values()}
    per_day = reviews_per_day(log, start, end)

    plan = next((p for p in store.plans() if parse_iso(p["at"]) > clock.utc), None)
    ready = None
    if plan is not None:
        at = parse_iso(plan["at"])
        deck = library.company_deck(plan["company"])
        questions = (
            {q.id for q in library.all_questions().values() if q.deck == deck} if deck else None
        )
        ready = {
            "company": plan["company"],
            "at": clock.local(at).isoformat(),
            "deck": deck,
            **readiness(
                all_cards,
                questions,
                store.mappings(),
                stories_in_play,
                lambda c: c.recall_at(at, parameters),
                config.desired_retention,
            ),
            "loop": planned_readiness(
                store,
                clock.utc,
                config.desired_retention,
                lambda c, moment: c.recall_at(moment, parameters),
            ),
        }
    window_ms = sum(r["duration_ms"] or 0 for r in log)
    return {
        "days": days,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "reviews": sum(per_day.values()),
        "reviews_per_day": [{"day": d.isoformat(), "reviews": n} for d, n in per_day.items()],
        "retention": true_retention(log),
        "forecast": due_forecast(store.due_cards(), clock, config.day_starts_at),
        "weakest": weakest(story_cards, now_recall, titles),
        "pick_latency": latency_trend(log),
        "time_spent_ms": {"window": window_ms, "total": store.total_duration_ms()},
        "streak_days": streak_days(store.study_days(), today),
        "readiness": ready,
    }
