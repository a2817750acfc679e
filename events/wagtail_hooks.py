"""The booking staff's admin: the viewsets grouped as "预约管理 Booking" (events/viewsets/),
the desk screens' URLs, the check-in menu item and the home-page panels."""

from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ViewSetGroup

from core.admin_panels import JobsPanel
from core.outbox import OutboxMessage

from . import admin_roster, admin_views
from .bulk_actions import BULK_ACTIONS
from .models import Session
from .viewsets.bookings import BookingViewSet
from .viewsets.notifications import FailedNotificationsPanel, NotificationViewSet
from .viewsets.sessions import EventViewSet, SessionViewSet


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


@hooks.register("construct_homepage_panels")
def add_failed_notifications_panel(request, panels):
    if not request.user.has_perm(admin_views.VIEW_NOTIFICATION):
        return
    count = OutboxMessage.objects.visible_to(request.user).failed().count()
    if count:
        panels.append(FailedNotificationsPanel(count))


@hooks.register("construct_homepage_panels")
def add_todays_sessions_panel(request, panels):
    """Booking staff see today's sessions, each with its places taken and its roster."""
    if not request.user.has_perm(admin_views.MANAGE):
        return
    today = timezone.localdate()
    sessions = (
        Session.objects.filter(starts_at__date=today)
        .exclude(status=Session.Status.CANCELLED)
        .select_related("event")
        .with_places_taken()
        .order_by("starts_at")
    )
    jobs = [
        (
            _("%(time)s %(event)s · %(venue)s: %(taken)s of %(capacity)s places taken")
            % {
                "time": timezone.localtime(session.starts_at).strftime("%H:%M"),
                "event": session.event.title,
                "venue": session.venue,
                "taken": session.places_taken,
                "capacity": session.capacity,
            },
            reverse("events_admin:roster", args=[session.pk]),
        )
        for session in sessions
    ]
    panels.append(
        JobsPanel("todays_sessions", _("Today's sessions"), jobs, empty=_("No session today."))
    )
