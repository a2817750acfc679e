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
        connect_page_cache_invalidation()


def connect_page_cache_invalidation():
    """Whatever a public page may show, when it changes, the page cache starts afresh."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page
    from wagtail.signals import page_published, page_unpublished

    from education.signals import public_content_changed

    from .pagecache import bump_generation

    public_content_changed.connect(bump_generation, dispatch_uid="pagecache-changed")
    page_published.connect(bump_generation, dispatch_uid="pagecache-published")
    page_unpublished.connect(bump_generation, dispatch_uid="pagecache-unpublished")
    post_delete.connect(bump_generation, sender=Page, dispatch_uid="pagecache-page-deleted")
    for label in (
        "education.SiteSettings",
        "events.Event",
        "events.Session",
        "events.Booking",
        "contest.Entry",
        "contest.ContestPage",
    ):
        post_save.connect(bump_generation, sender=label, dispatch_uid=f"pagecache-{label}")
        post_delete.connect(bump_generation, sender=label, dispatch_uid=f"pagecache-{label}-del")
