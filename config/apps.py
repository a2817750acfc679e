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
    """Whatever a public page may show, when it changes, a new public generation starts.

    Every cached page, fragment and menu is keyed by it (``education/freshness.py``).
    """
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    from education.freshness import bump
    from education.signals import public_content_changed

    # A deploy runs migrate: nothing cached by the last release's code is reused.
    post_migrate.connect(bump, dispatch_uid="pagecache-migrated")
    public_content_changed.connect(bump, dispatch_uid="pagecache-changed")
    page_published.connect(bump, dispatch_uid="pagecache-published")
    page_unpublished.connect(bump, dispatch_uid="pagecache-unpublished")
    page_slug_changed.connect(bump, dispatch_uid="pagecache-slug-changed")
    post_page_move.connect(bump, dispatch_uid="pagecache-moved")
    post_delete.connect(bump, sender=Page, dispatch_uid="pagecache-page-deleted")
    for label in (
        "wagtailcore.Site",
        "wagtailcore.PageViewRestriction",
        "education.SiteSettings",
        "events.Event",
        "events.Session",
        "events.Booking",
        "contest.Entry",
        "contest.ContestPage",
    ):
        post_save.connect(bump, sender=label, dispatch_uid=f"pagecache-{label}")
        post_delete.connect(bump, sender=label, dispatch_uid=f"pagecache-{label}-del")
