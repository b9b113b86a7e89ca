"""The ladder on whole stories at each level, written in different voices."""

import pytest

from drill.bank import parse_story
from drill.coach import estimate_level, lint

STORIES = {
    "junior": """\
# Fixing the export button

## Situation
I joined a 30-person fintech as a junior developer on the web team.

## Problem
My lead gave me a ticket: the CSV export button timed out for big accounts.

## Decision
I followed my lead's suggestion and paginated the query.

## Alternatives
- None really, the lead had already picked the approach.

## People
I asked a teammate to review my pull request.

## Outcome
The export works now and customers stopped complaining.

## Metric
Exports finished.

## Learning
I learned a lot about SQL.
""",
    "mid": """\
# Cutting the build time

## Situation
Our mobile team of eight shipped an iOS app from one Xcode project.

## Problem
Builds took long, and my manager asked me to look at it.

## Decision
I split the app into four Swift packages and turned on build caching, because the cache could
not help while every file depended on every other.

## Alternatives
- Buying faster CI machines: it doubled the CI bill and fixed nothing locally.
- Moving to Bazel: months of migration for a team of eight.

## People
I paired with two teammates on the split and walked the team through the new layout.

## Outcome
I shipped the split over three sprints without freezing feature work.

## Metric
Clean builds went from 14 minutes to 6; incremental builds from 90 s to 20 s.

## Learning
I assumed the caching would work on CI as it did locally, but CI wiped derived data on every
run; now I check cache hit rates on CI before claiming a win.
""",
    "staff": """\
# One identity model for three products

## Situation
After two acquisitions we ran three products with three login systems, and nobody had said what
an acquisition meant for identity.

## Problem
I went through a quarter of support tickets and found that 18% were account-linking problems
across the products.

## Decision
I proposed one identity service with per-product profiles, and I chose to migrate the smallest
product first because it had the fewest sessions to break.

## Alternatives
- Federation between the three systems: every new product would add another link to maintain.
- A big-bang migration: one bad night would lock out every customer at once.

## People
The heads of the two acquired product groups, whose engineers I never met before, wanted to
keep their own login flows at first. I ran a two-week spike with their leads that showed their
flows could live on as profiles, and both agreed to the plan.

## Outcome
All three products moved to the shared service within three quarters.

## Metric
Account-linking tickets fell from 18% of volume to 2%, and login failures from 1.4% to 0.3%.

## Learning
I underestimated how much trust the acquired teams needed; I now run a joint spike before any
cross-org proposal.
""",
    "rambling": """\
+++
level = "senior"
categories = ["technical-decision"]
+++
# The time the search index kept falling over

## Background
So this was back when I was at a mid-size e-commerce place, maybe 400 people, and I'd been on
the search team for about a year, and honestly search was kind of the neglected child of the
org, nobody really wanted to touch it because the indexer was this big Java thing that someone
had written years ago and then left.

## What was going on
Every couple of weeks the indexer would fall over in the middle of the night, and the on-call
person would restart it and go back to sleep, and that was sort of accepted. I got annoyed
enough after my third page in a month that I pulled the heap dumps from the last five crashes
and compared them, and it turned out every one of them was the same thing, a synonym file that
got reloaded on every batch and leaked memory.

## What I decided
I ended up deciding to move synonym loading out of the batch loop entirely and load it once at
startup with a file watcher, because reloads were only ever needed when merchandising changed
the list, which happened maybe twice a month.

## Things I considered
I thought about just giving it more heap, but that would have only pushed the crash out by a
few days. I also looked at replacing the indexer with the managed service our cloud provider
had, but that was a six-month migration and nobody was going to fund it for a memory leak.

## Who I had to get on board
The merchandising lead was pretty nervous about it at first, because her team was used to
seeing synonym changes live within minutes, and a file watcher sounded to her like it might
miss changes. I sat with her team for an afternoon and showed them a change going live in under
a minute with the watcher, and after that she was fine with it.

## How it turned out
I shipped it in about two weeks, and the night pages basically stopped.

## The numbers
Indexer crashes went from roughly two a month to zero over the next half year, and p95 indexing
time dropped from 40 minutes to 25 because we weren't reparsing the file every batch.

## What I'd do differently
I'd have looked at the heap dumps the first time it crashed instead of the third; I now keep a
standing rule that any crash that happens twice gets a heap dump or a core file before anyone
restarts it.
""",
    "mgmt": """\
+++
level = "staff"
categories = ["influence-without-authority"]
+++
# Consolidating on-call across four product teams

## Situation
I managed the reliability group (two teams, eleven engineers) at a 900-person SaaS company.
Four product teams each ran their own on-call, with their own tools and rules.

## Problem
Reading a year of incident reviews, I found that 40% of customer-facing incidents crossed team
boundaries, and the median hand-off between rotations added 35 minutes. No one owned cross-team
incidents; the company had never decided whether reliability was a platform function or each
team's job.

## Decision
I proposed a single incident-commander rotation drawn from all four product teams, with each
team keeping its own service on-call, and I chose to pilot it with the two teams that had the
most cross-team incidents.

## Alternatives
- A central SRE team taking all pages: it would have needed eight new hires and taken ownership
  away from the teams that knew the code.
- Leaving it as it was with better runbooks: runbooks had been tried twice and the hand-off
  delay stayed the same.

## People
Two of the product directors opposed giving up engineers to a shared rotation, because it came
out of their roadmap time. I showed each of them the incidents their teams had lost hours on,
and agreed a cap of one engineer-week per quarter per team. The VP of engineering was undecided
at first; she backed the pilot after the first month's numbers.

## Outcome
The pilot became the company's incident process within two quarters, and teams I never worked
with directly now staff the rotation.

## Metric
Median time to mitigate cross-team incidents went from 95 minutes to 38, and incidents needing
more than two hand-offs fell from 31% to 9%.

## Learning
I assumed the directors' objection was about headcount; it was about losing control of
priorities. Now I ask each stakeholder what they would lose before I propose a shared process.
""",
    "ml": """\
+++
level = "mid"
+++
# Fixing a recommendation model's drift

## Situation
- Recsys team, 6 people, news app with 3M daily users
- Home-feed ranking model retrained weekly

## Problem
- My manager flagged that click-through had dropped for two weeks and asked me to dig in
- Found the training data pipeline silently dropped events from the new Android client

## Decision
- Patched the event schema mapping and backfilled two weeks of data
- Added a row-count check per client version that fails the training job

## Alternatives
- Retrain without Android data: would bias the model to iOS users
- Roll back to the old model: loses three weeks of content freshness

## People
- Worked with the Android team's data engineer; he initially thought the drop was on our side,
  until I showed him the per-version event counts

## Outcome
- Model retrained on full data, feed CTR back to normal

## Metric
- CTR 4.1% -> 3.2% during the drift, back to 4.2% after the fix
- Row-count check has caught 2 more schema breaks since

## Learning
- Assumed upstream schemas were stable; now every pipeline I own has a per-source row-count
  alarm
""",
    "junior2": """\
+++
level = "junior"
+++
# My first on-call fix

## Situation
I was three months into my first job, on a team of five building an internal HR tool.

## Problem
The team lead assigned me a bug where the leave calendar showed the wrong day for people in
Asia.

## Decision
I found the date was stored without a time zone and my lead suggested converting everything to
UTC, so I did that.

## Alternatives
I didn't really consider other options.

## People
I asked the senior engineer on my team to review the change.

## Outcome
The bug was fixed and the users were happy.

## Metric
We got no more tickets about it.

## Learning
I learned to always test with different time zones.
""",
}

EXPECTED = {  # level, signals that must be found, rules that must fire at that level
    "junior": ("junior", {"assigned-problem"}, {"few-alternatives", "no-metric", "no-influence"}),
    "mid": ("mid", {"trade-off", "measured-result", "assigned-problem"}, {"no-influence"}),
    "staff": ("staff", {"multi-team", "strategy", "influence", "defined-problem"}, set()),
    "rambling": ("senior", {"defined-problem", "influence", "trade-off"}, set()),
    "mgmt": ("staff", {"multi-team", "strategy", "influence"}, set()),
    "ml": ("mid", {"assigned-problem", "influence", "measured-result"}, {"assigned-problem"}),
    "junior2": ("junior", {"assigned-problem"}, {"few-alternatives", "vague-outcome", "no-metric"}),
}


@pytest.mark.parametrize("name", list(STORIES))
def test_level_and_findings(name):
    story, problems = parse_story(STORIES[name], name, f"{name}.md")
    assert story is not None and problems == []
    level, signals, rules = EXPECTED[name]
    estimate = estimate_level(story)
    assert estimate.level == level
    assert signals <= estimate.signals
    fired = {f.rule for f in lint(story, level)}
    assert rules <= fired and "below-level" not in fired
    if rules == set():
        assert fired == set()


def test_a_handed_over_problem_is_a_finding_at_every_level():
    story, _ = parse_story(STORIES["mid"], "mid", "mid.md")
    assert "assigned-problem" in {f.rule for f in lint(story, "mid")}


def test_the_junior_story_is_not_the_writers_decision():
    story, _ = parse_story(STORIES["junior"], "junior", "junior.md")
    estimate = estimate_level(story)
    assert "own-decision" not in estimate.signals
    assert estimate.missing_for("mid")[0].startswith("State the decision as your own call")


def test_teams_named_in_a_reason_are_not_the_work_s_reach():
    from drill.coach.level import _reach

    assert not _reach("I picked Terraform, since two product teams already used it.")
    assert not _reach("I chose Kafka because three teams knew it well.")
    assert _reach("I rolled the new pipeline out to four teams in two months.")
    assert _reach("Five teams moved onto it, because the old path was closing.")
