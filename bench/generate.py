"""Build a synthetic home at the scale PRODUCT.md's speed budgets are measured on.

    python bench/generate.py HOME [--seed 7]

HOME gets 60 story files, 2,000 questions in 20 user decks listed in config.toml, and a
database of 10,000 cards with 100,000 reviews spread over the year before NOW:

- active: 2,000 `question` cards, 2,000 `pick` cards (every question is mapped to a story) and
  300 `story` cards (60 stories x 5 facets); most have a history, some are still new;
- inactive: 5,700 `question` and `pick` cards of decks the user drilled earlier in the year and
  dropped since (cards leave by going inactive, with their history, so a year-old home has
  them).

Each history is simulated with py-fsrs (the scheduler drill uses, fuzzing on): a review
happens around the due date, and its rating is drawn from the predicted recall, so stability,
difficulty, lapses and the `before` snapshots are what real use would leave. The same seed
gives the same home, byte for byte in the files and row for row in the database.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

NOW = "2026-12-01T09:00:00+01:00"  # bench/run.py runs with DRILL_NOW set to this
STORIES = 60
DECKS = 20
QUESTIONS_PER_DECK = 100  # 2,000 questions
RETIRED_CARDS = 5_700  # 4,300 active + 5,700 inactive = 10,000 cards
REVIEWS = 100_000
FACETS = ("decision", "outcome", "people", "problem", "learning")

OPENINGS = [
    "Tell me about a time you",
    "Describe a situation where you",
    "Walk me through a moment you",
    "Give me an example of when you",
    "What happened the last time you",
]
ACTIONS = [
    "disagreed with a senior engineer about {topic}",
    "had to decide on {topic} with incomplete data",
    "convinced another team to change {topic}",
    "took ownership of {topic} nobody else wanted",
    "made a mistake in {topic}",
    "mentored someone through {topic}",
    "pushed back on a deadline for {topic}",
    "simplified {topic}",
    "delivered {topic} under pressure",
    "changed your mind about {topic}",
]
TOPICS = [
    "a database migration",
    "the on-call rotation",
    "an API redesign",
    "a flaky test suite",
    "the build pipeline",
    "a billing outage",
    "a vendor contract",
    "the search ranking",
    "a security review",
    "a hiring loop",
    "the mobile release train",
    "a data retention policy",
]
SECTION_TEXT = {
    "situation": "{company} had {n} engineers and one shared {system}. {pain} every week, "
    "and the {team} team carried the pager for it.",
    "problem": "I noticed that {pain_lower} because {system} locked the {table} table during "
    "peak hours; nobody had connected the two.",
    "decision": "I chose to move {work} to a separate worker fed by a queue, because it removed "
    "the lock without a rewrite and could ship in {weeks} weeks.",
    "alternatives": "- Read replicas; rejected because replication lag broke the totals.\n"
    "- A full rewrite as a service; rejected because it would take two quarters.",
    "people": "The {role} in another org wanted no change before the audit; I showed her the "
    "cost of the incidents and she agreed to a two-week pilot.",
    "outcome": "The incidents stopped and {work} finished overnight instead of blocking "
    "the morning.",
    "metric": "Run time went from {before} hours to {after} minutes; errors from {e1}% to {e2}%.",
    "learning": "I assumed load was flat across the month; it was not, so I now check the "
    "distribution of load before sizing a worker pool.",
}


def story_text(rng: random.Random, index: int, categories: list[str], principles: list[str]):
    values = {
        "company": rng.choice(["Ledgerly", "Parcelo", "Quantly", "Brightpath", "Nimbus"]),
        "n": rng.randint(20, 400),
        "system": rng.choice(["Rails monolith", "Postgres cluster", "job scheduler"]),
        "pain": rng.choice(["Checkout timed out", "Reports failed", "Deploys stalled"]),
        "team": rng.choice(["payments", "platform", "search", "growth"]),
        "table": rng.choice(["orders", "invoices", "events"]),
        "work": rng.choice(["invoice generation", "report building", "image resizing"]),
        "weeks": rng.randint(2, 8),
        "role": rng.choice(["product manager", "SRE lead", "finance director"]),
        "before": rng.randint(3, 12),
        "after": rng.randint(10, 55),
        "e1": round(rng.uniform(1, 5), 1),
        "e2": round(rng.uniform(0.1, 0.9), 1),
    }
    values["pain_lower"] = values["pain"][0].lower() + values["pain"][1:]
    cats = rng.sample(categories, 2)
    prins = rng.sample(principles, 2)
    front = [
        "+++",
        f'summary = "Story {index}: {values["work"]} at {values["company"]}"',
        "categories = [" + ", ".join(f'"{c}"' for c in cats) + "]",
        f'principles = {{ {prins[0]} = "deep", {prins[1]} = "surface" }}',
        f'level = "{rng.choice(["mid", "senior", "staff"])}"',
        "+++",
        "",
        f"# {values['work'].capitalize()} at {values['company']} ({index})",
        "",
    ]
    body = []
    for name, template in SECTION_TEXT.items():
        body += [f"## {name.title()}", template.format(**values), ""]
    return "\n".join(front + body), cats, prins


def deck_text(rng: random.Random, deck: int, categories, principles) -> tuple[str, list[str]]:
    out = [f'[deck]\ntitle = "Bench deck {deck}"\n']
    ids = []
    for n in range(QUESTIONS_PER_DECK):
        qid = f"q{n:03d}"
        ids.append(qid)
        topic = rng.choice(TOPICS)
        text = f"{rng.choice(OPENINGS)} {rng.choice(ACTIONS).format(topic=topic)}."
        variant = f"{rng.choice(OPENINGS)} {rng.choice(ACTIONS).format(topic=topic)}?"
        cats = rng.sample(categories, rng.randint(1, 2))
        prins = rng.sample(principles, rng.randint(0, 2))
        out.append(
            "[[question]]\n"
            f'id = "{qid}"\n'
            f"text = {json.dumps(text)}\n"
            f"variants = [{json.dumps(variant)}]\n"
            f"categories = {json.dumps(cats)}\n"
            f"principles = {json.dumps(prins)}\n"
            f"trap = {'true' if rng.random() < 0.1 else 'false'}\n"
            'look_for = "A decision of your own, the options you rejected, and a number."\n'
            'followups = ["What would you do differently?", "How did you measure it?"]\n'
        )
    return "\n".join(out), ids


def study_day(moment: datetime) -> str:
    """The study day at +01:00 with the day starting at 04:00 (the config default)."""
    return (moment + timedelta(hours=1) - timedelta(hours=4)).date().isoformat()


def simulate(rng, scheduler, start: datetime, end: datetime, budget: int, kind: str):
    """One card's history: reviews around the due date, ratings drawn from predicted recall."""
    from drill.scheduling import Memory, recall_at, review

    memory = Memory()
    at = start
    reviews = []
    while at < end and len(reviews) < budget:
        recall = recall_at(memory, at, scheduler.parameters) if memory.state != "new" else 0.6
        forgot = rng.random() > recall
        rating = 1 if forgot else rng.choices([2, 3, 4], weights=[25, 65, 10])[0]
        before = {**memory.to_row(), "buried_until": None}
        memory = review(memory, rating, at, scheduler)
        reviews.append((at, rating, before))
        # the user comes back around the due date: a little late, sometimes early
        gap = (memory.due - at).total_seconds()
        at = at + timedelta(seconds=gap * rng.uniform(0.5, 1.2) + rng.uniform(60, 3600))
    return memory, reviews


def build(root: Path, seed: int = 7, quiet: bool = False) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from drill import scheduling
    from drill.decks import load_taxonomy, shipped_decks_dir
    from drill.home import Home, iso, write_private
    from drill.library import Library, sync
    from drill.store import Store

    started = time.perf_counter()
    rng = random.Random(seed)
    random.seed(seed)  # py-fsrs draws its interval fuzz from the global generator
    now = datetime.fromisoformat(NOW).astimezone(UTC)
    if (root / "drill.db").exists():
        raise SystemExit(f"{root} already holds a drill.db; pick an empty directory")
    home = Home(root).ensure()
    taxonomy, _ = load_taxonomy(shipped_decks_dir() / "taxonomy.toml")
    categories = sorted(taxonomy.categories)
    principles = sorted(p.id for p in taxonomy.frameworks["amazon"].principles)

    story_ids = []
    story_tags = {}
    for index in range(STORIES):
        sid = f"story-{index:02d}"
        text, cats, _ = story_text(rng, index, categories, principles)
        write_private(home.stories_dir / f"{sid}.md", text)
        story_ids.append(sid)
        story_tags[sid] = set(cats)
    deck_names = [f"bench-{d:02d}" for d in range(DECKS)]
    question_ids = []
    for deck in deck_names:
        text, ids = deck_text(rng, int(deck[-2:]), categories, principles)
        write_private(home.decks_dir / f"{deck}.toml", text)
        question_ids += [f"{deck}/{qid}" for qid in ids]
    write_private(
        home.config_path,
        "decks = [" + ", ".join(f'"{d}"' for d in deck_names) + "]\nnew_per_day = 20\n",
    )

    store = Store(home.db_path)
    now_iso = iso(now)
    with store.transaction():
        store.conn.executemany(
            "insert into mappings (question, story, created) values (?, ?, ?)",
            [(q, rng.choice(story_ids), now_iso) for q in question_ids],
        )
    sync(store, Library(home, home.config()), now_iso)
    created = iso(now - timedelta(days=365))
    with store.transaction():
        store.conn.executemany(
            "insert into cards (kind, ref, facet, active, state, reps, lapses, position, created) "
            "values (?, ?, '', 0, 'new', 0, 0, ?, ?)",
            [
                ("pick" if n % 2 else "question", f"retired-{n // 200:02d}/q{n // 2}", n, created)
                for n in range(RETIRED_CARDS)
            ],
        )
        store.conn.execute("update cards set created = ?", [created])
    cards = store._all("select id, kind, ref, facet, active from cards order by id")

    scheduler = scheduling.make_scheduler(fuzz=True)
    year_ago = now - timedelta(days=365)
    # most active cards have a history; a few hundred questions are still new
    untouched = set(rng.sample([c["id"] for c in cards if c["active"]], 400))
    plans = []
    for card in cards:
        if card["id"] in untouched:
            continue
        if card["active"]:
            start = year_ago + timedelta(days=rng.uniform(0, 250))
            end = now - timedelta(minutes=5)
        else:  # drilled for a while, then the deck was dropped
            start = year_ago + timedelta(days=rng.uniform(0, 200))
            end = start + timedelta(days=rng.uniform(60, 200))
        plans.append((card, start, end))
    plans.sort(key=lambda plan: not plan[0]["active"])  # active cards first
    review_rows = []
    card_updates = []
    finals_list = []
    for number, (card, start, end) in enumerate(plans):
        left = REVIEWS - len(review_rows)
        if left <= 0:
            break
        if card["active"]:  # drilled up to now: its whole natural history
            budget = left
        else:  # the dropped decks take what is left of the 100,000
            budget = min(left, max(1, round(left / (len(plans) - number) * rng.uniform(0.7, 2.2))))
        memory, history = simulate(rng, scheduler, start, end, budget, card["kind"])
        for at, rating, before in history:
            story = rng.choice(story_ids) if card["kind"] != "story" else None
            review_rows.append(
                (
                    card["id"],
                    iso(at),
                    study_day(at),
                    rating,
                    "map" if card["kind"] == "pick" else "daily",
                    rng.randint(4_000, 90_000),
                    rng.randint(1_500, 9_000) if card["kind"] == "pick" else None,
                    story,
                    json.dumps({"story": story}) if card["kind"] == "question" else None,
                    json.dumps(before),
                    1,
                )
            )
        row = memory.to_row()
        card_updates.append((*row.values(), card["id"]))
        finals_list.append((card, memory))
    # the rest: cram runs with --no-reschedule before interviews, which log a review and leave
    # the schedule alone (their `before` is the card as it stood)
    finals = {card["id"]: (card, memory) for card, memory in finals_list}
    active = [card_id for card_id, (card, _) in finals.items() if card["active"]]
    while len(review_rows) < REVIEWS:
        card, memory = finals[rng.choice(active)]
        if memory.last_review is None:
            continue
        at = memory.last_review + (now - memory.last_review) * rng.uniform(0.05, 0.95)
        review_rows.append(
            (
                card["id"],
                iso(at),
                study_day(at),
                rng.choice([1, 3, 3, 4]),
                "cram",
                rng.randint(4_000, 60_000),
                None,
                None,
                None,
                json.dumps({**memory.to_row(), "buried_until": None}),
                0,
            )
        )
    review_rows.sort(key=lambda r: (r[1], r[0]))
    with store.transaction():
        store.conn.executemany(
            "insert into reviews (card_id, at, day, rating, mode, duration_ms, latency_ms, story, "
            "answer, before, rescheduled) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            review_rows,
        )
        fields = ", ".join(f"{k} = ?" for k in scheduling.Memory().to_row())
        store.conn.executemany(f"update cards set {fields} where id = ?", card_updates)
        # reps as the log says, so `drill doctor` and undo see a consistent home
        store.conn.execute(
            "update cards set reps = (select count(*) from reviews r "
            "where r.card_id = cards.id and r.rescheduled = 1)"
        )
    sync(store, Library(home, home.config()), now_iso, force=True)
    store.checkpoint()
    figures = {
        "stories": STORIES,
        "questions": len(question_ids),
        "cards": store._scalar("select count(*) from cards"),
        "active_cards": store._scalar("select count(*) from cards where active = 1"),
        "reviews": store.review_count(),
        "due_now": store._scalar(
            "select count(*) from cards where active = 1 and state != 'new' and due <= ?",
            [now_iso],
        ),
        "seconds": round(time.perf_counter() - started, 1),
    }
    store.close()
    if not quiet:
        print(json.dumps(figures))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("home", type=Path, help="an empty or missing directory")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    build(args.home, args.seed)


if __name__ == "__main__":
    main()
