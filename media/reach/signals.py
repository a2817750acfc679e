"""Derived tallies follow their sources: a check-in or a contest entry triggers a recompute.

One pending recompute per source is enough, since it reads every source record when it
runs; a burst of changes therefore queues one task, not one per change. The
"reach: derive tallies" schedule catches anything a signal cannot see.

Cached figures and the pages that show them follow the ``reach`` scope of the one
freshness mechanism (``core/freshness.py``), once per transaction however many rows
it writes: approvals are tracked there; tallies are not, since only approved figures are
public and the write path (``services.write``) bumps when one of those changes.
"""

from django.core.cache import cache
from django.db import transaction

from core import freshness

PENDING_SECONDS = 300


def figures_changed(**kwargs):
    """Cached figures and pages showing them start afresh (once more at the commit).

    Approval saves and deletes are tracked; the write path, approval and revocation
    call this when public figures change.
    """
    freshness.bump("reach")


def _pending_key(source):
    return f"reach:derive-pending:{source}"


def clear_pending(source):
    cache.delete(_pending_key(source))


def request_derivation(source):
    if cache.add(_pending_key(source), 1, PENDING_SECONDS):
        from .tasks import derive_source_task

        derive_source_task.enqueue(source)


def booking_saved(sender, instance, **kwargs):
    # Only people who came are reach; other booking changes leave attendance alone.
    if instance.status in (instance.Status.ATTENDED, instance.Status.NO_SHOW):
        transaction.on_commit(lambda: request_derivation("attendance"))


def session_saved(sender, instance, **kwargs):
    # A cancelled session's attendance leaves reach (the schedule sees a reopened one).
    if instance.status == instance.Status.CANCELLED:
        transaction.on_commit(lambda: request_derivation("attendance"))


def booking_deleted(sender, instance, **kwargs):
    transaction.on_commit(lambda: request_derivation("attendance"))


def entry_changed(sender, instance, **kwargs):
    transaction.on_commit(lambda: request_derivation("contest"))


def metric_saved(sender, instance, created, raw=False, **kwargs):
    # A metric that became a running total (or stopped being one) is read another way:
    # its running figures are recomputed (none when it has no tallies yet). Fixtures
    # load around the write path: rebuild_totals() after them.
    if not created and not raw:
        from .services.totals import refresh_metric

        refresh_metric(instance.pk)


def catalogue_changed(sender, instance, created=False, raw=False, **kwargs):
    """A metric or channel renamed or deleted in the admin, with no page published and
    no figure changed: the public pages name it. A new one shows nowhere until a figure
    of it is approved, which bumps by itself."""
    if not created and not raw:
        figures_changed()


def connect():
    from django.db.models.signals import post_delete, post_save

    for label in ("reach.Metric", "reach.Channel"):
        uid = f"reach-catalogue-{label}"
        post_save.connect(catalogue_changed, sender=label, dispatch_uid=uid)
        post_delete.connect(catalogue_changed, sender=label, dispatch_uid=f"{uid}-del")

    post_save.connect(booking_saved, sender="events.Booking", dispatch_uid="reach-booking")
    post_delete.connect(booking_deleted, sender="events.Booking", dispatch_uid="reach-booking-del")
    post_save.connect(session_saved, sender="events.Session", dispatch_uid="reach-session")
    post_save.connect(metric_saved, sender="reach.Metric", dispatch_uid="reach-metric")
    # Tallies are not tracked: the write path bumps when a public figure changes.
    freshness.track(("reach",), "reach.ApprovedPeriod")
    post_save.connect(entry_changed, sender="contest.Entry", dispatch_uid="reach-entry")
    post_delete.connect(entry_changed, sender="contest.Entry", dispatch_uid="reach-entry-del")
