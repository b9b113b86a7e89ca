"""Reading sentences and numbers: the structure the rules and the ladder decide from.

Examples are varied on purpose (terse notes, prose, irregular verbs), each with a near miss.
"""

import pytest

from drill.bank import section_for_heading
from drill.coach.numbers import measurements, numbers, pairs
from drill.coach.text import has_reason, i_acts, roles_outside, stance, we_action_count


@pytest.mark.parametrize(
    "sentence",
    [
        "I went through three months of pages and classified each one.",
        "I deleted or downgraded thirty alerts.",
        "I gave one new graduate ownership of the rollout.",
        "I personally rewrote the retry loop.",
        "I've since rebuilt the importer twice.",
        "Spotted it myself in the CI dashboards.",
        "Built a replay harness over a weekend.",
        "Then I sat with support for a day.",
    ],
)
def test_the_writer_acts(sentence):
    assert i_acts(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "I was asked to look into the queue.",
        "I'm the on-call lead this quarter.",
        "I felt the deadline was wrong.",
        "Our manager wanted it done by Friday.",
        "Based on the logs, the queue was stuck.",
        "Reported by support on a Monday.",
        "My lead rewrote the retry loop.",
    ],
)
def test_the_writer_does_not_act(sentence):
    assert not i_acts(sentence)


def test_we_as_actor_is_apart_from_our_as_possessive():
    assert we_action_count("We decided to migrate and we built it.") == 2
    assert we_action_count("Our pipeline broke and our apps crashed; I found why.") == 0
    assert we_action_count("We were a team of six.") == 0
    assert we_action_count("We'll see.") == 0


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        ("The platform team lead, outside my org, opposed it.", "platform team lead"),
        ("The pricing team lead started out unwilling.", "pricing team lead"),
        ("Their engineers, whom I never met, owned the SDK.", "Their engineers"),
        ("It touched two acquired product groups.", "two acquired product groups"),
        ("Another team's on-call rotation paged us.", "Another team's"),
        ("The product manager for checkout disagreed.", "product manager"),
        ("Her manager in another org doubted it.", "Her manager"),
        ("Finance asked for a forecast.", "Finance"),
    ],
)
def test_roles_outside_the_line_as_noun_phrases(sentence, role):
    assert any(role in found for found in roles_outside(sentence)), roles_outside(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "My manager pushed back.",
        "Our team lead agreed.",
        "The team lead reviewed it.",
        "A senior engineer on my team paired with me.",
        "We were a team of six.",
        "I walked my teammate through the plan.",
        "Priya, a mid-level engineer on the team, took it.",
    ],
)
def test_roles_inside_the_line(sentence):
    assert roles_outside(sentence) == []


def test_stance_reads_where_someone_started():
    assert stance("The pricing team lead started out unwilling; I showed her the churn data.")
    assert stance("Security would not sign off until I added an audit log.")
    assert not stance("The SRE lead reviewed the runbook with me.")


@pytest.mark.parametrize(
    "option",
    [
        "Split the monorepo: rejected, a year of migration to fix a caching problem.",
        "Kafka - ops burden for a team of three.",
        "A vendor tool, since the licence alone was half our budget.",
        "Rewriting the client — the app store review cycle made it a quarter.",
        "Sharding by tenant, as the largest tenant alone would overflow a shard.",
    ],
)
def test_an_option_with_a_justification(option):
    assert has_reason(option)


@pytest.mark.parametrize("option", ["Keep Solr.", "A CDN cache.", "Buy a vendor tool, rejected."])
def test_an_option_without_a_justification(option):
    assert not has_reason(option)


def _kinds(text):
    return [(n.text, n.klass) for n in numbers(text)]


def test_numbers_are_classified():
    assert _kinds("In 2021 we moved to Python 3.11 with a team of six.") == [
        ("2021", "date"),
        ("3.11", "version"),
        ("six", "team"),
    ]
    assert _kinds("Ticket #4521 took three sprints.") == [("4521", "id"), ("three", "team")]
    assert _kinds("Shipped in 7 weeks.") == [("7 weeks", "duration")]
    assert _kinds("Saved $2M and cut p95 by 40%.") == [("$2M", "money"), ("40%", "percent")]
    assert _kinds("Pages fell from 41 a week to 9.") == [("41", "count"), ("9", "count")]


def test_only_measurements_count_as_measurements():
    assert measurements("We were eight engineers on v2 in 2022.") == []
    assert [n.text for n in measurements("Zero bugs in 4,000 orders.")] == ["Zero", "4,000"]


def test_spelled_out_numbers_ranges_and_approximations():
    [seventy] = numbers("seventy percent of the pages")
    assert (seventy.value, seventy.kind) == (70, "%")
    [four_hundred] = numbers("four hundred and twenty requests")
    assert four_hundred.value == 420
    [third] = numbers("roughly a third of users")
    assert third.approx and round(third.value) == 33 and third.kind == "%"
    [about] = numbers("about 40 alerts")
    assert about.approx and about.value == 40
    [span] = numbers("a 30-40% drop")
    assert span.scaled == 30 and span.high == 40
    assert numbers("one of the options") == []  # "one" alone is not a quantity


@pytest.mark.parametrize(
    ("heading", "section"),
    [
        ("What I decided", "decision"),
        ("What I'd do differently", "learning"),
        ("Actions", "decision"),
        ("Results by the numbers", "metric"),
        ("Options I decided against", "alternatives"),
        ("Who I had to win over", "people"),
        ("Task", "problem"),
        ("Background & context", "situation"),
        ("SITUATION", "situation"),
    ],
)
def test_heading_aliases(heading, section):
    assert section_for_heading(heading) == section


def test_heading_that_names_no_section():
    assert section_for_heading("Notes") is None


@pytest.mark.parametrize(
    "sentence",
    [
        "The director of claims engineering wanted an offer that week.",
        "Sam, who sat outside my reporting line, objected.",
        "Maria from the billing team pushed back.",
    ],
)
def test_more_roles_outside_the_line(sentence):
    assert roles_outside(sentence)


def test_an_adjective_is_not_a_team_name():
    assert roles_outside("Each test got a named owner and a deadline.") == []


def test_metric_match_reads_spelled_out_numbers_typed_at_the_reveal():
    from drill.coach import metric_match

    matched, missed = metric_match("Pages went from 41 a week to 9.", "forty-one down to nine")
    assert (matched, missed) == (["41", "9"], [])
    assert metric_match("Spend fell from $48,000 to $19,500.", "48000 to 20000")[1] == ["$19,500"]


def test_agreeing_after_being_shown_is_not_a_starting_position():
    assert not stance("The PM agreed once I showed him the data.")
    assert stance("The PM was hostile on the first call and agreed once I showed him the data.")


def test_nobody_asked_me_is_not_an_assigned_problem():
    from drill.coach.signals import assigned

    assert not assigned("Nobody asked me to look at it: I noticed the export myself.")
    assert assigned("My manager asked me to look at the export.")
    assert not assigned("- Ask every team to shrink its pool.")


def test_a_clause_after_which_is_or_that_is_is_a_reason():
    # "that is what …" explains why the option lost; "which was the …" only names it
    assert has_reason("Keep the cron job: that is what had paged us every Sunday.")
    assert not has_reason("A managed queue, which was the obvious choice.")


def test_numbers_joined_by_rather_than_are_options_not_a_change():
    text = "Went with 2.4 rather than 2.2 of the client library."
    assert pairs(text, numbers(text)) == []
    compared = "p95 was 300 ms, lower than 640 ms a year ago."
    assert [(a.text, b.text) for a, b in pairs(compared, numbers(compared))] == [
        ("300 ms", "640 ms")
    ]
