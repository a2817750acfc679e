from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Booking")

    def ready(self):
        from .permissions import ensure_booking_staff_group

        post_migrate.connect(ensure_booking_staff_group, sender=self)
