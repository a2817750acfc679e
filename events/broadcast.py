"""Staff message every booker of a session (e.g. "bring indoor shoes", "the entrance
has moved"): previewed first, written to the one outbox in one transaction, once.

The text goes into each outbox row (``OutboxMessage.reason``) and is rendered with the
booker's own reference and link by ``messages.booking_message`` at send time.
"""

from copy import copy

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from core import outbox
from core.outbox import Kind

from . import messages
from .models import Booking, SessionMessage

KIND = Kind.SESSION_NOTICE
AUDIENCES = {
    SessionMessage.Audience.HOLDING: Booking.HOLDING,
    SessionMessage.Audience.ALL_ACTIVE: Booking.ACTIVE,
}


class BroadcastError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def recipients(session, audience):
    """The bookings that get the message: active ones with a phone or an email."""
    return (
        Booking.objects.filter(session_id=session.pk, status__in=AUDIENCES[audience])
        .exclude(status__in=[Booking.Status.ATTENDED, Booking.Status.NO_SHOW])
        .select_related("session__event")
        .order_by("created_at", "pk")
    )


def preview(session, text, audience):
    """How many bookings, texts and emails, and the first booker's SMS exactly."""
    bookings = list(recipients(session, audience))
    sms = ""
    if bookings:
        example = copy(bookings[0])
        example.session = session
        sms = messages.booking_message(example, KIND, text).sms
    return {
        "bookings": len(bookings),
        "sms": sum(1 for booking in bookings if booking.phone),
        "emails": sum(1 for booking in bookings if booking.email),
        "text": sms,
    }


def send(session, *, text, audience, key, by=None):
    """Write one message per recipient to the outbox; return (SessionMessage, created).

    A second call with the same ``key`` writes nothing and returns the first record.
    """
    text = " ".join((text or "").split())
    if not text:
        raise BroadcastError(_("Write the message."))
    if len(text) > SessionMessage._meta.get_field("text").max_length:
        raise BroadcastError(_("The message is too long for a text message."))
    if audience not in AUDIENCES:
        raise BroadcastError(_("Choose who gets the message."))
    existing = SessionMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            record = SessionMessage.objects.create(
                session=session, key=key, text=text, audience=audience, sent_by=by
            )
            count = 0
            for booking in recipients(session, audience):
                outbox.record(KIND, source_id=booking.pk, reason=text)
                count += 1
            record.recipients = count
            record.save(update_fields=["recipients"])
    except IntegrityError:
        # The same form sent twice at once: the other request wrote the messages.
        return SessionMessage.objects.get(key=key), False
    return record, True
