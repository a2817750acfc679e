"""Measures of a ranked list of results against graded judgements (search_queries.py).

Shared by the query-set tests and ``benchmarks/search.py``, so both count alike.
"""

import math
import statistics

from tests.education.search_queries import relevant


def dcg(gains):
    """Discounted cumulative gain: a grade g is worth 2**g - 1, discounted by log2(rank + 1)."""
    return sum((2**gain - 1) / math.log2(rank + 2) for rank, gain in enumerate(gains))


def ndcg(slugs, grades, depth):
    """nDCG@depth: the ranking's DCG over the best ranking the judgements allow."""
    ideal = dcg(sorted(grades.values(), reverse=True)[:depth])
    return dcg([grades.get(slug, 0) for slug in slugs[:depth]]) / ideal


def judge(slugs, grades):
    """The measures of one query's results (slugs, best first, every page of results)."""
    wanted = relevant(grades)
    found = len(wanted & set(slugs[:5]))
    return {
        "hit@5": 1.0 if found else 0.0,
        "P@5": found / min(5, len(wanted)),
        "recall": len(wanted & set(slugs)) / len(wanted),
        "nDCG@5": ndcg(slugs, grades, 5),
        "nDCG@10": ndcg(slugs, grades, 10),
    }


def mean_measures(judged):
    """The mean of each measure over a list of :func:`judge` results."""
    return {name: statistics.mean(one[name] for one in judged) for name in judged[0]}
