"""Derived tallies follow their sources: a check-in or a contest entry triggers a recompute.

One pending recompute per source is enough, since it reads every source record when it
runs; a burst of changes therefore queues one task, not one per change. The
"reach: derive tallies" schedule catches anything a signal cannot see.
"""

from django.core.cache import cache
from django.db import transaction

from education.signals import public_content_changed

PENDING_SECONDS = 300
FIGURES_VERSION_KEY = "reach:figures-version"


def figures_version():
    """Changes whenever a tally or an approval changes: part of cached figures' keys."""
    return cache.get(FIGURES_VERSION_KEY, 0)


def _bump_figures_version():
    if not cache.add(FIGURES_VERSION_KEY, 1, None):
        try:
            cache.incr(FIGURES_VERSION_KEY)
        except ValueError:
            cache.add(FIGURES_VERSION_KEY, 1, None)
    public_content_changed.send(sender=None, scope="reach")


def figures_changed(**kwargs):
    """Once the change is committed, cached figures and pages showing them start afresh.

    Connected to tally and approval saves; bulk imports, which write without model
    signals, call it themselves.
    """
    transaction.on_commit(_bump_figures_version)


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


def connect():
    from django.db.models.signals import post_delete, post_save

    post_save.connect(booking_saved, sender="events.Booking", dispatch_uid="reach-booking")
    post_delete.connect(booking_deleted, sender="events.Booking", dispatch_uid="reach-booking-del")
    post_save.connect(session_saved, sender="events.Session", dispatch_uid="reach-session")
    for label in ("reach.Tally", "reach.ApprovedPeriod"):
        post_save.connect(figures_changed, sender=label, dispatch_uid=f"figures-{label}")
        post_delete.connect(figures_changed, sender=label, dispatch_uid=f"figures-{label}-del")
    post_save.connect(entry_changed, sender="contest.Entry", dispatch_uid="reach-entry")
    post_delete.connect(entry_changed, sender="contest.Entry", dispatch_uid="reach-entry-del")
