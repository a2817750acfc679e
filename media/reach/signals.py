"""Derived tallies follow their sources: a check-in or a contest entry triggers a recompute.

One pending recompute per source is enough, since it reads every source record when it
runs; a burst of changes therefore queues one task, not one per change. The
"reach: derive tallies" schedule catches anything a signal cannot see.
"""

from django.core.cache import cache
from django.db import transaction

PENDING_SECONDS = 300


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


def booking_deleted(sender, instance, **kwargs):
    transaction.on_commit(lambda: request_derivation("attendance"))


def entry_changed(sender, instance, **kwargs):
    transaction.on_commit(lambda: request_derivation("contest"))


def connect():
    from django.db.models.signals import post_delete, post_save

    post_save.connect(booking_saved, sender="events.Booking", dispatch_uid="reach-booking")
    post_delete.connect(booking_deleted, sender="events.Booking", dispatch_uid="reach-booking-del")
    post_save.connect(entry_changed, sender="contest.Entry", dispatch_uid="reach-entry")
    post_delete.connect(entry_changed, sender="contest.Entry", dispatch_uid="reach-entry-del")
