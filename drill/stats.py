"""Figures about progress, computed from the store: status counts, card rows."""

from __future__ import annotations

from datetime import date, timedelta

from drill.home import Clock, Config, iso, parse_iso


def streak_days(days: list[str], today: date) -> int:
    """Consecutive study days with reviews, ending today (or yesterday, if none yet today)."""
    have = set(days)
    day = today if today.isoformat() in have else today - timedelta(days=1)
    count = 0
    while day.isoformat() in have:
        count += 1
        day -= timedelta(days=1)
    return count


def status_counts(store, config: Config, clock: Clock) -> dict:
    """What `drill status` prints; cheap enough for a shell prompt (no FSRS import)."""
    now = iso(clock.utc)
    day = clock.day(clock.now, config.day_starts_at).isoformat()
    kinds = ("question", "story")
    due = store.scalar(
        "select count(*) from cards where active = 1 and kind in (?, ?) and state != 'new' "
        "and due <= ? and (buried_until is null or buried_until <= ?)",
        [*kinds, now, now],
    )
    new_cards = store.scalar(
        "select count(*) from cards where active = 1 and kind in (?, ?) and state = 'new'", kinds
    )
    introduced = sum(store.new_introduced(day).values())
    plan = store.one("select company, at from plans where at > ? order by at limit 1", [now])
    return {
        "due": due,
        "new": max(0, min(new_cards, config.new_per_day - introduced)),
        "reviews_today": store.scalar("select count(*) from reviews where day = ?", [day]),
        "streak_days": streak_days(store.study_days(), clock.day(clock.now, config.day_starts_at)),
        "stories": store.scalar(
            "select count(distinct ref) from cards where active = 1 and kind = 'story'"
        ),
        "questions": store.scalar(
            "select count(*) from cards where active = 1 and kind = 'question'"
        ),
        "mapped_questions": store.scalar(
            "select count(distinct m.question) from mappings m join cards c "
            "on c.kind = 'question' and c.ref = m.question and c.active = 1"
        ),
        "next_interview": clock.local(parse_iso(plan["at"])).isoformat() if plan else None,
    }


def card_rows(store, clock: Clock, kind: str | None, include_inactive: bool = False) -> list[dict]:
    from drill import scheduling

    params = store.parameters()
    scheduler = scheduling.make_scheduler(params, fuzz=False)
    rows = store.cards([kind] if kind else None, active=None if include_inactive else True)
    out = []
    for row in rows:
        memory = scheduling.Memory.from_row(row)
        r = scheduling.retrievability(memory, clock.utc, scheduler) if row["reps"] else None
        out.append(
            {
                "id": row["id"],
                "kind": row["kind"],
                "ref": row["ref"] + (f":{row['facet']}" if row["facet"] else ""),
                "state": row["state"],
                "due": row["due"],
                "stability": row["stability"],
                "difficulty": row["difficulty"],
                "reps": row["reps"],
                "lapses": row["lapses"],
                "retrievability": round(r, 4) if r is not None else None,
                **({"active": bool(row["active"])} if include_inactive else {}),
            }
        )
    return out
