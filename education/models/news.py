"""News and the campaign's progress reports."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from ..blocks import body_blocks
from .base import ContentPage


def today():
    return timezone.localdate()


class NewsIndexPage(ContentPage):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "link"])

    content_panels = [*ContentPage.content_panels, FieldPanel("intro")]
    parent_page_types = ["education.HomePage"]
    subpage_types = ["education.NewsPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import news_page

        context = super().get_context(request, *args, **kwargs)
        context["news"] = news_page(self, request.GET.get("page"))
        return context


class NewsPage(ContentPage):
    date = models.DateField(_("date"), default=today)
    source = models.CharField(_("source"), max_length=100, blank=True)
    body = StreamField(body_blocks(), verbose_name=_("body"))

    content_panels = [
        *ContentPage.content_panels,
        FieldPanel("date"),
        FieldPanel("source"),
        FieldPanel("body"),
    ]
    search_fields = [
        *ContentPage.search_fields,
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    parent_page_types = ["education.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")

    @property
    def date_as_datetime(self):
        return datetime.datetime.combine(
            self.date, datetime.time(9), tzinfo=timezone.get_current_timezone()
        )
