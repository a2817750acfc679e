"""Outgoing messages, in Chinese: email through Django's mail backend, SMS via events.sms.

Every message the site sends — to bookers, and to contest guardians
(``media.contest.messages``) — goes through one outbox (``Notification`` rows). Each
kind has a renderer (``renders()``) that builds the message from the rows at send time.
``record()`` writes the row inside the transaction of the change that causes it and
asks for the send task, which takes the row's id only, once that transaction commits.
``deliver()`` claims the row with one conditional UPDATE, sends, and stamps ``sent_at``:
a task delivered twice (the ORM broker re-delivers after its ``retry`` time) finds the
row claimed or sent and sends nothing. ``sweep()`` re-queues
rows whose task never ran or whose worker died mid-send (Redis pops a task without an
acknowledgement), once their claim's lease has run out.

Sent once. A message can still go out twice when the sender dies, or the database
fails, between a send and its stamp. So:

- every send carries an idempotency id made of the row's id and the channel
  (``idempotency_id()``): the email's ``Message-ID`` header and the SMS backend's
  ``idempotency_id`` argument. A re-send after any fault carries the same id, so a mail
  server or SMS gateway that honours it delivers once;
- the stamp after a send is retried (``STAMP_ATTEMPTS`` times, backing off) before the
  sender gives up; a sender that cannot stamp keeps its claim (releasing it would need
  the same broken database) and the row goes out again, with the same ids, once the
  lease has run out;
- the lease is short and renewed before each send, and a sender whose claim was taken
  over (its lease ran out) stops instead of sending.

For a backend that ignores the ids, a fault duplicates at most the messages in flight
at that moment: one per sending worker (docs/deployment.md, "Messages").

Tuning, by Django settings (config/settings/base.py reads them from the environment):
``BOOKING_OUTBOX_LEASE_SECONDS`` — how long a claim keeps other senders off; longer than
one send takes (``EMAIL_TIMEOUT`` bounds an email). ``BOOKING_OUTBOX_RETRY_AFTER_SECONDS``
— how old an unsent, unclaimed row must be before the sweeper re-queues it.
``BOOKING_OUTBOX_MAX_ATTEMPTS`` — sends tried before a row is left for staff, who see it
in the admin's notification listing and may ``retry()`` it.
"""

import logging
import time
from datetime import timedelta
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from . import selectors
from .links import manage_path
from .models import Booking, BookingAccessCode, Notification
from .sms import send_sms

logger = logging.getLogger(__name__)

Kind = Notification.Kind
SUBJECTS = {
    Kind.CONFIRMED: _("Booking confirmed: %(ref)s"),
    Kind.PENDING: _("Booking received, awaiting approval: %(ref)s"),
    Kind.WAITLISTED: _("On the waitlist: %(ref)s"),
    Kind.PROMOTED: _("A place is free: %(ref)s"),
    Kind.PROMOTED_PENDING: _("A place is free, awaiting approval: %(ref)s"),
    Kind.CHANGED: _("Booking changed: %(ref)s"),
    Kind.CANCELLED: _("Booking cancelled: %(ref)s"),
    Kind.REJECTED: _("Booking not approved: %(ref)s"),
    Kind.REMINDER: _("Reminder: your visit is coming up (%(ref)s)"),
    Kind.SESSION_NOTICE: _("About your visit: %(ref)s"),
}
MESSAGE_LANGUAGE = "zh-hans"
SWEEP_BATCH = 500
STAMP_ATTEMPTS = 5
STAMP_BACKOFF_SECONDS = 0.2  # doubled after each failed try: 0.2 + 0.4 + 0.8 + 1.6 s


def lease():
    return timedelta(seconds=settings.BOOKING_OUTBOX_LEASE_SECONDS)


def retry_after():
    return timedelta(seconds=settings.BOOKING_OUTBOX_RETRY_AFTER_SECONDS)


def max_attempts():
    return settings.BOOKING_OUTBOX_MAX_ATTEMPTS


def idempotency_id(notification_pk, channel):
    """The id every send of this row on this channel carries, whoever sends it, however often.

    It names the site too, so two installations sharing a mail server or an SMS
    account never collide.
    """
    host = urlsplit(settings.SITE_URL).hostname or "firebreak.invalid"
    return f"notification-{notification_pk}.{channel}@{host}"


def _unclaimed(now):
    """No sender holds the row: never claimed, released, or its claim's lease ran out."""
    return Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease())


def _queue(notification_pk):
    from .tasks import send_notification

    send_notification.enqueue(notification_pk)


class Outgoing(NamedTuple):
    """One message as rendered for sending; an empty address skips that channel."""

    email: str
    subject: str
    body: str
    phone: str
    sms: str


RENDERERS = {}


def renders(*kinds):
    """Register the function that turns an outbox row of these kinds into ``Outgoing``.

    The function gets the ``Notification`` and returns ``Outgoing``, or None when there
    is no longer anything to send (the recipient's data was erased meanwhile).
    """

    def register(function):
        for kind in kinds:
            RENDERERS[Kind(kind)] = function
        return function

    return register


def record(kind, *, booking=None, source_id=None, phone="", reason=""):
    """Write a message to the outbox in the caller's transaction; its send task is queued
    when the caller commits. ``phone`` only for a recipient the change erases."""
    kind = Kind(kind)
    if kind not in RENDERERS:
        raise ValueError(f"No renderer for message kind {kind}")
    notification = Notification.objects.create(
        booking_id=booking.pk if booking is not None else None,
        source_id=source_id,
        kind=kind,
        phone=phone,
        reason=str(reason)[:300],
    )
    _queue(notification.pk)
    return notification


class ClaimLost(Exception):
    """Another sender took the row over after this one's lease ran out."""


class StampFailed(Exception):
    """A send went out but the database would not record it, however often asked."""


class Claim:
    """One sender's hold on one row, identified by the ``claimed_at`` it wrote.

    ``now`` may lie in the future (tests, a sweeper's clock): the claim keeps that
    offset from the real clock when it renews.
    """

    def __init__(self, notification_pk, now):
        self.pk = notification_pk
        self.at = now
        self.offset = now - timezone.now()

    def rows(self):
        return Notification.objects.filter(pk=self.pk, claimed_at=self.at)

    def renew(self):
        """Restart the lease before a send; raise ClaimLost if the row is no longer ours."""
        renewed_at = timezone.now() + self.offset
        if not self.rows().update(claimed_at=renewed_at):
            raise ClaimLost(self.pk)
        self.at = renewed_at

    def stamp(self, **fields):
        """Record a finished send, retried (bounded) while the database refuses."""
        pause = STAMP_BACKOFF_SECONDS
        for attempt in range(1, STAMP_ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    Notification.objects.filter(pk=self.pk, sent_at__isnull=True).update(**fields)
                return
            except DatabaseError:
                logger.warning(
                    "Message %s sent, stamp %s/%s failed", self.pk, attempt, STAMP_ATTEMPTS
                )
                if attempt == STAMP_ATTEMPTS:
                    raise StampFailed(self.pk) from None
                time.sleep(pause)
                pause *= 2


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
    claim = Claim(notification_pk, now)
    notification = Notification.objects.get(pk=notification_pk)
    try:
        send_message(notification, claim)
        claim.stamp(sent_at=timezone.now(), last_error="", phone="")
    except StampFailed:
        logger.error(
            "Message %s: sent but not stamped; it goes again, with the same ids, "
            "when its lease runs out",
            notification_pk,
        )
        return False
    except ClaimLost:
        logger.warning("Message %s: taken over by another sender", notification_pk)
        return False
    except Exception as error:
        logger.exception("Message %s failed", notification_pk)
        # Release our claim (only ours: a sender past an expired lease may hold it now).
        try:
            claim.rows().update(
                claimed_at=None, last_error=f"{type(error).__name__}: {error}"[:2000]
            )
        except DatabaseError:
            logger.exception("Message %s: release failed; the lease runs out", notification_pk)
        return False
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


def booking_message(booking, kind, reason=""):
    """The message to the booker (an Outgoing), exactly as it will be sent.

    Also what staff see before an action that messages many bookers (events/impact.py).
    """
    with translation.override(MESSAGE_LANGUAGE):
        context = {
            "booking": booking,
            "session": booking.session,
            "event": booking.session.event,
            "kind": kind,
            "reason": reason,
            "manage_url": settings.SITE_URL.rstrip("/") + manage_path(booking),
            "waitlist_position": selectors.waitlist_position(booking),
        }
        return Outgoing(
            email=booking.email,
            subject=str(SUBJECTS[Kind(kind)] % {"ref": booking.reference}),
            body=render_to_string("events/email/booking_message.txt", context),
            phone=booking.phone,
            sms=render_to_string("events/email/booking_sms.txt", context).strip(),
        )


@renders(*SUBJECTS)
def render_booking_message(notification):
    booking = Booking.objects.select_related("session__event").get(pk=notification.booking_id)
    return booking_message(booking, notification.kind, notification.reason)


@renders(Kind.ACCESS_CODE)
def render_access_code(notification):
    """The one-time code (events/find.py) by SMS only; nothing once it was used or replaced."""
    access = (
        BookingAccessCode.objects.select_related("booking")
        .filter(pk=notification.source_id, expires_at__gt=timezone.now())
        .first()
    )
    if access is None or not access.booking.phone:
        return None
    with translation.override(MESSAGE_LANGUAGE):
        context = {
            "code": access.code(),
            "reference": access.booking.reference,
            "minutes": int(BookingAccessCode.LIFETIME.total_seconds() // 60),
        }
        sms = render_to_string("events/email/access_code_sms.txt", context).strip()
    return Outgoing(email="", subject="", body="", phone=access.booking.phone, sms=sms)


def send_message(notification, claim):
    """Email (if there is an address), then SMS, each under a renewed claim.

    The email is stamped as sent before the SMS goes, so a retry after a failed SMS
    sends only the SMS.
    """
    message = RENDERERS[Kind(notification.kind)](notification)
    if message is None:
        return
    if message.email and notification.email_sent_at is None:
        claim.renew()
        email = EmailMessage(
            message.subject,
            message.body,
            to=[message.email],
            headers={"Message-ID": f"<{idempotency_id(notification.pk, 'email')}>"},
        )
        email.send()
        claim.stamp(email_sent_at=timezone.now())
    if message.phone:
        claim.renew()
        send_sms(message.phone, message.sms, idempotency_id=idempotency_id(notification.pk, "sms"))
