"""What an action that changes many bookings will do, for staff to confirm first.

The counts and the message text come from the same rules the action runs
(``services.cancellation_reason``, ``messages.booking_message``), so what
staff confirm is what the bookers get.
"""

from copy import copy

from core.outbox import Kind

from . import messages, services
from .models import Booking


def session_cancellation(session, reason=""):
    """Bookings cancelled, messages sent and the SMS text, if ``session`` is cancelled."""
    bookings = list(
        Booking.objects.filter(session_id=session.pk, status__in=Booking.ACTIVE)
        .select_related("session__event")
        .order_by("created_at")
    )
    reason = services.cancellation_reason(session, reason)
    sms = ""
    if bookings:
        example = copy(bookings[0])
        example.status = Booking.Status.CANCELLED
        example.session = session
        sms = messages.booking_message(example, Kind.CANCELLED, reason).sms
    return {
        "bookings": len(bookings),
        "sms": len(bookings),
        "emails": sum(1 for booking in bookings if booking.email),
        "reason": reason,
        "text": sms,
    }
