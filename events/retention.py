"""Personal data in bookings is kept only as long as its purpose needs.

A booking's contact (name, mobile, email) and its free-text notes are there to run the
visit: confirmations, changes, reminders, the check-in. ``BOOKING_RETENTION_DAYS``
after the session ended they are erased by the worker's daily job; the booking stays,
with its organisation, party size, status and attendance, because reach counts and
the department's yearly figures rely on them. A person may ask for the erasure sooner
(``core/personal_data.py``): a booking still ahead must be cancelled first.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Booking

logger = logging.getLogger(__name__)
PERSONAL_FIELDS = ("contact_name", "phone", "email", "notes")


def needs_contact(booking, now=None):
    """True while the booking may still need its contact: the visit is still ahead."""
    now = now or timezone.now()
    return booking.holds_places and booking.session.ends_at > now


def erase_personal_data(booking, now=None):
    """Erase the contact and notes of one booking (idempotent)."""
    now = now or timezone.now()
    for name in PERSONAL_FIELDS:
        setattr(booking, name, "")
    booking.personal_data_erased_at = now
    booking.save(update_fields=[*PERSONAL_FIELDS, "personal_data_erased_at", "updated_at"])


def expired(now=None):
    """Bookings whose session ended more than the retention period ago, not yet erased."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.BOOKING_RETENTION_DAYS)
    return Booking.objects.filter(
        Q(session__ends_at__lt=cutoff), personal_data_erased_at__isnull=True
    )


def apply_retention(now=None):
    """The daily job: erase what is past its retention period; returns how many."""
    now = now or timezone.now()
    erased = 0
    for pk in expired(now).values_list("pk", flat=True).iterator():
        with transaction.atomic():
            booking = Booking.objects.select_for_update().get(pk=pk)
            erase_personal_data(booking, now)
        erased += 1
    if erased:
        logger.info("booking retention: erased the contact data of %s bookings", erased)
    return erased
