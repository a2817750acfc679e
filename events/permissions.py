"""The "Booking staff" group and its permissions, made idempotently."""

from django.utils.translation import gettext_noop

from core.groups import ensure_group

BOOKING_STAFF = gettext_noop("Booking staff")
BOOKING_STAFF_PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("events", "event", "add_event"),
    ("events", "event", "change_event"),
    ("events", "event", "view_event"),
    ("events", "session", "add_session"),
    ("events", "session", "change_session"),
    ("events", "session", "view_session"),
    ("events", "booking", "change_booking"),
    ("events", "booking", "view_booking"),
    ("events", "booking", "manage_booking"),
    ("core", "outboxmessage", "view_outboxmessage"),
]


def ensure_booking_staff_group(**kwargs):
    return ensure_group(
        BOOKING_STAFF, [(app, codename) for app, _model, codename in BOOKING_STAFF_PERMISSIONS]
    )
