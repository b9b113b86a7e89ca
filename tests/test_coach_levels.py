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
}

EXPECTED = {  # level, signals that must be found, rules that must fire at that level
    "junior": ("junior", {"assigned-problem"}, {"few-alternatives", "no-metric", "no-influence"}),
    "mid": ("mid", {"trade-off", "measured-result", "assigned-problem"}, {"no-influence"}),
    "staff": ("staff", {"multi-team", "strategy", "influence", "defined-problem"}, set()),
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


def test_a_handed_over_problem_is_a_finding_only_from_senior_up():
    story, _ = parse_story(STORIES["mid"], "mid", "mid.md")
    assert "assigned-problem" not in {f.rule for f in lint(story, "mid")}
    assert "assigned-problem" in {f.rule for f in lint(story, "senior")}


def test_the_junior_story_is_not_the_writers_decision():
    story, _ = parse_story(STORIES["junior"], "junior", "junior.md")
    estimate = estimate_level(story)
    assert "own-decision" not in estimate.signals
    assert estimate.missing_for("mid")[0].startswith("State the decision as your own call")
