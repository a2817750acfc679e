"""The messages to bookers, in Chinese, as the outbox (core/outbox/) sends them.

The services write a row with ``notify()`` (events/services/places.py) inside the
transaction of the change; the outbox sends it from the worker and asks the renderers
here for the text at send time, reading the booking then. ``EventsConfig.ready()``
registers them for the booking kinds.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.outbox import Kind, Outgoing

from . import selectors
from .links import manage_path
from .models import Booking, BookingAccessCode

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
# The kinds whose ``source_id`` is a booking's id.
ABOUT_BOOKING = tuple(SUBJECTS)
# Every kind this app sends.
BOOKING_KINDS = (*ABOUT_BOOKING, Kind.ACCESS_CODE)
MESSAGE_LANGUAGE = "zh-hans"


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


def render_booking_message(message):
    """Nothing when the booking is gone (deleted with its session, say)."""
    booking = Booking.objects.select_related("session__event").filter(pk=message.source_id).first()
    if booking is None:
        return None
    return booking_message(booking, message.kind, message.reason)


def render_access_code(message):
    """The one-time code (events/find.py) by SMS only; nothing once it was used or replaced."""
    access = (
        BookingAccessCode.objects.select_related("booking")
        .filter(pk=message.source_id, expires_at__gt=timezone.now())
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


def with_bookings(messages):
    """Give each message its ``booking`` (None when it is not about one, or it is gone),
    with one query for all of them: the admin shows whom a message was for."""
    messages = list(messages)
    pks = [m.source_id for m in messages if m.kind in ABOUT_BOOKING]
    bookings = Booking.objects.in_bulk(pks)
    for message in messages:
        message.booking = bookings.get(message.source_id) if message.kind in ABOUT_BOOKING else None
    return messages


def register_renderers():
    """Called once from ``EventsConfig.ready()``: booking staff see these in the listing."""
    from core.outbox import register

    from .admin_views import MANAGE

    register(ABOUT_BOOKING, render_booking_message, staff_permission=MANAGE)
    register([Kind.ACCESS_CODE], render_access_code, staff_permission=MANAGE)


def forget_messages_of_bookings(sender, origin=None, **kwargs):
    """A deleted booking takes its messages along (what a foreign key's cascade did)."""
    from core.outbox import OutboxMessage

    OutboxMessage.objects.about(ABOUT_BOOKING, [kwargs["instance"].pk]).delete()
