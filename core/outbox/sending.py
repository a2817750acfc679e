"""Writing, sending, sweeping and retrying outbox messages: email through Django's mail
backend, SMS through core.sms.

``record()`` writes the row inside the transaction of the change that causes it and
asks for the send task, which takes the row's id only, once that transaction commits.
``deliver()`` claims the row with one conditional UPDATE, renders it with its kind's
renderer (core/outbox/registry.py), sends, and stamps ``sent_at``: a task delivered
twice (the ORM broker re-delivers after its ``retry`` time) finds the row claimed or
sent and sends nothing. ``sweep()`` re-queues rows whose task never ran or whose worker
died mid-send (Redis pops a task without an acknowledgement), once their claim's lease
has run out.

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
``OUTBOX_LEASE_SECONDS`` — how long a claim keeps other senders off; longer than one
send takes (``EMAIL_TIMEOUT`` bounds an email). ``OUTBOX_RETRY_AFTER_SECONDS`` — how
old an unsent, unclaimed row must be before the sweeper re-queues it.
``OUTBOX_MAX_ATTEMPTS`` — sends tried before a row is left for staff, who see it in the
admin's message listing and may ``retry()`` it.
"""

import logging
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..sms import send_sms
from .models import Kind, OutboxMessage
from .registry import renderer

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500
STAMP_ATTEMPTS = 5
STAMP_BACKOFF_SECONDS = 0.2  # doubled after each failed try: 0.2 + 0.4 + 0.8 + 1.6 s


def lease():
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def retry_after():
    return timedelta(seconds=settings.OUTBOX_RETRY_AFTER_SECONDS)


def idempotency_id(message_pk, channel):
    """The id every send of this row on this channel carries, whoever sends it, however often.

    It names the site too, so two installations sharing a mail server or an SMS
    account never collide. (The "notification-" prefix predates the move of the outbox
    to core; rows kept their ids, so a message in flight then keeps its ids too.)
    """
    host = urlsplit(settings.SITE_URL).hostname or "firebreak.invalid"
    return f"notification-{message_pk}.{channel}@{host}"


def _unclaimed(now):
    """No sender holds the row: never claimed, released, or its claim's lease ran out."""
    return Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease())


def _queue(message_pk):
    from .tasks import send_outbox_message

    send_outbox_message.enqueue(message_pk)


def record(kind, *, source_id, phone="", reason=""):
    """Write a message about ``source_id`` to the outbox in the caller's transaction; its
    send task is queued when the caller commits. ``phone`` only for a recipient the
    change erases. A kind without a renderer is refused (LookupError)."""
    kind = Kind(kind)
    renderer(kind)
    message = OutboxMessage.objects.create(
        kind=kind, source_id=source_id, phone=phone, reason=str(reason)[:300]
    )
    _queue(message.pk)
    return message


class ClaimLost(Exception):
    """Another sender took the row over after this one's lease ran out."""


class StampFailed(Exception):
    """A send went out but the database would not record it, however often asked."""


class Claim:
    """One sender's hold on one row, identified by the ``claimed_at`` it wrote.

    ``now`` may lie in the future (tests, a sweeper's clock): the claim keeps that
    offset from the real clock when it renews.
    """

    def __init__(self, message_pk, now):
        self.pk = message_pk
        self.at = now
        self.offset = now - timezone.now()

    def rows(self):
        return OutboxMessage.objects.filter(pk=self.pk, claimed_at=self.at)

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
                    OutboxMessage.objects.filter(pk=self.pk, sent_at__isnull=True).update(**fields)
                return
            except DatabaseError:
                logger.warning(
                    "Message %s sent, stamp %s/%s failed", self.pk, attempt, STAMP_ATTEMPTS
                )
                if attempt == STAMP_ATTEMPTS:
                    raise StampFailed(self.pk) from None
                time.sleep(pause)
                pause *= 2


def deliver(message_pk, *, now=None):
    """Send one outbox message unless it is sent or claimed; True when this call sent it."""
    now = now or timezone.now()
    claimed = (
        OutboxMessage.objects.deliverable()
        .filter(pk=message_pk)
        .filter(_unclaimed(now))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    claim = Claim(message_pk, now)
    message = OutboxMessage.objects.get(pk=message_pk)
    try:
        send_message(message, claim)
        claim.stamp(sent_at=timezone.now(), last_error="", phone="")
    except StampFailed:
        logger.error(
            "Message %s: sent but not stamped; it goes again, with the same ids, "
            "when its lease runs out",
            message_pk,
        )
        return False
    except ClaimLost:
        logger.warning("Message %s: taken over by another sender", message_pk)
        return False
    except Exception as error:
        logger.exception("Message %s failed", message_pk)
        # Release our claim (only ours: a sender past an expired lease may hold it now).
        try:
            claim.rows().update(
                claimed_at=None, last_error=f"{type(error).__name__}: {error}"[:2000]
            )
        except DatabaseError:
            logger.exception("Message %s: release failed; the lease runs out", message_pk)
        return False
    return True


def sweep(*, now=None):
    """Re-queue unsent messages whose task was lost or whose sender died; return the count."""
    now = now or timezone.now()
    stale = (
        OutboxMessage.objects.deliverable()
        .filter(created_at__lt=now - retry_after())
        .filter(_unclaimed(now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    pks = list(stale)
    for pk in pks:
        _queue(pk)
    return len(pks)


def retry(message_pks, *, now=None):
    """Give messages the outbox gave up on a fresh set of attempts; return how many.

    Staff call this once the cause is fixed (a mail server back, an address
    corrected). Each row is reset by one conditional UPDATE that matches only a row
    still unsent, out of attempts and held by no sender, then queued for the usual
    send task. A sent row, a last attempt still under way, or a row someone retried
    a moment ago is left alone and not queued: a repeated click sends nothing twice.
    """
    now = now or timezone.now()
    retried = 0
    for pk in message_pks:
        reset = (
            OutboxMessage.objects.failed()
            .filter(_unclaimed(now), pk=pk)
            .update(attempts=0, claimed_at=None)
        )
        if reset:
            _queue(pk)
            retried += reset
    return retried


def send_message(message, claim):
    """Email (if there is an address), then SMS, each under a renewed claim.

    The email is stamped as sent before the SMS goes, so a retry after a failed SMS
    sends only the SMS.
    """
    outgoing = renderer(message.kind)(message)
    if outgoing is None:
        return
    if outgoing.email and message.email_sent_at is None:
        claim.renew()
        to = [outgoing.email] if isinstance(outgoing.email, str) else list(outgoing.email)
        email = EmailMessage(
            outgoing.subject,
            outgoing.body,
            to=to,
            headers={"Message-ID": f"<{idempotency_id(message.pk, 'email')}>"},
        )
        email.send()
        claim.stamp(email_sent_at=timezone.now())
    if outgoing.phone:
        claim.renew()
        send_sms(outgoing.phone, outgoing.sms, idempotency_id=idempotency_id(message.pk, "sms"))
