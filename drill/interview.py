"""An interview plan in the product: the store's cards and the library turned into the
planner's inputs (drill/planner.py, which stays pure), and the plan's figures per story."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from drill import planner
from drill.cards import Card, Kind
from drill.home import Clock, parse_iso

DEFAULT_SECONDS_PER_CARD = 20.0  # until the user has reviews of their own to measure
PACE_MIN_REVIEWS = 20
DAILY_KINDS: tuple[Kind, ...] = ("question", "story")


def upcoming(store, now: datetime, company: str | None = None) -> dict | None:
    """The next interview still ahead (with `company`, if given), or None."""
    return next(
        (
            p
            for p in store.plans()
            if parse_iso(p["at"]) > now and (not company or p["company"] == company.lower())
        ),
        None,
    )


def plan_deck(company: str, library) -> str | None:
    """The deck of the company an interview is with, if there is one."""
    return library.company_deck(company)


def deck_for(home, company: str) -> str | None:
    """The deck of `company` (its framework's, or a deck of that name), from the taxonomy file
    alone (no deck parsing), so that every command can afford to ask."""
    from drill.decks import (
        TAXONOMY_FILE,
        company_deck,
        deck_paths,
        load_taxonomy,
        shipped_decks_dir,
    )

    shipped = shipped_decks_dir()
    user = home.decks_dir / TAXONOMY_FILE
    taxonomy, _ = load_taxonomy(user if user.is_file() else shipped / TAXONOMY_FILE)
    return company_deck(company, taxonomy.frameworks, deck_paths([shipped, home.decks_dir]))


def planned_decks(store, home, now: datetime) -> tuple[str, ...]:
    """Decks of the companies with an interview ahead: they join the daily drill until then."""
    companies = dict.fromkeys(p["company"] for p in store.plans() if parse_iso(p["at"]) > now)
    decks = (deck_for(home, company) for company in companies)
    return tuple(dict.fromkeys(d for d in decks if d))


def relevant_cards(
    cards: list[Card], library, deck: str | None, mappings
) -> list[tuple[Card, int]]:
    """The cards an interview needs: its deck's questions and the configured decks' (core and
    traps by default), and the facets of the stories mapped to the deck's questions or
    assigned to its framework's principles (every story in play when none is). Each comes
    with a priority: 1 for the company's own questions and stories, 0 for the rest."""
    decks = set(library.config.decks) | ({deck} if deck else set())
    questions = [c for c in cards if c.kind == "question" and c.ref.split("/", 1)[0] in decks]
    stories = library.stories
    chosen: set[str] = set()
    if deck:
        for c in questions:
            if c.ref.startswith(f"{deck}/"):
                chosen |= mappings.get(c.ref, set())
        framework = next((f for f in library.taxonomy.frameworks.values() if f.deck == deck), None)
        if framework is not None:
            ids = {p.id for p in framework.principles}
            chosen |= {s.id for s in stories.values() if ids & set(s.principles)}
    chosen &= stories.keys()
    own = bool(chosen)
    if not chosen:
        chosen = set(stories)
    prefix = f"{deck}/" if deck else None
    out = [(c, int(bool(prefix) and c.ref.startswith(prefix))) for c in questions]
    out += [(c, int(own)) for c in cards if c.kind == "story" and c.ref in chosen]
    return out


def seconds_per_card(durations_ms: list[int | None]) -> float:
    """The user's pace: the median time on a card, once there are enough reviews to tell."""
    values = [d / 1000 for d in durations_ms if d]
    if len(values) < PACE_MIN_REVIEWS:
        return DEFAULT_SECONDS_PER_CARD
    return min(max(statistics.median(values), 3.0), 300.0)


def plan_card(card: Card, priority: int = 0) -> planner.PlanCard:
    group = ":".join(card.group)  # "story:x" or "question:core/x"
    memory = card.memory
    planned = planner.PlanCard(
        card.id, memory.stability, memory.difficulty, memory.last_review, group, priority
    )
    if card.new or planned.new:  # a half-filled memory counts as never reviewed
        return planner.PlanCard(card.id, group=group, priority=priority)
    return planned


@dataclass(frozen=True)
class InterviewPlan:
    id: int
    company: str
    at: datetime
    deck: str | None
    cap: int
    minutes: float
    seconds_per_card: float
    plan: planner.Plan
    cards: dict[int, Card]  # the relevant cards, by id

    @property
    def relevant(self) -> set[int]:
        return set(self.cards)

    def by_story(self) -> list[tuple[str, float, float]]:
        """(story, mean recall at T now, if the plan is followed), weakest first."""
        groups: dict[str, list[int]] = {}
        for card_id, card in self.cards.items():
            if card.kind == "story":
                groups.setdefault(card.ref, []).append(card_id)
        out = [
            (
                story,
                statistics.fmean(self.plan.recall_now[i] for i in ids),
                statistics.fmean(self.plan.recall_planned[i] for i in ids),
            )
            for story, ids in groups.items()
        ]
        return sorted(out, key=lambda s: (s[2], s[0]))

    def readiness(self) -> dict:
        """What `drill status --json` and `plan show --json` report of the plan."""
        plan = self.plan
        return {
            "company": self.company,
            "cards": len(self.cards),
            "recall_now": _round(plan.overall(planned=False)),
            "recall_planned": _round(plan.overall()),
            "ready_now": _round(plan.share_ready(planned=False)),
            "ready_planned": _round(plan.share_ready()),
            "unreachable": len(plan.unreachable),
            "today": len(plan.today()),
            "target": plan.target,
            "cap": self.cap,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def build(store, library, clock: Clock, row: dict) -> InterviewPlan:
    """The plan for the interview in `row` (a plans row), from the store as it is now."""
    config = library.config
    now = clock.utc
    day = clock.day(clock.now, config.day_starts_at)
    deck = plan_deck(row["company"], library)
    relevant = relevant_cards(store.cards(DAILY_KINDS), library, deck, store.mappings())
    reviewed = set().union(*store.reviewed_today(day.isoformat()).values())
    since = (day - timedelta(days=30)).isoformat()
    pace = seconds_per_card(store.review_durations(since))
    cap = planner.daily_cap(config.plan_daily_minutes, pace)
    parameters = store.parameters() or planner.DEFAULT_PARAMETERS
    plan = planner.plan(
        [plan_card(card, priority) for card, priority in relevant],
        now,
        parse_iso(row["at"]),
        parameters,
        config.desired_retention,
        cap,
        done_today=len(reviewed),
        reviewed_today=reviewed,
    )
    return InterviewPlan(
        row["id"],
        row["company"],
        parse_iso(row["at"]),
        deck,
        cap,
        config.plan_daily_minutes,
        pace,
        plan,
        {card.id: card for card, _ in relevant},
    )


def readiness(store, library, clock: Clock) -> dict | None:
    """The next interview plan's figures for `drill status`, kept in the store's meta table
    and made again only when something it is made from has changed (a plan over a couple of
    thousand cards costs more than a shell prompt should wait). A skip alone keeps them."""
    import json

    row = upcoming(store, clock.utc)
    if row is None:
        return None
    config = library.config
    day = clock.day(clock.now, config.day_starts_at).isoformat()
    key = json.dumps(
        [
            store.review_count(),  # with today's grades, changes with every grade and undo
            [(r["id"], r["rating"], r["at"]) for r in store.review_log(since_day=day)],
            store.get_meta("sync_signature"),
            sorted((q, sorted(s)) for q, s in store.mappings().items()),
            store.plans(),
            (store.parameters_row() or {}).get("id"),
            day,
            row["id"],
            config.plan_daily_minutes,
            config.desired_retention,
            list(config.decks),
        ],
        default=str,
    )
    cached = store.get_meta("plan_readiness")
    if cached:
        try:
            saved = json.loads(cached)
            if saved["key"] == key:
                return saved["value"]
        except (ValueError, KeyError, TypeError):
            pass
    value = build(store, library, clock, row).readiness()
    store.set_meta("plan_readiness", json.dumps({"key": key, "value": value}))
    return value


def upcoming_plan(store, library, clock: Clock) -> InterviewPlan | None:
    row = upcoming(store, clock.utc)
    return build(store, library, clock, row) if row else None


def to_json(interview: InterviewPlan, clock: Clock) -> dict:
    """`drill plan show --json`: the daily load and the predicted recall at interview time."""
    plan = interview.plan
    refs = {i: card.label for i, card in interview.cards.items()}
    return {
        "id": interview.id,
        "at": clock.local(interview.at).isoformat(),
        "deck": interview.deck,
        "minutes_per_day": interview.minutes,
        "seconds_per_card": round(interview.seconds_per_card, 1),
        **interview.readiness(),
        "days": [
            {
                "day": clock.local(day.at).date().isoformat(),
                "reviews": len(day.cards),
                "cap": day.cap,
                "final_48h": day.final,
                "cards": [refs[i] for i in day.cards],
            }
            for day in plan.days
        ],
        "stories": [
            {"story": story, "recall_now": round(now, 4), "recall_planned": round(after, 4)}
            for story, now, after in interview.by_story()
        ],
        "unreachable_cards": [refs[i] for i in plan.unreachable],
    }


def render(interview: InterviewPlan, clock: Clock, width: int = 80, color: bool = False) -> list:
    """`drill plan show`: the plan as a few small charts."""
    from drill.charts import bar_chart

    plan = interview.plan
    when = clock.local(interview.at).strftime("%a %d %b %Y %H:%M")
    target = f"{plan.target:.0%}"
    total = len(interview.cards)
    lines = [
        f"Plan {interview.id}: {interview.company} on {when}"
        + (f" (deck {interview.deck})" if interview.deck else ""),
        f"{total} cards matter; at most {interview.cap} reviews a day "
        f"({interview.minutes:g} min at {interview.seconds_per_card:.0f} s a card).",
        "",
        f"Predicted recall at the interview (target {target}):",
    ]
    for label, planned in (("now", False), ("if followed", True)):
        share = plan.share_ready(planned) or 0.0
        lines.append(
            f"  {label:<12}{_gauge(plan.overall(planned) or 0.0)} "
            f"{(plan.overall(planned) or 0.0):.0%} recall, "
            f"{round(share * total)} of {total} at {target}"
        )
    lines += ["", "Reviews day by day:"]
    rows = [
        (
            "  " + clock.local(day.at).strftime("%a %d %b") + (" *" if day.final else "  "),
            len(day.cards),
            f"{len(day.cards)}/{day.cap}",
        )
        for day in plan.days
    ]
    lines += bar_chart(rows, width=width, color=color) if any(r[1] for r in rows) else []
    if not any(r[1] for r in rows):
        lines.append("  nothing to review: every card is ready for the interview")
    if any(day.final for day in plan.days):
        lines.append("  * the last 48 hours: a review there only for a card that needs one")
    stories = interview.by_story()
    if stories:
        lines += ["", "Per story, recall at the interview (now -> if followed):"]
        name_w = min(30, max(len(s) for s, _, _ in stories))
        lines += [
            f"  {s[:name_w]:<{name_w}} {_gauge(after)} {now:>4.0%} -> {after:.0%}"
            for s, now, after in stories
        ]
    missing = plan.unreachable
    if missing:
        import textwrap

        text = (
            f"Out of reach: {len(missing)} of {total} cards stay under {target} by then even "
            f"if the plan is followed, at {interview.minutes:g} min a day. The plan gives "
            "the reviews it has to the cards with most to gain, so "
            f"{plan.overall() or 0.0:.0%} recall is the best this cap allows. More minutes "
            "(plan_daily_minutes in config.toml) or `drill cram` the last evening help."
        )
        lines += ["", *textwrap.wrap(text, width=min(width, 80))]
    return lines


def _gauge(value: float, cells: int = 20) -> str:
    filled = round(max(0.0, min(1.0, value)) * cells)
    return "█" * filled + "░" * (cells - filled)
