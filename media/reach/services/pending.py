"""Pending corrections: recomputed figures inside an approved period, waiting for the
period's next approval (``tallies.approve_period`` applies them)."""

from collections import defaultdict

from django.db.models import Q

from ..models import PendingCorrection
from .rows import KEY_FIELDS, TallyRow, key_fields


def _pending_filter(rows):
    q = Q(pk__in=[])
    for row in rows:
        q |= Q(**key_fields(row), period_start=row.start)
    return q


def record_pending(rows, origin):
    """Keep (or replace) the newest value of each figure waiting for re-approval."""
    if not rows:
        return
    PendingCorrection.objects.filter(_pending_filter(rows)).delete()
    PendingCorrection.objects.bulk_create(
        [
            PendingCorrection(
                tally=row.existing,
                **key_fields(row),
                period_start=row.start,
                period_end=row.end,
                count=row.count,
                qualifier=row.qualifier,
                origin=origin,
            )
            for row in rows
        ]
    )


def clear_pending(rows):
    """A figure written, or back at its stored value, waits for nothing any more."""
    if not rows:
        return
    waiting = list(
        PendingCorrection.objects.filter(metric_id__in={row.metric_id for row in rows}).values_list(
            "pk", *KEY_FIELDS, "period_start"
        )
    )
    if not waiting:
        return  # the common case: an import's keys are built only when something waits
    keys = {row.key for row in rows}
    stale = [pk for pk, *key in waiting if tuple(key) in keys]
    if stale:
        PendingCorrection.objects.filter(pk__in=stale).delete()


def pending_rows(queryset):
    """TallyRows that apply the pending corrections in ``queryset``, by origin."""
    by_origin = defaultdict(list)
    for item in queryset:
        by_origin[item.origin].append(
            TallyRow(
                **key_fields(item),
                day=item.period_start,
                count=item.count,
                qualifier=item.qualifier,
            )
        )
    return by_origin
