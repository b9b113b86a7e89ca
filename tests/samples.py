"""Sample stories and a small deck shared by the tests (data only, no tests here)."""

STRONG = """\
+++
summary = "Split invoice generation out of the monolith"
categories = ["technical-decision", "influence-without-authority"]
principles = { ownership = "deep", dive-deep = "surface" }
level = "senior"
tags = ["billing"]
+++

# Moving invoices out of the monolith

## Situation
Ledgerly had 60 engineers and one Rails monolith. Month-end invoicing ran for nine hours.

## Problem
I noticed that invoice runs locked the orders table and caused checkout timeouts.

## Decision
I chose to move invoice generation into a separate worker fed by a queue, because it
removed the lock without a rewrite.

## Alternatives
- Read replicas for the invoice job; rejected because replication lag broke totals.
- Rewriting billing as a service; rejected because it would take two quarters.

## People
The payments product manager wanted no change before the audit; I showed her the timeout
cost and she agreed to a two-week pilot. The SRE lead in the platform org was against a new
queue at first; I offered to own its on-call for a month.

## Outcome
Checkout timeouts during month-end stopped and invoicing finished overnight.

## Metric
Month-end run time went from 9 hours to 40 minutes; checkout errors from 2.1% to 0.2%.

## Learning
I assumed invoice volume was flat across the month; it was not, so I now check the
distribution of load before sizing a worker pool.
"""

MENTOR = """\
+++
summary = "Coached a new hire through her first on-call"
categories = ["mentoring"]
level = "senior"
+++

# First on-call

## Situation
A new engineer joined the search team of eight.

## Problem
I saw that new hires froze during their first incident.

## Decision
I decided to pair with her on three mock incidents before her first shift.

## Alternatives
- Leave her to learn on the job; rejected because incidents are costly to learn on.
- A written runbook only; rejected because reading is not practice.

## People
Her manager in another org doubted the time cost at first; I showed him the incident data.

## Outcome
She handled her first real incident alone.

## Metric
Time to mitigate in her first incident was 12 minutes against a team median of 35 minutes.

## Learning
I assumed mocks needed real traffic; a replayed log was enough, and I now start with that.
"""

MINI = """\
[deck]
title = "Mini"

[[question]]
id = "big-call"
text = "Tell me about a technical call you made."
variants = ["Describe a design choice you owned."]
categories = ["technical-decision"]
look_for = "A real decision with options."
followups = ["What else did you consider?", "How did you measure it?"]

[[question]]
id = "grow-someone"
text = "How have you helped an engineer grow?"
variants = ["Describe mentoring someone."]
categories = ["mentoring"]
look_for = "Specific coaching."
followups = ["What did they do differently?", "What would you change?"]
"""


def add_mini(home):
    """The MINI deck in `home`, the only deck drilled (the `mini_home` fixture)."""
    (home.decks_dir / "mini.toml").write_text(MINI)
    home.config_path.write_text('decks = ["mini"]\n')
    return home


def add_stories(home):
    """Two stories of the user's own in `home` (the `bank_home` fixture)."""
    (home.stories_dir / "invoices.md").write_text(STRONG)
    (home.stories_dir / "mentor.md").write_text(MENTOR)
    return home
