"""The outbox seen by booking staff: what went out and what did not, with a retry for
the failed, and a warning on the admin home when any failed.

The rows are core's outbox (core/outbox/); each staff member sees the kinds whose
staff permission they hold (``OutboxMessageQuerySet.visible_to``): booking staff the
messages to bookers, a superuser every message."""

from urllib.parse import urlencode

import django_filters
from django.db.models import Case, CharField, OuterRef, Subquery, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton, ListingButton

from core.inspect import LocalInspectView
from core.outbox import OutboxMessage, Status

from .. import admin_views
from ..messages import ABOUT_BOOKING, with_bookings
from ..models import Booking

BOOKING_LABEL = pgettext_lazy("one booking", "Booking")


def notification_status_label(notification):
    return Status(notification.status).label


def may_retry(user):
    return user.has_perm(admin_views.VIEW_NOTIFICATION) and user.has_perm(admin_views.MANAGE)


def failed_notifications_url():
    return reverse("events_notification:index") + "?" + urlencode({"status": "failed"})


def booking_field(field):
    """The field of the booking a row is about, for searching; empty for other rows."""
    return Case(
        When(
            kind__in=ABOUT_BOOKING,
            then=Subquery(Booking.objects.filter(pk=OuterRef("source_id")).values(field)[:1]),
        ),
        default=None,
        output_field=CharField(),
    )


class NotificationFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, method="filter_status"
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Created at"), widget=DateRangePickerWidget
    )

    class Meta:
        model = OutboxMessage
        fields = ["status", "kind", "created_at"]

    def filter_status(self, queryset, name, value):
        return queryset.in_status(value)


class NotificationIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .visible_to(self.request.user)
            .with_status()
            .annotate(
                booking_reference=booking_field("reference"),
                booking_organization=booking_field("organization"),
            )
        )

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        with_bookings(rows)  # fills the page's cached rows: one query for the page
        return paginator, page, rows, is_paginated

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        user = self.request.user
        if may_retry(user) and OutboxMessage.objects.visible_to(user).failed().exists():
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
        if instance.status == Status.FAILED and may_retry(self.request.user):
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
        queryset = OutboxMessage.objects.with_status()
        return with_bookings([get_object_or_404(queryset, pk=self.pk)])[0]

    def get(self, request, *args, **kwargs):
        # After the view permission's check (a 403 for staff without it): a message of a
        # kind this user's permissions do not cover is not there for them.
        if not OutboxMessage.objects.visible_to(request.user).filter(pk=self.object.pk).exists():
            raise Http404
        return super().get(request, *args, **kwargs)

    def get_field_label(self, field_name, field):
        if field_name == "status":
            return _("Status")
        if field_name == "booking":
            return BOOKING_LABEL
        return super().get_field_label(field_name, field)

    def get_page_subtitle(self):
        return f"{self.object.booking or self.object.source_id} · {self.object.get_kind_display()}"

    def get_status_display_value(self):
        return notification_status_label(self.object)

    def get_booking_display_value(self):
        return self.object.booking or ""

    @cached_property
    def header_buttons(self):
        if self.object.status == Status.FAILED and may_retry(self.request.user):
            url = reverse("events_admin:retry_notification", args=[self.object.pk])
            return [HeaderButton(_("Retry"), url=url, icon_name="rotate")]
        return []


class NotificationViewSet(ModelViewSet):
    """Read-only: the services write these rows and the outbox's sender stamps them.

    Staff see what went out and what did not; the one thing they may do is retry a
    failed message (events_admin:retry_notification), which the outbox then sends.
    """

    model = OutboxMessage
    name = "events_notification"
    url_prefix = "booking/notifications"
    icon = "mail"
    menu_label = _("Notifications")
    index_view_class = NotificationIndexView
    inspect_view_class = NotificationInspectView
    filterset_class = NotificationFilterSet
    list_display = [
        "kind",  # the title column: links to the message, carries its retry button
        Column("booking", label=BOOKING_LABEL, accessor=lambda row: row.booking or ""),
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
    search_fields = ["booking_reference", "booking_organization"]
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
        return super().get_permissions_to_register().filter(codename="view_outboxmessage")


class FailedNotificationsPanel(Component):
    """On the admin home: how many messages to bookers the outbox gave up on."""

    name = "failed_notifications"
    template_name = "events/admin/failed_notifications_panel.html"
    order = 50  # above Wagtail's own panels: a booker is missing a message

    def __init__(self, count):
        self.count = count

    def get_context_data(self, parent_context):
        return {"count": self.count, "url": failed_notifications_url()}
