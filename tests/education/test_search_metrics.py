"""The graded measures, on rankings worked out by hand."""

import math

import pytest

from tests.education.search_metrics import judge, mean_measures, ndcg
from tests.education.search_queries import ALL_QUERIES, ENGLISH

GRADES = {"answer": 3, "report": 2, "mention": 1}


def test_the_ideal_order_scores_one_and_a_swap_scores_less():
    assert ndcg(["answer", "report", "mention"], GRADES, 10) == pytest.approx(1.0)
    swapped = ndcg(["report", "answer", "mention"], GRADES, 10)
    ideal = 7 + 3 / math.log2(3) + 1 / 2
    assert swapped == pytest.approx((3 + 7 / math.log2(3) + 1 / 2) / ideal)


def test_a_mention_counts_for_ndcg_but_not_as_relevant():
    measures = judge(["mention", "other", "x", "y", "z", "answer"], GRADES)
    assert measures["hit@5"] == 0.0
    assert measures["P@5"] == 0.0
    assert measures["recall"] == 0.5
    assert 0 < measures["nDCG@5"] < measures["nDCG@10"] < 1


def test_the_mean_is_taken_measure_by_measure():
    ideal = judge(["answer", "report", "mention"], GRADES)
    empty = judge([], GRADES)
    assert mean_measures([ideal, empty]) == dict.fromkeys(ideal, 0.5)


def test_every_query_has_an_answer_and_grades_from_one_to_three():
    for query, grades in ALL_QUERIES + ENGLISH:
        assert max(grades.values()) == 3, query
        assert set(grades.values()) <= {1, 2, 3}, query
