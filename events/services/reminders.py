"""Reminders before a session, queued once however many workers run the schedule."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.outbox import Kind

from ..models import Booking
from . import places


def send_due_reminders(*, now=None, hours=None):
    """Queue a reminder for each confirmed booking whose session starts within ``hours``.

    Each booking is claimed by a conditional update, so a reminder goes out once even
    if two workers run this at the same time.
    """
    now = now or timezone.now()
    hours = settings.BOOKING_REMINDER_HOURS if hours is None else hours
    due = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        session__starts_at__gt=now,
        session__starts_at__lte=now + timedelta(hours=hours),
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Booking.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if claimed:
                places.notify(Booking(pk=pk), Kind.REMINDER)
                sent += 1
    return sent
