"""The periods a time series is folded into: a day, a week (from Monday) or a month."""

import datetime

BUCKETS = ("day", "week", "month")


def bucket_of(day, bucket):
    """The first day of the ``bucket`` that holds ``day``."""
    if bucket == "week":
        return day - datetime.timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def next_bucket(start, bucket):
    """The first day of the ``bucket`` after the one starting on ``start``."""
    if bucket == "week":
        return start + datetime.timedelta(days=7)
    if bucket == "month":
        return (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return start + datetime.timedelta(days=1)
