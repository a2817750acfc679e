"""The "Booking staff" group and its permissions, made idempotently."""

from django.utils.translation import gettext_noop

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
]


def ensure_booking_staff_group(**kwargs):
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=BOOKING_STAFF)
    for app_label, model, codename in BOOKING_STAFF_PERMISSIONS:
        permission = Permission.objects.filter(
            content_type__app_label=app_label, content_type__model=model, codename=codename
        ).first()
        if permission is not None:
            group.permissions.add(permission)
    return group
