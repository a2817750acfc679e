from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ContestConfig(AppConfig):
    name = "media.contest"
    label = "contest"
    verbose_name = _("Children's contest")

    def ready(self):
        from core import freshness
        from core.personal_data import register

        from .groups import ensure_groups
        from .messages import register_renderers
        from .personal_data import GuardianSource

        register(GuardianSource())
        register_renderers()
        freshness.track(("contest",), "contest.Entry", "contest.ContestPage")

        # After every app's permissions exist (wagtailadmin's included).
        post_migrate.connect(ensure_groups, dispatch_uid="contest.ensure_groups")
