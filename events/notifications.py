"""Messages to bookers, in Chinese: email through Django's mail backend, SMS via events.sms."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .links import manage_path
from .models import Booking
from .sms import send_sms

SUBJECTS = {
    "confirmed": _("Booking confirmed: %(ref)s"),
    "pending": _("Booking received, awaiting approval: %(ref)s"),
    "waitlisted": _("On the waitlist: %(ref)s"),
    "promoted": _("A place is free: %(ref)s"),
    "changed": _("Booking changed: %(ref)s"),
    "cancelled": _("Booking cancelled: %(ref)s"),
    "rejected": _("Booking not approved: %(ref)s"),
    "reminder": _("Reminder: your visit is coming up (%(ref)s)"),
}
MESSAGE_LANGUAGE = "zh-hans"


def send_booking_message(booking_pk, kind, reason=""):
    if kind not in SUBJECTS:
        raise ValueError(f"Unknown booking message: {kind}")
    booking = Booking.objects.select_related("session__event").get(pk=booking_pk)
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
    if booking.email:
        send_mail(subject, body, None, [booking.email])
    send_sms(booking.phone, sms)
