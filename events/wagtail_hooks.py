"""The booking staff's admin: the viewsets grouped as "预约管理 Booking" (events/viewsets/),
the desk screens' URLs, the check-in menu item and the home-page panels."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ViewSetGroup

from . import admin_roster, admin_views
from .bulk_actions import BULK_ACTIONS
from .models import Notification
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
    count = Notification.objects.failed().count()
    if count:
        panels.append(FailedNotificationsPanel(count))
