"""What every content page shares: a listing summary and a share image."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index


class ContentPage(Page):
    """Abstract base: summary for listings, search and share cards; a share image."""

    #: The scopes of change this page type shows (``core/freshness.py``): the page
    #: cache keeps a page until one of them changes.
    freshness_scopes = ("content",)

    summary = models.CharField(
        _("summary"),
        max_length=240,
        blank=True,
        help_text=_("One or two sentences for lists, search results and WeChat share cards."),
    )
    share_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown at the top of the page and on share cards."),
    )

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("share_image")]
    search_fields = [*Page.search_fields, index.SearchField("summary", boost=2)]

    class Meta:
        abstract = True

    @property
    def listing_text(self):
        return self.summary or self.search_description
