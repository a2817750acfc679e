"""Keeping ``TallyTotal`` equal to the sums of the tallies it summarises, and the running
totals' latest values and changes (``running``) equal to theirs.

A total is never adjusted by a difference: the totals of every metric and day a write
touched are recomputed from the tallies, in the write's own transaction and under its
lock. So a total cannot drift, whatever the write did (create, change, delete, approve,
revoke), and the backfill is the same code over every day.
"""

import datetime

from django.db import connection
from django.db.models import Case, Count, IntegerField, Max, Min, Q, Sum, Value, When

from ..models import Metric, Tally, TallyTotal
from .running import refresh_running

GROUP = ("metric", "channel", "campaign", "source", "approved", "period_kind", "period_start")


class Touched:
    """The metrics and days a write touched: {metric id: [first day, last day]}."""

    def __init__(self):
        self.days = {}

    def add(self, metric_id, start):
        span = self.days.get(metric_id)
        if span is None:
            self.days[metric_id] = [start, start]
        else:
            span[0], span[1] = min(span[0], start), max(span[1], start)


def _qualified(qualifier):
    return Sum(Case(When(qualifier=qualifier, then=Value(1)), default=Value(0)),
               output_field=IntegerField())  # fmt: skip


def refresh_totals(scope, *, since=None):
    """Recompute the totals of the tallies starting in ``scope`` (a Q over fields that
    tallies and totals share), and the running figures of each metric from the first
    day in ``since`` ({metric id: day}; by default the first day of ``scope``'s
    tallies, which is right when none of them were deleted)."""
    if since is None:
        since = dict(
            Tally.objects.filter(scope)
            .order_by()
            .values_list("metric")
            .annotate(Min("period_start"))
        )
    refresh_sums(scope)
    refresh_running(since)


def refresh_sums(scope, *, tally_model=Tally, total_model=TallyTotal):
    """Recompute the ``TallyTotal`` rows of ``scope`` (see ``refresh_totals``). The
    migration that backfills passes its historical models."""
    total_model.objects.filter(scope).delete()
    grouped = (
        tally_model.objects.filter(scope)
        .order_by()
        .values(*GROUP)
        .annotate(
            end=Max("period_end"),
            sum=Sum("count"),
            n=Count("pk"),
            approximate=_qualified(Tally.Qualifier.APPROXIMATE),
            at_least=_qualified(Tally.Qualifier.AT_LEAST),
        )
    )
    # One set-based statement: the sums never travel to Python and back.
    # The SELECT lists the values() fields, then the annotations in the order above.
    fields = (*GROUP, "period_end", "total", "rows", "approximate", "at_least")
    columns = ", ".join(
        connection.ops.quote_name(total_model._meta.get_field(f).column) for f in fields
    )
    select, params = grouped.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(total_model._meta.db_table)} "  # noqa: S608
            f"({columns}) {select}",
            params,
        )


def refresh_touched(touched):
    """After a write: the totals of each metric over the days it touched."""
    scope = Q(pk__in=[])
    for metric_id, (first, last) in touched.days.items():
        scope |= Q(metric_id=metric_id, period_start__range=(first, last))
    if touched.days:
        refresh_totals(scope, since={pk: first for pk, (first, _last) in touched.days.items()})


def refresh_days(first, last):
    """After an approval or revocation of (first, last): every metric's totals of the
    tallies overlapping it (a month tally may start up to 30 days before ``first``)."""
    first = first - datetime.timedelta(days=31)
    since = dict.fromkeys(Metric.objects.values_list("pk", flat=True), first)
    refresh_totals(Q(period_start__range=(first, last)), since=since)


def rebuild_totals():
    """Every total and running figure from scratch (after a bulk load)."""
    refresh_totals(Q(), since=dict.fromkeys(Metric.objects.values_list("pk", flat=True)))


def refresh_metric(metric_id):
    """After a metric was saved (its aggregation may have changed): its running figures
    from scratch, under the write lock like every write to figures."""
    from django.db import transaction

    from .write import write_lock

    with transaction.atomic():
        write_lock()
        refresh_running({metric_id: None})
