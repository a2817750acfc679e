"""A one-event iCalendar file (RFC 5545), written by hand.

One VEVENT needs no library: what matters is escaping text (backslash, semicolon,
comma, newline) and folding lines at 75 octets without splitting a UTF-8 character,
both done below.
"""

from django.utils import timezone

from .models import Booking


def _escape(value):
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line):
    """Split a line into chunks of at most 75 octets; continuations start with a space."""
    out, current, limit = [], b"", 75
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > limit:
            out.append(current)
            current, limit = b"", 74  # the leading space counts
        current += encoded
    out.append(current)
    return b"\r\n ".join(out).decode()


def _utc(value):
    return timezone.localtime(value, timezone.UTC).strftime("%Y%m%dT%H%M%SZ")


def _status(booking):
    """RFC 5545's word for the booking: a cancelled or refused one must leave calendars."""
    if booking.status in (Booking.Status.CONFIRMED, Booking.Status.ATTENDED):
        return "CONFIRMED"
    if booking.status in (Booking.Status.CANCELLED, Booking.Status.REJECTED):
        return "CANCELLED"
    return "TENTATIVE"


def booking_calendar(booking, url, now=None):
    session, event = booking.session, booking.session.event
    description = f"{booking.reference} · {booking.organization} · {booking.party_size}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Firebreak//Booking//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{booking.reference}@firebreak",
        f"DTSTAMP:{_utc(now or timezone.now())}",
        f"DTSTART:{_utc(session.starts_at)}",
        f"DTEND:{_utc(session.ends_at)}",
        f"SUMMARY:{_escape(event.localized('title'))}",
        f"LOCATION:{_escape(session.localized('venue'))}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{url}",
        f"STATUS:{_status(booking)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)
