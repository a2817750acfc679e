"""Events and their sessions. A session's edit goes through the booking services, and
cancelling one says what it will do first (events/impact.py)."""

import django_filters
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import MenuItem as ButtonMenuItem
from wagtail.log_actions import log

from core.admin_columns import YesNoColumn
from core.admin_delete import HeldDeleteView

from .. import impact, services
from ..models import Event, Session
from .listing import BulkActionsListingMixin


class EventViewSet(ModelViewSet):
    model = Event
    delete_view_class = HeldDeleteView
    name = "events_event"
    url_prefix = "booking/events"
    icon = "date"
    menu_label = _("Events")
    list_display = [
        "title",
        "title_en",
        "kind",
        "audience",
        *(
            YesNoColumn(name, label=Event._meta.get_field(name).verbose_name)
            for name in ("requires_approval", "is_published")
        ),
    ]
    list_filter = ["kind", "audience", "requires_approval", "is_published"]
    search_fields = ["title", "title_en", "summary"]
    form_fields = [
        "title",
        "title_en",
        "kind",
        "audience",
        "page",
        "summary",
        "summary_en",
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
    form_fields = [
        "event",
        "starts_at",
        "ends_at",
        "venue",
        "venue_en",
        "capacity",
        "status",
        "note",
    ]
    copy_view_enabled = True
