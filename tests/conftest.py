"""Every test gets its own DRILL_HOME and a fixed clock; no test touches the real home."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

NOW = "2026-12-01T09:00:00+01:00"
# The system zone the tests run in: Central European, as NOW's offset. Naive times the user
# types (`plan add`, `cram --at`) are read in the system zone for their date, DRILL_NOW or not.
os.environ["TZ"] = "CET-1CEST,M3.5.0,M10.5.0/3"
time.tzset()

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


@pytest.fixture(autouse=True)
def drill_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("DRILL_HOME", str(home))
    monkeypatch.setenv("DRILL_NOW", NOW)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return home


@pytest.fixture
def home(drill_env: Path):
    from drill.home import open_home

    return open_home()


@pytest.fixture
def bank_home(home):
    """A home with two stories of the user's own."""
    (home.stories_dir / "invoices.md").write_text(STRONG)
    (home.stories_dir / "mentor.md").write_text(MENTOR)
    return home
