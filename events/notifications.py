"""Messages to bookers, in Chinese: email through Django's mail backend, SMS via events.sms.

Every message goes through an outbox (``Notification`` rows). ``record()`` writes the
row inside the booking change's transaction and asks for the send task once that
transaction commits. ``deliver()`` claims the row with one conditional UPDATE, sends,
and stamps ``sent_at``: a task delivered twice (the ORM broker re-delivers after its
``retry`` time) finds the row claimed or sent and sends nothing. ``sweep()`` re-queues
rows whose task never ran or whose worker died mid-send (Redis pops a task without an
acknowledgement), once their claim's lease has run out.

Tuning, by Django setting or environment variable of the same name:
``BOOKING_OUTBOX_LEASE_SECONDS`` (300) — how long a claim keeps other senders off;
longer than any send takes. ``BOOKING_OUTBOX_RETRY_AFTER_SECONDS`` (60) — how old an
unsent, unclaimed row must be before the sweeper re-queues it.
``BOOKING_OUTBOX_MAX_ATTEMPTS`` (5) — sends tried before a row is left for staff, who
see it in the admin's notification listing and may ``retry()`` it.
"""

import logging
import os
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .links import manage_path
from .models import Booking, Notification
from .sms import send_sms

logger = logging.getLogger(__name__)

SUBJECTS = {
    "confirmed": _("Booking confirmed: %(ref)s"),
    "pending": _("Booking received, awaiting approval: %(ref)s"),
    "waitlisted": _("On the waitlist: %(ref)s"),
    "promoted": _("A place is free: %(ref)s"),
    "promoted_pending": _("A place is free, awaiting approval: %(ref)s"),
    "changed": _("Booking changed: %(ref)s"),
    "cancelled": _("Booking cancelled: %(ref)s"),
    "rejected": _("Booking not approved: %(ref)s"),
    "reminder": _("Reminder: your visit is coming up (%(ref)s)"),
}
MESSAGE_LANGUAGE = "zh-hans"
SWEEP_BATCH = 500


def _tuning(name, default):
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return int(value)


def lease():
    return timedelta(seconds=_tuning("BOOKING_OUTBOX_LEASE_SECONDS", 300))


def retry_after():
    return timedelta(seconds=_tuning("BOOKING_OUTBOX_RETRY_AFTER_SECONDS", 60))


def max_attempts():
    return _tuning("BOOKING_OUTBOX_MAX_ATTEMPTS", 5)


def _unclaimed(now):
    """No sender holds the row: never claimed, released, or its claim's lease ran out."""
    return Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease())


def _queue(notification_pk):
    from .tasks import send_notification

    send_notification.enqueue(notification_pk)


def record(booking, kind, reason=""):
    """Write the message to the outbox; its send task is queued when the caller commits."""
    kind = str(kind)
    if kind not in SUBJECTS:
        raise ValueError(f"Unknown booking message: {kind}")
    notification = Notification.objects.create(
        booking_id=booking.pk, kind=kind, reason=str(reason)[:300]
    )
    _queue(notification.pk)
    return notification


def deliver(notification_pk, *, now=None):
    """Send one outbox message unless it is sent or claimed; True when this call sent it."""
    now = now or timezone.now()
    claimed = (
        Notification.objects.deliverable()
        .filter(pk=notification_pk)
        .filter(_unclaimed(now))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    notification = Notification.objects.get(pk=notification_pk)
    try:
        send_booking_message(
            notification.booking_id, notification.kind, notification.reason, notification
        )
    except Exception as error:
        logger.exception("Booking message %s failed", notification_pk)
        # Release our claim (only ours: a sender past an expired lease may hold it now).
        Notification.objects.filter(pk=notification_pk, claimed_at=now).update(
            claimed_at=None, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        return False
    Notification.objects.filter(pk=notification_pk, sent_at__isnull=True).update(
        sent_at=timezone.now(), last_error=""
    )
    return True


def sweep(*, now=None):
    """Re-queue unsent messages whose task was lost or whose sender died; return the count."""
    now = now or timezone.now()
    stale = (
        Notification.objects.deliverable()
        .filter(created_at__lt=now - retry_after())
        .filter(_unclaimed(now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    pks = list(stale)
    for pk in pks:
        _queue(pk)
    return len(pks)


def retry(notification_pks, *, now=None):
    """Give messages the outbox gave up on a fresh set of attempts; return how many.

    Staff call this once the cause is fixed (a mail server back, an address
    corrected). Each row is reset by one conditional UPDATE that matches only a row
    still unsent, out of attempts and held by no sender, then queued for the usual
    send task. A sent row, a last attempt still under way, or a row someone retried
    a moment ago is left alone and not queued: a repeated click sends nothing twice.
    """
    now = now or timezone.now()
    retried = 0
    for pk in notification_pks:
        reset = (
            Notification.objects.failed()
            .filter(_unclaimed(now), pk=pk)
            .update(attempts=0, claimed_at=None)
        )
        if reset:
            _queue(pk)
            retried += reset
    return retried


def render_booking_message(booking, kind, reason=""):
    """(subject, email body, SMS) of a message to the booker, as it will be sent."""
    if kind not in SUBJECTS:
        raise ValueError(f"Unknown booking message: {kind}")
    with translation.override(MESSAGE_LANGUAGE):
        context = {
            "booking": booking,
            "session": booking.session,
            "event": booking.session.event,
            "kind": kind,
            "reason": reason,
            "manage_url": settings.SITE_URL.rstrip("/") + manage_path(booking),
        }
        subject = str(SUBJECTS[kind] % {"ref": booking.reference})
        body = render_to_string("events/email/booking_message.txt", context)
        sms = render_to_string("events/email/booking_sms.txt", context).strip()
    return subject, body, sms


def send_booking_message(booking_pk, kind, reason="", notification=None):
    """Email (if the booker gave an address), then SMS.

    With the outbox row, the email is stamped as sent before the SMS goes, so a retry
    after a failed SMS sends only the SMS.
    """
    booking = Booking.objects.select_related("session__event").get(pk=booking_pk)
    subject, body, sms = render_booking_message(booking, kind, reason)
    if booking.email and (notification is None or notification.email_sent_at is None):
        send_mail(subject, body, None, [booking.email])
        if notification is not None:
            Notification.objects.filter(pk=notification.pk).update(email_sent_at=timezone.now())
    send_sms(booking.phone, sms)
