from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_groups(sender, **kwargs):
    from .moderation import ensure_groups

    ensure_groups()


class EducationConfig(AppConfig):
    name = "education"
    verbose_name = _("Education content")

    def ready(self):
        from wagtail.documents import get_document_model_string
        from wagtail.images import get_image_model_string

        from core import freshness

        freshness.track(
            ("content",),
            "wagtailcore.Site",
            "wagtailcore.Locale",
            "wagtailcore.PageViewRestriction",
            "education.SiteSettings",
            "education.MenuItem",
            "education.Place",  # centres' districts and the centre index's filter
            # Edited as snippets, with no page published: guides show their names.
            "education.GuideTopic",
            "education.GuideAudience",
            # An editor's redirect for a path whose "not found" page is cached.
            "wagtailredirects.Redirect",
            # An image or a leaflet's document replaced, renamed or deleted, with no
            # page published: pages show their addresses and titles.
            get_image_model_string(),
            get_document_model_string(),
        )
        # Only the search page shows synonyms and editors' promotions.
        freshness.track(
            ("search",),
            "education.SearchSynonym",
            "wagtailsearchpromotions.Query",
            "wagtailsearchpromotions.SearchPromotion",
        )
        post_migrate.connect(_ensure_groups, sender=self, dispatch_uid="education-groups")
