"""The booking staff's admin: the viewsets grouped as "预约管理 Booking" (events/viewsets/),
the desk screens with the check-in menu item, and the home-page panels."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ViewSetGroup

from core.admin_panels import JobsPanel
from core.admin_screens import ScreenViewSet
from core.outbox import OutboxMessage

from . import admin_roster, admin_views, selectors
from .bulk_actions import BULK_ACTIONS
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


class BookingDesk(ScreenViewSet):
    """The desk screens: check-in (in the main menu), a booking's actions, a session's
    roster and message, retrying failed messages."""

    name = "events_admin"
    url_prefix = "booking-desk"
    icon = "check"
    menu_label = _("Check-in")
    menu_order = 251
    add_to_admin_menu = True
    screens = [
        ("check-in/", admin_views.CheckInView, "check_in"),
        ("booking/<int:pk>/actions/", admin_views.BookingActionsView, "booking_actions"),
        ("session/<int:pk>/roster/", admin_roster.RosterView, "roster"),
        ("session/<int:pk>/message/", admin_roster.MessageBookersView, "message_bookers"),
        ("notifications/<int:pk>/retry/", admin_views.retry_notifications, "retry_notification"),
        (
            "notifications/retry-failed/",
            admin_views.retry_notifications,
            "retry_failed_notifications",
        ),
    ]


@hooks.register("register_admin_viewset")
def register_booking_desk():
    return BookingDesk()


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
    if not admin_views.CheckInView.admits(request.user):
        return
    sessions = selectors.sessions_on(timezone.localdate())
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
