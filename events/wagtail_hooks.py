"""The booking staff's screens: viewsets grouped as "预约管理 Booking", plus check-in."""

import django_filters
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ViewSetGroup
from wagtail.admin.widgets import ListingButton
from wagtail.admin.widgets.button import MenuItem as ButtonMenuItem

from education.exports import FormulaSafeIndexView

from . import admin_views
from .models import Booking, Event, Session


class EventViewSet(ModelViewSet):
    model = Event
    name = "events_event"
    url_prefix = "booking/events"
    icon = "date"
    menu_label = _("Events")
    list_display = ["title", "kind", "audience", "requires_approval", "is_published"]
    list_filter = ["kind", "audience", "requires_approval", "is_published"]
    search_fields = ["title", "summary"]
    form_fields = [
        "title",
        "kind",
        "audience",
        "page",
        "summary",
        "party_min",
        "party_max",
        "children_per_adult",
        "opens_days_before",
        "lead_time_hours",
        "cancel_hours",
        "requires_approval",
        "waitlist_enabled",
        "bookings_per_organization",
        "is_published",
    ]
    copy_view_enabled = False


class SessionFilterSet(WagtailFilterSet):
    starts_at = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)

    class Meta:
        model = Session
        fields = ["event", "status", "starts_at"]


class SessionIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("event").with_places_taken()

    def get_list_more_buttons(self, instance):
        return [
            ButtonMenuItem(
                _("Roster"),
                url=reverse("events_admin:roster", args=[instance.pk]),
                icon_name="group",
                priority=5,
            ),
            *super().get_list_more_buttons(instance),
        ]


class SessionViewSet(ModelViewSet):
    model = Session
    name = "events_session"
    url_prefix = "booking/sessions"
    icon = "time"
    menu_label = _("Sessions")
    index_view_class = SessionIndexView
    filterset_class = SessionFilterSet
    list_display = [
        "__str__",
        "venue",
        "capacity",
        Column("places_taken", label=_("Places taken")),
        Column("waitlisted_count", label=_("Waitlisted")),
        "status",
    ]
    search_fields = ["venue", "event__title"]
    form_fields = ["event", "starts_at", "ends_at", "venue", "capacity", "status", "note"]
    copy_view_enabled = True


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


class BookingIndexView(FormulaSafeIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("session__event")

    def get_list_buttons(self, instance):
        return [
            ListingButton(
                _("Actions"),
                url=reverse("events_admin:booking_actions", args=[instance.pk]),
                icon_name="tick",
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


class BookingGroup(ViewSetGroup):
    menu_label = _("Booking")
    menu_icon = "date"
    menu_order = 250
    items = (EventViewSet, SessionViewSet, BookingViewSet)


@hooks.register("register_admin_viewset")
def register_booking_viewsets():
    return BookingGroup()


@hooks.register("register_admin_urls")
def register_booking_admin_urls():
    urls = [
        path("check-in/", admin_views.check_in, name="check_in"),
        path("booking/<int:pk>/actions/", admin_views.booking_actions, name="booking_actions"),
        path("session/<int:pk>/roster/", admin_views.roster, name="roster"),
    ]
    return [path("booking-desk/", include((urls, "events_admin"), namespace="events_admin"))]


class CheckInMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.MANAGE)


@hooks.register("register_admin_menu_item")
def register_check_in_menu_item():
    return CheckInMenuItem(
        _("Check-in"), reverse("events_admin:check_in"), icon_name="tick", order=251
    )
