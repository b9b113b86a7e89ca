"""The coach against the labelled corpus in tests/corpus: the floors issue 11 sets.

The corpus was written from the rule definitions, not from the code; a change that makes lint
or the level ladder match fewer ways of writing fails here.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

from drill.coach import RULES

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"


def load_eval():
    spec = importlib.util.spec_from_file_location("coach_eval", ROOT / "bench" / "coach_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def report():
    return load_eval().evaluate(CORPUS)


def test_the_corpus_is_large_enough_and_readable(report):
    assert report.stories >= 60 and report.problems == []


@pytest.mark.parametrize("rule_id", list(RULES))
def test_every_rule_meets_the_precision_and_recall_floor(report, rule_id):
    c = report.counts[rule_id]
    detail = f"{rule_id}: tp={c['tp']} fp={c['fp']} fn={c['fn']}\n" + "\n".join(report.misses)
    assert report.precision(rule_id) >= 0.9, detail
    assert report.recall(rule_id) >= 0.9, detail


def test_the_level_is_in_the_acceptable_set_for_nine_stories_in_ten(report):
    assert report.level_accuracy >= 0.9, "\n".join(report.misses)
