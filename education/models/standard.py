from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from ..blocks import body_blocks
from .base import ContentPage


class StandardPage(ContentPage):
    """About, privacy, accessibility and other plain pages."""

    body = StreamField(body_blocks(), verbose_name=_("body"))

    content_panels = [*ContentPage.content_panels, FieldPanel("body")]
    search_fields = [*ContentPage.search_fields, index.SearchField("body")]
    parent_page_types = ["education.HomePage", "education.StandardPage"]
    subpage_types = ["education.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
