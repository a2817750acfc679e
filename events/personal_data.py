"""Bookings as a source of personal data for a person's rights (core/personal_data.py)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.outbox import OutboxMessage
from core.personal_data import Holding, Source

from . import retention
from .messages import ABOUT_BOOKING
from .models import Booking


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class BookingSource(Source):
    key = "bookings"
    label = gettext_lazy("Bookings and their messages")

    def find(self, *, phone="", email=""):
        if phone:
            rows = Booking.objects.filter(phone=phone)
        elif email:
            rows = Booking.objects.filter(email__iexact=email)
        else:
            return []
        bookings = list(rows.select_related("session__event").order_by("-created_at"))
        sent = {}
        for message in OutboxMessage.objects.about(ABOUT_BOOKING, [b.pk for b in bookings]):
            sent.setdefault(message.source_id, []).append(
                f"{message.get_kind_display()} {_local(message.sent_at) or _('not sent')}"
            )
        now = timezone.now()
        holdings = []
        for booking in bookings:
            messages = "; ".join(sent.get(booking.pk, []))
            still_needed = retention.needs_contact(booking, now)
            holdings.append(
                Holding(
                    source=self.key,
                    pk=booking.pk,
                    title=f"{booking.reference} · {booking.session.event} · "
                    f"{_local(booking.session.starts_at)}",
                    fields={
                        _("Status"): booking.get_status_display(),
                        _("Organisation"): booking.organization,
                        _("Contact name"): booking.contact_name,
                        _("Mobile phone"): booking.phone,
                        _("Email"): booking.email,
                        _("Party size"): booking.party_size,
                        _("Notes"): booking.notes,
                        _("Booked at"): _local(booking.created_at),
                        _("Privacy consent given at"): _local(booking.privacy_consent_at),
                        _("Messages sent"): messages or "—",
                    },
                    erasable=not still_needed,
                    why_not=_("The visit is still ahead: cancel the booking first.")
                    if still_needed
                    else "",
                )
            )
        return holdings

    def erase(self, pks, *, now=None):
        now = now or timezone.now()
        erased = 0
        with transaction.atomic():
            for booking in Booking.objects.select_for_update().filter(pk__in=pks):
                if not retention.needs_contact(booking, now):
                    retention.erase_personal_data(booking, now)
                    erased += 1
        return erased
