"""Checks shared by the tests of the figures the write path keeps: read from what is
kept, they equal the same figures summed row by row, and what is kept equals what a
rebuild from the tallies keeps."""

from collections import defaultdict

from media.reach import selectors
from media.reach.models import Metric, RunningChange, RunningValue, Tally, TallyTotal
from media.reach.services.running import refresh_running

KEY = ("metric_id", "channel_id", "campaign_id", "source", "approved", "period_kind")

READS = (
    selectors.totals_by_metric,
    lambda q: selectors.breakdown(q, "channel"),
    lambda q: selectors.breakdown(q, "campaign"),
    lambda q: selectors.breakdown(q, "place"),
    lambda q: selectors.time_series(q, "day"),
    lambda q: selectors.time_series(q, "week"),
    lambda q: selectors.time_series(q, "month"),
)


def sums_recomputed():
    """The totals as they should be, added up here from every tally, in key order."""
    sums = defaultdict(lambda: [0, 0, 0, 0])
    for tally in Tally.objects.all():
        found = sums[(*(getattr(tally, f) for f in KEY), tally.period_start)]
        found[0] += tally.count
        found[1] += 1
        found[2] += tally.qualifier == Tally.Qualifier.APPROXIMATE
        found[3] += tally.qualifier == Tally.Qualifier.AT_LEAST
    return sorted(sums.items(), key=repr)


def sums_kept():
    """The kept totals in the same shape (a key kept twice shows twice)."""
    rows = [
        (
            (*(getattr(total, f) for f in KEY), total.period_start),
            [total.total, total.rows, total.approximate, total.at_least],
        )
        for total in TallyTotal.objects.all()
    ]
    return sorted(rows, key=repr)


def assert_same_as_row_by_row(qs):
    assert qs.summary is not None and qs.running is not None
    row_by_row = qs.filter()  # a copy carries neither: summed row by row
    assert getattr(row_by_row, "running", None) is None
    for read in READS:
        assert read(qs) == read(row_by_row)


def _running_rows():
    values = RunningValue.objects.values_list(
        "metric", "channel", "place", "campaign", "source", "approved", "period_start", "total",
        "rows", "approximate", "at_least",
    )  # fmt: skip
    changes = RunningChange.objects.values_list(
        "metric", "channel", "all_campaigns", "campaign", "source", "approved", "day", "change"
    )
    return sorted(values, key=repr), sorted(changes, key=repr)


def running_as_rebuilt():
    """Whether the running figures kept step by step are those rebuilt from every
    tally (which the rebuild then keeps)."""
    kept = _running_rows()
    refresh_running(dict.fromkeys(Metric.objects.values_list("pk", flat=True)))
    return kept == _running_rows()


def assert_running_as_rebuilt():
    assert running_as_rebuilt()
