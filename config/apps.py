from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate
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
        connect_page_cache_invalidation()


def connect_page_cache_invalidation():
    """Wagtail's page signals and deploys start new public generations.

    Each app tracks its own models in its ``ready()`` (``freshness.track``); every cached
    page, route, fragment and menu is keyed by the generations of the scopes it shows
    (``core/freshness.py``).
    """
    from wagtail.models import Page
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    from core import freshness
    from education.signals import public_content_changed

    # A deploy runs migrate: nothing cached by the last release's code is reused.
    post_migrate.connect(freshness.anything_changed, dispatch_uid="freshness-migrated")
    public_content_changed.connect(freshness.anything_changed, dispatch_uid="freshness-public")
    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(freshness.content_changed, dispatch_uid=f"freshness-{id(signal)}")
    post_delete.connect(
        freshness.content_changed, sender=Page, dispatch_uid="freshness-page-deleted"
    )
