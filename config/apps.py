from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PlatformConfig(AppConfig):
    """The platform's own wiring: django-q2 schedules, health, the demo command."""

    name = "config"
    label = "platform"
    verbose_name = _("Platform")

    def ready(self):
        from . import auth  # noqa: F401 - connects the login failure counters
        from .schedules import sync_schedules

        post_migrate.connect(sync_schedules, sender=self)
