"""Checks shared by the tests of the figures the write path keeps: read from what is
kept, they equal the same figures summed row by row, and what is kept equals what a
rebuild from the tallies keeps."""

from media.reach import selectors
from media.reach.models import Metric, RunningChange, RunningValue
from media.reach.services.running import refresh_running

READS = (
    selectors.totals_by_metric,
    lambda q: selectors.breakdown(q, "channel"),
    lambda q: selectors.breakdown(q, "campaign"),
    lambda q: selectors.breakdown(q, "place"),
    lambda q: selectors.time_series(q, "day"),
    lambda q: selectors.time_series(q, "week"),
    lambda q: selectors.time_series(q, "month"),
)


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


def assert_running_as_rebuilt():
    """The running figures kept step by step are those rebuilt from every tally."""
    kept = _running_rows()
    refresh_running(dict.fromkeys(Metric.objects.values_list("pk", flat=True)))
    assert kept == _running_rows()
