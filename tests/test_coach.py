"""Coaching: every lint rule fires on a crafted story and stays quiet on a near miss."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drill import coach
from drill.bank import Story, parse_story, render_story, template
from drill.coach import (
    FOLLOWUP_ALTERNATIVE,
    FOLLOWUP_DEFAULT,
    FOLLOWUP_NUMBER,
    FOLLOWUP_PERSONAL,
    RULES,
    analyze,
    coverage,
    estimate_level,
    extract_numbers,
    followup_for,
    lint,
    metric_match,
)
from drill.decks import Category, Framework, Principle, Question, Taxonomy
from drill.report import render_analysis, render_coverage, render_lint

# A senior story written to the evidence standard: it must pass every rule at senior.
STRONG_TEXT = """\
+++
categories = ["technical-decision", "influence-without-authority"]
level = "senior"
summary = "Price cache in checkout"
+++

# Caching prices inside checkout

## Situation
Our checkout service handled 3 million orders a month at a 200-person retailer. I was one of
four engineers on the payments team. Slow checkout pages were costing conversions before the
holiday peak.

## Problem
While profiling traces for an unrelated bug, I noticed that every checkout page called the
pricing service eleven times. I traced the p95 page time to those calls and wrote up the case
for fixing it before the peak.

## Decision
I decided to add a read-through price cache inside checkout with a 60-second expiry, because
prices change at most hourly.

## Alternatives
- Rewriting the pricing service for speed: another team owned it and it would take a quarter.
- Batching the eleven calls into one: I turned it down since it needed an API change the
  pricing team could not ship before the peak.

## People
The product manager for checkout initially wanted the sprint spent on a new payment method. I
showed her the conversion drop per 100 ms from our own experiments, and she moved the cache
ahead in the plan. The SRE lead was against another cache layer at first, worried about stale
prices; I agreed to an alert on price mismatches and a kill switch, and he signed off.

## Outcome
I shipped the cache in two weeks, and checkout stayed inside its latency budget through the
holiday peak.

## Metric
p95 checkout page time went from 1.8 s to 240 ms, measured over the first four weeks.

## Learning
I assumed prices changed hourly without checking the audit log; a flash sale broke that
assumption once, so now I read the change history of any data before I pick a cache expiry.
"""

WEAK_TEXT = """\
# Migrating search

## Situation
We were a team of six working on search. Search was slow. The company was growing fast.
Customers were complaining. Management wanted it fixed. It was a busy quarter.

## Problem
I was asked to look into why search was slow.

## Decision
We decided to migrate to Elasticsearch.

## Alternatives
- Keep Solr.

## People
We worked closely together as a team and everyone was on board.

## Outcome
Search became much faster and customers were happier.

## Metric
Latency improved a lot.

## Learning
I learned to communicate more.
"""


def parse(text: str, sid: str = "s") -> Story:
    story, problems = parse_story(text, sid, f"{sid}.md")
    assert story is not None, problems
    return story


STRONG = parse(STRONG_TEXT, "checkout-cache")


def with_sections(base: Story = STRONG, sid: str = "s", **changes: str) -> Story:
    """The strong story with some sections replaced (or removed with "-")."""
    sections = {name: base.section_text(name) for name in coach.SECTIONS}
    for name, text in changes.items():
        if text == "-":
            sections.pop(name)
        else:
            sections[name] = text
    text = render_story(
        base.title, sections, base.categories, base.principles, base.level, base.summary
    )
    if "-" in changes.values():  # render_story writes every heading; drop the removed ones
        for name, value in changes.items():
            if value == "-":
                text = text.replace(f"## {name.title()}\n\n", "")
    return parse(text, sid)


def line_of(story: Story, needle: str) -> int:
    """Independent reference: the file line holding `needle`."""
    for number, line in enumerate(story.text.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in story")


def run(rule_id: str, story: Story, level: str = "senior") -> list[coach.Finding]:
    return RULES[rule_id](story, coach.LintContext(level))


# ---------------------------------------------------------------------- whole stories


def test_strong_story_has_no_findings_and_reads_senior():
    assert lint(STRONG, "senior") == []
    estimate = estimate_level(STRONG)
    assert estimate.level == "senior"
    names = {s.name for s in estimate.evidence}
    assert {"defined-problem", "own-decision", "trade-off", "influence"} <= names
    assert estimate.missing_for("senior") == []
    influence = next(s for s in estimate.evidence if s.name == "influence")
    assert influence.line == line_of(STRONG, "The product manager for checkout initially")


def test_weak_story_gets_several_findings_and_a_low_level():
    story = parse(WEAK_TEXT, "search")
    rules = {f.rule for f in lint(story)}
    expected = {
        "we-heavy",
        "assigned-problem",
        "few-alternatives",
        "no-influence",
        "vague-outcome",
        "no-metric",
        "generic-learning",
        "long-situation",
        "below-level",
    }
    assert expected <= rules
    assert estimate_level(story).level in ("junior", "mid")
    below = next(f for f in lint(story) if f.rule == "below-level")
    assert below.severity == "error" and below.line == 1 and below.span == "Migrating search"


def test_lint_sorts_by_line_and_serialises():
    findings = lint(parse(WEAK_TEXT))
    assert [f.line for f in findings] == sorted(f.line for f in findings)
    data = json.loads(json.dumps([f.to_dict() for f in findings]))
    assert set(data[0]) == {"rule", "severity", "story", "section", "line", "span", "fix"}


def test_lint_rejects_unknown_level():
    with pytest.raises(ValueError, match="level"):
        lint(STRONG, "principal")


def test_every_rule_is_registered_once():
    assert list(RULES) == [
        "missing-section",
        "we-heavy",
        "no-metric",
        "vague-outcome",
        "no-baseline",
        "long-situation",
        "assigned-problem",
        "few-alternatives",
        "no-influence",
        "generic-learning",
        "safe-failure",
        "below-level",
    ]


# ---------------------------------------------------------------------- missing-section


def test_missing_section_absent_points_at_title():
    story = with_sections(metric="-")
    [finding] = run("missing-section", story)
    assert finding.severity == "error" and finding.section == "metric"
    assert finding.line == line_of(story, "# Caching prices")


def test_missing_section_title_line_skips_toml_comments():
    text = with_sections(metric="-").text.replace("+++\n", "+++\n# my note\n", 1)
    story = parse(text)
    [finding] = run("missing-section", story)
    assert finding.line == line_of(story, "# Caching prices") > 2


def test_missing_section_placeholder_comment_counts_as_empty():
    story = with_sections(learning="<!-- One narrow thing you would do differently. -->")
    [finding] = run("missing-section", story)
    assert finding.section == "learning" and finding.line == line_of(story, "## Learning")
    assert len(run("missing-section", parse(template(), "t"))) == 8


def test_missing_section_near_miss_text_after_placeholder():
    story = with_sections(learning="<!-- hint -->\nI now load-test with replayed traffic first.")
    assert run("missing-section", story) == []


# ---------------------------------------------------------------------- we-heavy


def test_we_heavy_when_we_outweighs_i_where_the_user_acted():
    story = with_sections(
        people="We met the product manager, who initially wanted a payment method. We showed "
        "our data and we got her on board.",
        outcome="We shipped the cache in two weeks and we kept it inside our budget.",
    )
    findings = run("we-heavy", story)
    assert findings and findings[0].section == "people"
    assert "outnumbers" in findings[0].fix
    assert findings[0].line == line_of(story, "We met the product manager")


def test_we_heavy_flags_a_single_action_sentence_without_i():
    story = with_sections(
        outcome="I wrote the rollout plan. We migrated every page to the cache in two weeks."
    )
    [finding] = run("we-heavy", story)
    assert finding.span == "We migrated every page to the cache in two weeks."
    assert finding.line == line_of(story, "We migrated every page")


def test_we_heavy_near_miss_my_team_and_i_and_we_in_situation():
    story = with_sections(
        outcome="My team and I migrated every page to the cache in two weeks.",
        situation="We were a payments team of four. We served 3 million orders a month.",
    )
    assert run("we-heavy", story) == []


# ---------------------------------------------------------------------- no-metric


def test_no_metric_fires_without_a_number():
    story = with_sections(metric="Checkout felt much snappier to everyone.")
    [finding] = run("no-metric", story)
    assert finding.span == "Checkout felt much snappier to everyone."
    assert finding.line == line_of(story, "Checkout felt much snappier")


def test_no_metric_near_miss_number_word():
    assert run("no-metric", with_sections(metric="Checkout errors fell by half in a week.")) == []


# ---------------------------------------------------------------------- vague-outcome


def test_vague_outcome_flags_comparative_without_number():
    story = with_sections(
        outcome="I shipped the cache and checkout became faster for everyone.",
        metric="Checkout felt snappier.",
    )
    [finding] = run("vague-outcome", story)
    assert "'faster'" in finding.fix and finding.section == "outcome"
    assert finding.line == line_of(story, "checkout became faster")


def test_vague_outcome_near_miss_backed_by_the_metric():
    story = with_sections(outcome="I shipped the cache and checkout became faster.")
    assert run("vague-outcome", story) == []  # the Metric's from→to backs the claim


def test_vague_outcome_near_miss_comparative_with_number():
    story = with_sections(outcome="Checkout became faster: p95 dropped by 1.5 s in two weeks.")
    assert run("vague-outcome", story) == []


# ---------------------------------------------------------------------- no-baseline


def test_no_baseline_single_number():
    story = with_sections(metric="Checkout p95 is now 240 ms.")
    [finding] = run("no-baseline", story)
    assert finding.severity == "warning" and finding.span == "Checkout p95 is now 240 ms."
    assert finding.line == line_of(story, "Checkout p95 is now")


def test_no_baseline_two_unrelated_numbers_are_not_a_pair():
    story = with_sections(metric="Checkout served 900 orders an hour at 240 ms p95.")
    assert [f.rule for f in run("no-baseline", story)] == ["no-baseline"]


def test_counts_of_people_and_options_are_not_measurements():
    story = with_sections(metric="I met 3 people to discuss 4 options for checkout.")
    assert run("no-baseline", story) == [] and run("no-metric", story)


def test_no_baseline_relative_change_is_only_info():
    [finding] = run("no-baseline", with_sections(metric="Checkout p95 fell by 40%."))
    assert finding.severity == "info"


@pytest.mark.parametrize(
    "metric",
    [
        "p95 went from 1.8 s to 240 ms.",
        "p95: 1.8 s → 240 ms.",
        "p95: 1.8 s -> 240 ms.",
        "p95 is 240 ms, down from 1.8 s.",
        "p95 dropped 1.8 s to 240 ms.",
        "Error rate fell 4% to 0.5%.",
        "Deploys took 40 minutes; the build was 40 minutes, now 6 minutes.",
        "I cut support tickets 15 to 2 a week.",
        "Baseline 1,200 tickets a month; 300 after the change.",
        "Time to mitigate was 12 minutes against a team median of 35 minutes.",
        "p95 is 240 ms vs. 1.8 s before.",
    ],
)
def test_no_baseline_near_miss_accepts_baseline_forms(metric):
    assert run("no-baseline", with_sections(metric=metric)) == []


# ---------------------------------------------------------------------- long-situation


def test_long_situation_points_at_the_fifth_sentence():
    story = with_sections(
        situation="We were a retailer. The team had four engineers. Checkout was slow.\n"
        "Holidays were near. Finance was nervous about the numbers."
    )
    [finding] = run("long-situation", story)
    assert finding.span == "Finance was nervous about the numbers."
    assert finding.line == line_of(story, "Finance was nervous")
    assert "5 sentences" in finding.fix


def test_long_situation_near_miss_four_sentences_with_abbreviation():
    story = with_sections(
        situation="We were a retailer with 200 staff, e.g. stores and web. The team had four "
        "engineers. Checkout at 1.8 s was slow. Holidays were near."
    )
    assert run("long-situation", story) == []


# ---------------------------------------------------------------------- assigned-problem


@pytest.mark.parametrize(
    "problem",
    [
        "I was asked to speed up the checkout page.",
        "I was tasked with fixing checkout latency.",
        "My manager asked me to look at checkout latency.",
        "I was told to cut checkout latency before the peak.",
        "I was given the checkout latency ticket.",
    ],
)
def test_assigned_problem_fires(problem):
    story = with_sections(problem=problem)
    [finding] = run("assigned-problem", story)
    assert finding.span == problem and finding.line == line_of(story, problem)


@pytest.mark.parametrize(
    "problem",
    [
        "I asked the SRE lead for traces and noticed eleven pricing calls per page.",
        "I was told by support that checkout timed out, and I traced it to pricing calls.",
        "I was given feedback on my design doc and noticed the pricing calls then.",
    ],
)
def test_assigned_problem_near_miss(problem):
    assert run("assigned-problem", with_sections(problem=problem)) == []


# ---------------------------------------------------------------------- few-alternatives


def test_few_alternatives_with_one_option():
    story = with_sections(alternatives="- Rewriting the pricing service, because it was slow.")
    [finding] = run("few-alternatives", story)
    assert "at least two" in finding.fix
    assert finding.line == line_of(story, "- Rewriting the pricing service")


def test_few_alternatives_flags_the_option_without_a_reason():
    story = with_sections(
        alternatives="- Rewriting the pricing service: too slow to deliver.\n- A CDN cache."
    )
    [finding] = run("few-alternatives", story)
    assert finding.span == "A CDN cache." and finding.line == line_of(story, "- A CDN cache.")


def test_few_alternatives_near_miss_prose_with_reasons():
    story = with_sections(
        alternatives="I considered a CDN cache, but prices differ per customer. Batching the "
        "calls would have needed an API change from another team."
    )
    assert run("few-alternatives", story) == []


# ---------------------------------------------------------------------- no-influence


def test_no_influence_without_role_outside_line():
    story = with_sections(people="I paired with Ana from my team and she initially disagreed.")
    [finding] = run("no-influence", story)
    assert "outside your reporting line" in finding.fix
    assert finding.line == line_of(story, "I paired with Ana")


def test_no_influence_my_director_is_inside_the_line():
    story = with_sections(people="My director initially pushed back on the cache.")
    assert run("no-influence", story)


def test_no_influence_role_without_starting_position():
    story = with_sections(people="I walked the product manager through the data.\nShe agreed.")
    [finding] = run("no-influence", story)
    assert "stood" in finding.fix
    assert finding.span == "I walked the product manager through the data."


def test_no_influence_near_miss_manager_in_another_org():
    story = with_sections(people="Her manager in another org doubted the time cost at first.")
    assert run("no-influence", story) == []


def test_no_influence_near_miss_other_teams_lead_with_position():
    story = with_sections(
        people="The search team's tech lead was skeptical of a shared cache until I showed "
        "him the hit rate."
    )
    assert run("no-influence", story) == []


# ---------------------------------------------------------------------- generic-learning


@pytest.mark.parametrize(
    ("learning", "span"),
    [
        (
            "I learned to communicate more with the other teams involved in the project.",
            "I learned to communicate more with the other teams involved in the project.",
        ),
        (
            "Looking back, I learned a lot about caching from this whole project overall.",
            "Looking back, I learned a lot about caching from this whole project overall.",
        ),
        (
            "Honestly, I would not change anything about how this went at all, to be fair.",
            "Honestly, I would not change anything about how this went at all, to be fair.",
        ),
        ("Plan better.", "Plan better."),
        ("Caching is hard.", "Caching is hard."),
    ],
)
def test_generic_learning_fires(learning, span):
    story = with_sections(learning=learning)
    [finding] = run("generic-learning", story)
    assert finding.span == span and finding.line == line_of(story, learning)


def test_generic_learning_near_miss_specific_habit():
    story = with_sections(
        learning="I learned to communicate earlier: now I post the rollback plan in the "
        "launch channel 2 days ahead of any schema change."
    )
    assert run("generic-learning", story) == []


# ---------------------------------------------------------------------- safe-failure

FAILURE = dict(
    problem="I set a 24-hour cache expiry on prices myself, assuming prices changed daily.",
    outcome="A flash sale changed prices hourly and 1,400 customers were charged old prices; "
    "I rolled the cache back and we issued refunds.",
    metric="Refunds cost $38,000 and the incident lasted 3 hours.",
    learning="I trusted the pricing team's description instead of the audit log, which showed "
    "hourly changes; now I read the data's change history before setting any expiry.",
)


def failure_story(**changes: str) -> Story:
    base = with_sections(**{**FAILURE, **changes})
    text = base.text.replace(
        'categories = ["technical-decision", "influence-without-authority"]',
        'categories = ["failure"]',
    )
    return parse(text, "fail")


def test_safe_failure_without_consequence():
    story = failure_story(
        outcome="It was not a big deal in the end and the team moved on.",
        metric="Nobody really noticed it.",
    )
    [finding] = run("safe-failure", story)
    assert finding.section == "outcome" and finding.line == line_of(story, "It was not a big")


def test_safe_failure_with_generic_lesson():
    story = failure_story(learning="I learned to communicate earlier with the pricing team.")
    [finding] = run("safe-failure", story)
    assert finding.section == "learning"


def test_safe_failure_detected_from_the_title_too():
    text = STRONG_TEXT.replace("# Caching prices inside checkout", "# My worst mistake").replace(
        "went from 1.8 s to 240 ms", "felt fine"
    )
    text = text.replace("I shipped the cache in two weeks, and checkout", "Checkout")
    assert run("safe-failure", parse(text))


def test_safe_failure_near_miss_real_cost_and_narrow_lesson():
    assert run("safe-failure", failure_story()) == []
    assert run("safe-failure", STRONG) == []  # not a failure story at all


# ---------------------------------------------------------------------- below-level


def test_below_level_one_step_is_a_warning():
    [finding] = run("below-level", STRONG, level="staff")
    assert finding.severity == "warning" and finding.section == ""
    assert finding.span == "Caching prices inside checkout"
    assert finding.line == line_of(STRONG, "# Caching prices")
    assert "teams" in finding.fix


def test_below_level_two_steps_is_an_error():
    [finding] = run("below-level", parse(WEAK_TEXT), level="senior")
    assert finding.severity == "error"


def test_below_level_near_miss():
    assert run("below-level", STRONG, level="senior") == []
    assert run("below-level", parse(WEAK_TEXT), level="junior") == []


# ---------------------------------------------------------------------- level estimate


def test_level_junior_did_work_without_a_decision():
    story = with_sections(
        problem="My lead gave me a ticket about slow checkout pages.",
        decision="I added the cache the lead described.",
        alternatives="-",
        people="I asked a teammate to review it.",
    )
    estimate = estimate_level(story)
    assert estimate.level == "junior"
    assert any("your own call" in m for m in estimate.missing_for("mid"))


def test_level_someone_elses_decision_is_not_the_users():
    story = with_sections(decision="My manager decided to add a cache, because prices change.")
    estimate = estimate_level(story)
    assert "own-decision" not in estimate.signals
    junior = with_sections(
        decision="My manager decided to add a cache, because prices change.",
        problem="My lead gave me a ticket about slow checkout pages.",
    )
    assert estimate_level(junior).missing_for("mid")[0] == coach._MISSING["own-decision"]


def test_level_mid_when_the_problem_was_assigned():
    story = with_sections(problem="I was asked to speed up the checkout page.")
    estimate = estimate_level(story)
    assert estimate.level == "mid"  # everything else is senior evidence, but the cap holds
    missing = estimate.missing_for("senior")
    assert missing == [coach._MISSING["assigned-problem"]]


def test_level_a_handed_over_problem_with_reach_past_the_team_is_not_capped():
    # Handed the problem, but the work spans several teams: the assignment does not cap it.
    story = with_sections(
        problem="I was asked to speed up the checkout page.",
        outcome="I shipped the cache, and four product teams moved their pricing calls onto it.",
    )
    estimate = estimate_level(story)
    assert "assigned-problem" in estimate.signals and "multi-team" in estimate.signals
    assert estimate.level == "staff"


def test_level_a_stance_in_the_situation_is_context_not_influence():
    story = with_sections(
        situation="Finance wanted the monthly close to run overnight. I was on the ledger team.",
        people="I walked my teammate through the plan and she agreed.",
    )
    assert "influence" not in estimate_level(story).signals


def test_below_level_is_silent_when_only_absent_sections_stand_between():
    # No Alternatives and no People heading at all (a STAR-shaped story): found problem and a
    # measured change are all it can show, and missing-section already asks for the rest.
    star = with_sections(alternatives="-", people="-")
    assert estimate_level(star).level == "mid"
    assert run("below-level", star, level="senior") == []
    assert [f.rule for f in run("missing-section", star)] == ["missing-section"] * 2
    assert run("below-level", star, level="staff") != []  # two levels short: still said
    # The same evidence with both sections present and empty of it is a real shortfall.
    told = with_sections(
        alternatives="I did not look at other options.",
        people="I walked my teammate through the plan and she agreed.",
    )
    assert estimate_level(told).level == "mid"
    assert [f.rule for f in run("below-level", told, level="senior")] == ["below-level"]


def test_level_one_missing_signal_is_not_a_gate():
    # No influence outside the line: one senior signal fewer, and the story still reads senior.
    story = with_sections(people="I walked my teammate through the plan and she agreed.")
    estimate = estimate_level(story)
    assert estimate.level == "senior" and "influence" not in estimate.signals
    # Without alternatives as well, two are missing: mid, and one addition lifts it.
    story = with_sections(
        people="I walked my teammate through the plan and she agreed.", alternatives="-"
    )
    estimate = estimate_level(story)
    assert estimate.level == "mid"
    assert estimate.missing_for("senior")[0] == coach._MISSING["trade-off"]
    assert estimate.missing_for("mid") == []


def test_level_staff_with_reach_and_company_ambiguity():
    story = with_sections(
        situation="The company had not decided whether to build its own pricing platform. "
        "Five product teams were blocked waiting on that answer. I led checkout at a "
        "200-person retailer."
    )
    estimate = estimate_level(story)
    assert estimate.level == "staff"
    assert {"multi-team", "strategy"} <= estimate.signals
    assert json.dumps(estimate.to_dict())


def test_level_divergence_is_reported_as_evidence():
    story = with_sections(
        decision="I decided to add a read-through cache, because prices change hourly. The "
        "technically right answer was a pricing rewrite, but the peak deadline made a cache "
        "the responsible call."
    )
    names = estimate_level(story).signals
    assert "divergence" in names
    assert "divergence" not in estimate_level(STRONG).signals


# ---------------------------------------------------------------------- numbers


def test_extract_numbers():
    text = (
        "Latency fell 40% from 1.8 s to 240ms; we saved $2M, went 3x faster, closed 15 "
        "tickets and served 1,200 users in 2023 with p95 on v2 for the 3rd time."
    )
    assert extract_numbers(text) == ["40%", "1.8 s", "240ms", "$2M", "3x", "15", "1,200"]


@pytest.mark.parametrize(
    ("metric", "typed", "matched", "missed"),
    [
        ("Error rate fell by 40%.", "40 %", ["40%"], []),
        ("We handle 1,200 tickets.", "1200", ["1,200"], []),
        ("p95 is 1.8s.", "1.8 s", ["1.8s"], []),
        ("p95 is 1.8 s.", "1800 ms", ["1.8 s"], []),
        ("from 15 a week to 2 a week", "15", ["15"], ["2"]),
        ("Error rate fell by 40%.", "4%", [], ["40%"]),
        ("Saved $2M a year.", "2M", ["$2M"], []),
        ("<!-- 99 -->", "", [], []),
    ],
)
def test_metric_match(metric, typed, matched, missed):
    assert metric_match(metric, typed) == (matched, missed)


# ---------------------------------------------------------------------- analysis

ANSWER = (
    "Um, so I noticed our checkout was slow. I decided to add a cache instead of rewriting "
    "the pricing service, because it would take a quarter. We cut p95 from 1.8 s to 240 ms, "
    "like, in two weeks. I think the PM was skeptical at first."
)


def test_analysis_figures():
    a = analyze(ANSWER)
    assert a.words == 47
    assert a.seconds == 18.8 and a.budget_seconds == 180 and not a.over_budget
    assert (a.i_count, a.we_count) == (3, 2)
    assert a.numbers == ["1.8 s", "240 ms", "two weeks"]
    assert a.metrics == ["1.8 s → 240 ms"]
    assert a.decision_phrases == ["decided", "instead of", "because"]
    assert a.fillers == ["um", "like"] and a.fillers_per_100 == 4.3
    assert a.hedges == ["i think"] and a.hedges_per_100 == 2.1
    assert a.first_number_at == 0.64
    assert a.sections_touched == ["problem", "decision", "alternatives", "people", "metric"]
    assert json.loads(json.dumps(a.to_dict()))["words"] == 47


def test_analysis_budget_and_empty_text():
    long = analyze("word " * 451)
    assert long.seconds == 180.4 and long.over_budget
    empty = analyze("")
    assert (empty.words, empty.fillers_per_100, empty.first_number_at) == (0, 0.0, None)


def test_analysis_counts_lowercase_i_in_transcripts_but_not_ie():
    a = analyze("so i built it, i.e. the cache, and my lead and i shipped it with us")
    assert (a.i_count, a.we_count) == (3, 1)


def test_analysis_like_as_a_verb_is_not_a_filler():
    assert analyze("I like caches and it looks like a win.").fillers == []


def test_analysis_contradiction_with_story():
    story = with_sections(metric="p95 latency fell by 40% over the quarter.")
    a = analyze("I cut p95 latency by 30% in a quarter.", story)
    [c] = a.contradictions
    assert (c.said, c.story, str(c)) == ("30%", "40%", "said 30%, story says 40%")
    assert c.line == line_of(story, "p95 latency fell by 40%")
    assert a.story_numbers_missing == ["40%"]


def test_analysis_contradiction_near_misses():
    # Same numbers as the story, or a number in another unit: no contradiction.
    assert analyze("p95 went from 1.8 s to 240 ms.", STRONG).contradictions == []
    assert analyze("The rollout took 3 weeks of latency work.", STRONG).contradictions == []
    assert analyze("p95 went from 1.8 s to 240 ms.", STRONG).story_numbers_missing == []
    assert analyze(STRONG_TEXT, STRONG).contradictions == []  # the story against itself
    rounded = with_sections(metric="Zero-result searches fell from 11.4% to 3.1%.")
    assert analyze("Zero-result searches fell from 11% to 3%.", rounded).contradictions == []


def test_analysis_contradiction_in_a_from_to_pair():
    a = analyze("The checkout page time went from 1.8 s to 300 ms.", STRONG)
    assert [(c.said, c.story) for c in a.contradictions] == [("300 ms", "240 ms")]
    assert a.story_numbers_missing == ["240 ms"]


def test_analysis_sections_touched_by_story_overlap():
    a = analyze("The flash sale and the audit log taught me about expiry history.", STRONG)
    assert "learning" in a.sections_touched
    assert "learning" not in analyze("The flash sale taught me things.").sections_touched


# ---------------------------------------------------------------------- follow-ups


def test_followup_for():
    assert followup_for(analyze("I built the cache."), ["Q?"]) == FOLLOWUP_NUMBER
    assert followup_for(analyze("We built it and we cut 40%."), ["Q?"]) == FOLLOWUP_PERSONAL
    assert followup_for(analyze("I built it and cut p95 by 40%."), ["Q?"]) == FOLLOWUP_ALTERNATIVE
    good = analyze("I chose a cache instead of a rewrite and cut p95 by 40%.")
    assert followup_for(good, ["What did the PM say?"]) == "What did the PM say?"
    assert followup_for(good, []) == FOLLOWUP_DEFAULT


# ---------------------------------------------------------------------- coverage


def small_taxonomy() -> Taxonomy:
    cats = {
        cid: Category(cid, cid.replace("-", " ").title(), "", cid in coach.REQUIRED_CATEGORIES)
        for cid in (*coach.REQUIRED_CATEGORIES, "ambiguity", "customer")
    }
    principles = (
        Principle("ownership", "Ownership", "g", "amazon"),
        Principle("dive-deep", "Dive Deep", "g", "amazon"),
        Principle("frugality", "Frugality", "g", "amazon"),
    )
    return Taxonomy(cats, {"amazon": Framework("amazon", "Amazon", "amazon", principles)})


def bank_story(sid: str, categories: list[str], principles: dict[str, str]) -> Story:
    text = STRONG_TEXT.replace(
        'categories = ["technical-decision", "influence-without-authority"]',
        "categories = ["
        + ", ".join(f'"{c}"' for c in categories)
        + "]\nprinciples = { "
        + ", ".join(f'{k} = "{v}"' for k, v in principles.items())
        + " }",
    )
    return parse(text, sid)


def small_bank():
    stories = [
        bank_story(
            "cache",
            ["technical-decision", "influence-without-authority"],
            {"ownership": "deep", "dive-deep": "surface"},
        ),
        bank_story("mentor", ["mentoring", "cross-functional-conflict"], {"dive-deep": "surface"}),
    ]
    questions = [Question(f"core/q{n}", "core", f"Question {n}?") for n in range(5)]
    questions.append(Question("amazon/lp1", "amazon", "Tell me about ownership."))
    mappings = {
        "core/q0": {"cache"},
        "core/q1": {"cache"},
        "core/q2": {"cache"},
        "core/q3": {"mentor", "gone"},
        "amazon/lp1": {"gone"},
    }
    return stories, questions, mappings


def test_coverage_reports_gaps_overuse_and_unmapped():
    stories, questions, mappings = small_bank()
    cov = coverage(stories, questions, mappings, small_taxonomy(), "amazon")
    assert cov.categories[:5] == list(coach.REQUIRED_CATEGORIES)
    assert cov.matrix["mentor"] == {"mentoring", "cross-functional-conflict"}
    assert [g.subject for g in cov.gaps if g.kind == "category"] == ["failure"]
    failure_gap = next(g for g in cov.gaps if g.subject == "failure")
    assert "failure story" in failure_gap.text
    assert cov.principles == {"ownership": "deep", "dive-deep": "surface", "frugality": None}
    kinds = {(g.kind, g.subject) for g in cov.gaps}
    assert {("principle", "frugality"), ("principle-depth", "dive-deep")} <= kinds
    assert cov.overused == {"cache": 0.5}
    assert cov.unmapped == {"core": ["core/q4"], "amazon": ["amazon/lp1"]}
    assert ("unmapped", "core") in kinds and ("overused", "cache") in kinds
    assert not any(g.kind == "level" for g in cov.gaps)  # "cache" reads senior
    json.dumps(cov.to_dict())


def test_coverage_level_gap_and_no_overuse_on_tiny_deck():
    weak = parse(WEAK_TEXT, "search")
    questions = [Question("core/q0", "core", "Q?")]
    cov = coverage([weak], questions, {"core/q0": {"search"}}, small_taxonomy(), None)
    assert cov.overused == {} and cov.principles == {}
    [level_gap] = [g for g in cov.gaps if g.kind == "level"]
    assert "search" in level_gap.text and "senior" in level_gap.text
    assert len([g for g in cov.gaps if g.kind == "category"]) == 5


# ---------------------------------------------------------------------- report


def test_render_lint_plain_and_colour():
    weak = parse(WEAK_TEXT, "search")
    rows = [(weak, lint(weak), estimate_level(weak)), (STRONG, [], estimate_level(STRONG))]
    plain = render_lint(rows, "senior", color=False)
    assert "\x1b[" not in plain
    assert re.search(r'^\s+11  we-heavy\s+"We decided to migrate to Elasticsearch\."$', plain, re.M)
    assert "fix: " in plain and "no findings" in plain and "level: junior" in plain
    assert '! assigned-problem    8  "I was asked to look into why search was slow."' in plain
    assert all(len(line) <= 80 for line in plain.splitlines())
    coloured = render_lint(rows, "senior", color=True)
    assert '\x1b[1;33m"We decided to migrate to Elasticsearch."\x1b[0m' in coloured


def test_render_coverage_fits_80_columns():
    stories, questions, mappings = small_bank()
    taxonomy = small_taxonomy()
    text = render_coverage(coverage(stories, questions, mappings, taxonomy, "amazon"), taxonomy)
    assert all(len(line) <= 80 for line in text.splitlines()), text
    assert "td" in text and "Frugality" in text and "50%" in text and "1 of 5" in text
    assert "\x1b[" not in text


def test_render_coverage_transposes_when_categories_overflow():
    cats = {
        f"category-{i}": Category(f"category-{i}", f"Category {i}", "", i < 5) for i in range(20)
    }
    taxonomy = Taxonomy(cats, {})
    stories = [
        bank_story(f"story-{j}", [f"category-{i}" for i in range(20) if (i + j) % 3 == 0], {})
        for j in range(9)
    ]
    text = render_coverage(coverage(stories, [], {}, taxonomy, None), taxonomy)
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines), text
    assert "Category 0*" in text and "1=story-0(sr)" in text
    assert any(line.startswith("Category 19 ") for line in lines)


def test_render_analysis():
    text = render_analysis(analyze(ANSWER, STRONG), color=False)
    assert "47 words" in text and "1.8 s → 240 ms" in text and "um x1" in text
    assert all(len(line) <= 80 for line in text.splitlines())


# ---------------------------------------------------------------------- robustness

PIECES = st.sampled_from(
    [
        *"abI we1.8%s-→#+\n<!>:,$",
        "## Metric\n",
        "## People\n",
        "## Alternatives\n- ",
        "We decided ",
        "from 1.8 s to 240 ms ",
        "I was asked ",
        "<!-- x -->",
        "1. ",
        "p95 ",
    ]
)


@given(st.lists(PIECES, max_size=60).map("".join))
@settings(max_examples=300, deadline=None)
def test_fuzz_coach_never_raises_and_quotes_the_story(text):
    story, _ = parse_story("# T\n" + text, "f", "f.md")
    flat = " ".join(re.sub(r"<!--.*?-->", " ", "# T\n" + text, flags=re.S).split())
    if story is not None:
        for finding in lint(story, "staff"):
            assert 1 <= finding.line <= story.text.count("\n") + 1
            assert finding.span.rstrip("…") in flat or finding.span.startswith("## ")
        estimate_level(story).missing_for("staff")
    analyze(text, story)
    assert metric_match(text, text)[1] == []


def test_list_markers_are_not_numbers():
    assert extract_numbers("1. Latency fell.\n2) Errors fell.") == []
    assert run("no-metric", with_sections(metric="1. Checkout felt snappier."))


def test_assigned_problem_also_catches_the_team_being_handed_it():
    from drill.bank import parse_story
    from drill.coach import lint

    for sentence in ("We were asked to fix checkout.", "My manager asked us to fix checkout."):
        story, _ = parse_story(f"# T\n\n## Problem\n{sentence}\n", "t", "t.md")
        found = [f for f in lint(story) if f.rule == "assigned-problem"]
        assert [f.span for f in found] == [sentence] and found[0].line == 4
    story, _ = parse_story("# T\n\n## Problem\nWe were surprised by the churn.\n", "t", "t.md")
    assert not [f for f in lint(story) if f.rule == "assigned-problem"]
