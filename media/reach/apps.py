from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReachConfig(AppConfig):
    name = "media.reach"
    label = "reach"
    verbose_name = _("Reach")

    def ready(self):
        from .permissions import ensure_groups
        from .summary import register_renderers

        register_renderers()

        post_migrate.connect(ensure_groups, sender=self)
        from .signals import connect

        connect()
        from core import freshness

        # Where a code leads is cached under the reach scope (views.scan_target).
        freshness.track(("reach",), "reach.Material")
