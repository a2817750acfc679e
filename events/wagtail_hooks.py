"""The booking staff's screens: viewsets grouped as "预约管理 Booking", plus check-in
and, on the admin home, a warning when messages to bookers could not be sent."""

from urllib.parse import urlencode

import django_filters
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ViewSetGroup
from wagtail.admin.widgets import HeaderButton, ListingButton
from wagtail.admin.widgets.button import MenuItem as ButtonMenuItem
from wagtail.log_actions import log

from core.admin_columns import YesNoColumn
from core.admin_delete import HeldDeleteView
from education.exports import FormulaSafeIndexView
from education.inspect import LocalInspectView

from . import admin_roster, admin_views, impact, services
from .bulk_actions import BULK_ACTIONS
from .models import Booking, Event, Notification, Session


class BulkActionsListingMixin:
    """A listing with Wagtail's bulk-action checkboxes for staff holding ``bulk_permission``.

    The actions themselves are in events.bulk_actions.
    """

    bulk_permission = None
    template_name = "events/admin/bulk_index.html"

    def may_act_in_bulk(self):
        return self.request.user.has_perm(self.bulk_permission)

    @cached_property
    def columns(self):
        columns = super().columns
        if not self.may_act_in_bulk():
            return columns
        # The checkbox's screen-reader label points at the title cell's id ("item_<pk>_title").
        return [BulkActionsCheckboxColumn("bulk_actions", obj_type="item"), *columns]

    def _get_title_column(self, field_name, *args, **kwargs):
        kwargs.setdefault("get_title_id", lambda instance: f"item_{instance.pk}_title")
        return super()._get_title_column(field_name, *args, **kwargs)


class EventViewSet(ModelViewSet):
    model = Event
    delete_view_class = HeldDeleteView
    name = "events_event"
    url_prefix = "booking/events"
    icon = "date"
    menu_label = _("Events")
    list_display = [
        "title",
        "kind",
        "audience",
        *(
            YesNoColumn(name, label=Event._meta.get_field(name).verbose_name)
            for name in ("requires_approval", "is_published")
        ),
    ]
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
        "online_close_days_before",
        "online_close_time",
        "room_capacity",
        "open_days",
        "opens_at",
        "closes_at",
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


class SessionIndexView(BulkActionsListingMixin, IndexView):
    bulk_permission = "events.change_session"

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


class SessionEditView(EditView):
    """Edits go through ``services.update_session``, under the session's booking lock.

    The form checks the fields; the service checks them against the bookings (no
    capacity below the places held), promotes the waitlist and cancels bookings.
    """

    def form_valid(self, form):
        # The form has already applied its data to self.object: compare with the initial.
        cancelling = (
            "status" in form.changed_data
            and form.cleaned_data["status"] == Session.Status.CANCELLED
        )
        if cancelling and "confirm_cancellation" not in self.request.POST:
            return self.confirm_cancellation(form)
        try:
            return super().form_valid(form)
        except services.BookingError as error:
            form.add_error(error.field, error.message)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)

    def confirm_cancellation(self, form):
        """Say what cancelling will do (bookings, messages, the text) before it does it."""
        return TemplateResponse(
            self.request,
            "events/admin/session_cancel_confirm.html",
            {
                "session": self.object,
                "impact": impact.session_cancellation(self.object),
                "fields": [
                    (name, value)
                    for name, values in self.request.POST.lists()
                    if name != "csrfmiddlewaretoken"
                    for value in values
                ],
                "action_url": self.request.get_full_path(),
                "page_title": _("Cancel this session?"),
                "header_icon": "warning",
            },
        )

    def save_instance(self):
        changes = {name: self.form.cleaned_data[name] for name in self.form.changed_data}
        session = services.update_session(self.object.pk, changes)
        log(instance=session, action="wagtail.edit", user=self.request.user)
        return session


class SessionViewSet(ModelViewSet):
    model = Session
    name = "events_session"
    url_prefix = "booking/sessions"
    icon = "time"
    menu_label = pgettext_lazy("event session", "Sessions")
    index_view_class = SessionIndexView
    edit_view_class = SessionEditView
    delete_view_class = HeldDeleteView
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


def notification_status_label(notification):
    return Notification.Status(notification.status).label


def may_retry(user):
    return user.has_perm(admin_views.VIEW_NOTIFICATION) and user.has_perm(admin_views.MANAGE)


def failed_notifications_url():
    return reverse("events_notification:index") + "?" + urlencode({"status": "failed"})


class NotificationFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Notification.Status.choices, method="filter_status"
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Created at"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Notification
        fields = ["status", "kind", "created_at"]

    def filter_status(self, queryset, name, value):
        return queryset.in_status(value)


class NotificationIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("booking").with_status()

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if may_retry(self.request.user) and Notification.objects.failed().exists():
            buttons.append(
                HeaderButton(
                    _("Retry all failed"),
                    url=reverse("events_admin:retry_failed_notifications"),
                    icon_name="rotate",
                )
            )
        return buttons

    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        if instance.status == Notification.Status.FAILED and may_retry(self.request.user):
            url = reverse("events_admin:retry_notification", args=[instance.pk])
            buttons.insert(
                0,
                ListingButton(
                    _("Retry"),
                    url=url + "?" + urlencode({"next": self.request.get_full_path()}),
                    icon_name="rotate",
                    priority=1,
                ),
            )
        return buttons


class NotificationInspectView(LocalInspectView):
    def get_object(self, queryset=None):
        queryset = Notification.objects.select_related("booking").with_status()
        return get_object_or_404(queryset, pk=self.pk)

    def get_field_label(self, field_name, field):
        if field_name == "status":
            return _("Status")
        return super().get_field_label(field_name, field)

    def get_page_subtitle(self):
        return f"{self.object.booking} · {self.object.get_kind_display()}"

    def get_status_display_value(self):
        return notification_status_label(self.object)

    @cached_property
    def header_buttons(self):
        if self.object.status == Notification.Status.FAILED and may_retry(self.request.user):
            url = reverse("events_admin:retry_notification", args=[self.object.pk])
            return [HeaderButton(_("Retry"), url=url, icon_name="rotate")]
        return []


class NotificationViewSet(ModelViewSet):
    """Read-only: the booking services write these rows and the sender stamps them.

    Staff see what went out and what did not; the one thing they may do is retry a
    failed message (events_admin:retry_notification), which the outbox then sends.
    """

    model = Notification
    name = "events_notification"
    url_prefix = "booking/notifications"
    icon = "mail"
    menu_label = _("Notifications")
    index_view_class = NotificationIndexView
    inspect_view_class = NotificationInspectView
    filterset_class = NotificationFilterSet
    list_display = [
        "booking",
        "kind",
        StatusTagColumn("status", label=_("Status"), accessor=notification_status_label),
        "attempts",
        Column(
            "last_error",
            label=_("Last error"),
            accessor=lambda notification: Truncator(notification.last_error).chars(60),
        ),
        DateColumn("created_at", label=_("Created at"), sort_key="created_at"),
        DateColumn("sent_at", label=_("Sent at"), sort_key="sent_at"),
    ]
    search_fields = ["booking__reference", "booking__organization"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "booking",
        "kind",
        "status",
        "reason",
        "attempts",
        "last_error",
        "created_at",
        "claimed_at",
        "email_sent_at",
        "sent_at",
    ]
    copy_view_enabled = False

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]

    def get_common_view_kwargs(self, **kwargs):
        # No add, edit, delete, history or usage screens, even for superusers.
        return super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            history_url_name=None,
            usage_url_name=None,
            **kwargs,
        )

    @property
    def url_finder_class(self):
        return type(
            "NotificationURLFinder",
            (ModelAdminURLFinder,),
            {"edit_url_name": self.get_url_name("inspect")},
        )

    def get_permissions_to_register(self):
        # Only "view" means anything here; add, change and delete would open nothing.
        return super().get_permissions_to_register().filter(codename="view_notification")


class BookingGroup(ViewSetGroup):
    menu_label = _("Booking")
    menu_icon = "date"
    menu_order = 250
    items = (EventViewSet, SessionViewSet, BookingViewSet, NotificationViewSet)


@hooks.register("register_admin_viewset")
def register_booking_viewsets():
    return BookingGroup()


for bulk_action in BULK_ACTIONS:
    hooks.register("register_bulk_action", bulk_action)


@hooks.register("register_admin_urls")
def register_booking_admin_urls():
    urls = [
        path("check-in/", admin_views.check_in, name="check_in"),
        path("booking/<int:pk>/actions/", admin_views.booking_actions, name="booking_actions"),
        path("session/<int:pk>/roster/", admin_roster.roster, name="roster"),
        path("session/<int:pk>/message/", admin_roster.message_bookers, name="message_bookers"),
        path(
            "notifications/<int:pk>/retry/",
            admin_views.retry_notifications,
            name="retry_notification",
        ),
        path(
            "notifications/retry-failed/",
            admin_views.retry_notifications,
            name="retry_failed_notifications",
        ),
    ]
    return [path("booking-desk/", include((urls, "events_admin"), namespace="events_admin"))]


class CheckInMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.MANAGE)


@hooks.register("register_admin_menu_item")
def register_check_in_menu_item():
    return CheckInMenuItem(
        _("Check-in"), reverse("events_admin:check_in"), icon_name="check", order=251
    )


class FailedNotificationsPanel(Component):
    """On the admin home: how many messages to bookers the outbox gave up on."""

    name = "failed_notifications"
    template_name = "events/admin/failed_notifications_panel.html"
    order = 50  # above Wagtail's own panels: a booker is missing a message

    def __init__(self, count):
        self.count = count

    def get_context_data(self, parent_context):
        return {"count": self.count, "url": failed_notifications_url()}


@hooks.register("construct_homepage_panels")
def add_failed_notifications_panel(request, panels):
    if not request.user.has_perm(admin_views.VIEW_NOTIFICATION):
        return
    count = Notification.objects.failed().count()
    if count:
        panels.append(FailedNotificationsPanel(count))
