from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_migrate
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Booking")

    def ready(self):
        from core import freshness
        from core.personal_data import register

        from .messages import forget_messages_of_bookings, register_renderers
        from .permissions import ensure_booking_staff_group
        from .personal_data import BookingSource
        from .templatetags.events_tags import render_places

        register(BookingSource())
        register_renderers()
        post_delete.connect(
            forget_messages_of_bookings,
            sender="events.Booking",
            dispatch_uid="events.forget_messages_of_bookings",
        )
        # What is on offer (and a session's state) and what is left of it: pages that
        # list sessions show the first; the places-left part shows the second.
        freshness.track(("sessions", "bookings"), "events.Event", "events.Session")
        freshness.track(("bookings",), "events.Booking")
        freshness.live_part("places", ("sessions", "bookings"), render_places)

        # After auth's own post_migrate (it comes later in INSTALLED_APPS), when the
        # permissions of every app, ours and Wagtail's, exist.
        post_migrate.connect(ensure_booking_staff_group, sender=apps.get_app_config("auth"))
