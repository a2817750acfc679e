"""Bookings: the listing with filters, bulk actions and the export, and the inspect
screen. A booking's state changes on its actions screen (events/admin_views.py)."""

import django_filters
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton

from core.exports import FormulaSafeIndexView
from core.inspect import LocalInspectView

from .. import admin_views
from ..models import Booking, Event, Session
from .listing import BulkActionsListingMixin


class BookingFilterSet(WagtailFilterSet):
    event = django_filters.ModelChoiceFilter(
        field_name="session__event", queryset=Event.objects.all(), label=_("Event")
    )
    session = django_filters.ModelChoiceFilter(
        queryset=Session.objects.select_related("event"), label=_("Session")
    )
    date = django_filters.DateFromToRangeFilter(
        field_name="session__starts_at", label=_("Session date"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Booking
        fields = ["event", "session", "status", "organization_type", "date"]


class BookingIndexView(BulkActionsListingMixin, FormulaSafeIndexView):
    bulk_permission = admin_views.MANAGE

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("session__event")

    def get_list_buttons(self, instance):
        return [
            ListingButton(
                pgettext_lazy("column", "Actions"),
                url=reverse("events_admin:booking_actions", args=[instance.pk]),
                icon_name="check",
                priority=1,
            ),
            *super().get_list_buttons(instance),
        ]


class BookingViewSet(ModelViewSet):
    model = Booking
    name = "events_booking"
    url_prefix = "booking/bookings"
    icon = "group"
    menu_label = _("Bookings")
    index_view_class = BookingIndexView
    filterset_class = BookingFilterSet
    list_display = ["reference", "session", "organization", "party_size", "status", "created_at"]
    search_fields = ["reference", "organization", "phone", "contact_name"]
    list_export = [
        "reference",
        "status",
        "session.event.title",
        "session.starts_at",
        "session.venue",
        "organization",
        "organization_type",
        "contact_name",
        "phone",
        "email",
        "party_size",
        "adults",
        "group",
        "notes",
        "attended_count",
        "status_reason",
        "created_at",
    ]
    export_headings = {
        "session.event.title": _("Event"),
        "session.starts_at": _("Starts at"),
        "session.venue": _("Venue"),
    }
    export_filename = "bookings"
    # Bookers' own fields are edited by them through the manage link; staff change a
    # booking's state through the actions screen so that every rule runs.
    form_fields = ["organization", "contact_name", "email", "group", "notes"]
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = LocalInspectView
    # Not the manage link's salt nor the form's idempotency key: staff need neither,
    # and the salt is half of the booker's secret link.
    inspect_view_fields = [
        "reference",
        "session",
        "status",
        "status_reason",
        "organization",
        "organization_type",
        "contact_name",
        "phone",
        "email",
        "party_size",
        "adults",
        "group",
        "notes",
        "privacy_consent_at",
        "created_at",
        "updated_at",
        "decided_at",
        "checked_in_at",
        "attended_count",
        "reminder_sent_at",
    ]
