"""Safety guides, grouped by editor-managed topics and audiences."""

from django import forms
from django.core.paginator import Paginator
from django.db import models
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from ..blocks import body_blocks
from .base import ContentPage


class GuideTopic(index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    panels = [FieldPanel("name"), FieldPanel("name_en"), FieldPanel("slug")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("guide topic")
        verbose_name_plural = _("guide topics")

    def __str__(self):
        return self.name


class GuideAudience(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    panels = [FieldPanel("name"), FieldPanel("name_en"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("guide audience")
        verbose_name_plural = _("guide audiences")

    def __str__(self):
        return self.name


class SafetyGuideIndexPage(ContentPage):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "link"])

    content_panels = [*ContentPage.content_panels, FieldPanel("intro")]
    search_fields = [*ContentPage.search_fields, index.SearchField("intro")]
    parent_page_types = ["education.HomePage"]
    subpage_types = ["education.SafetyGuidePage"]
    max_count_per_parent = 1
    GUIDES_PER_PAGE = 12

    class Meta:
        verbose_name = _("safety guide index")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import guides_under

        context = super().get_context(request, *args, **kwargs)
        found = guides_under(
            self, request.GET.get("topic", "")[:60], request.GET.get("audience", "")[:60]
        )
        page = Paginator(found.pop("guides"), self.GUIDES_PER_PAGE).get_page(
            request.GET.get("page")
        )
        context.update(found, guides=page)
        return context


class SafetyGuidePage(ContentPage):
    """A practical guide: steps, checklists, do and don't, a leaflet to print."""

    topics = ParentalManyToManyField(GuideTopic, blank=True, verbose_name=_("topics"))
    audiences = ParentalManyToManyField(GuideAudience, blank=True, verbose_name=_("audiences"))
    body = StreamField(body_blocks(), verbose_name=_("body"))
    leaflet = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("leaflet"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A printable leaflet (PDF) residents can download."),
    )
    priority = models.PositiveSmallIntegerField(
        _("order"), default=100, help_text=_("Lower numbers come first in lists.")
    )

    content_panels = [
        *ContentPage.content_panels,
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
        FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
        FieldPanel("body"),
        FieldPanel("leaflet"),
    ]
    promote_panels = [*ContentPage.promote_panels, FieldPanel("priority")]
    search_fields = [
        *ContentPage.search_fields,
        index.SearchField("body"),
        index.RelatedFields("topics", [index.SearchField("name")]),
        index.RelatedFields("audiences", [index.SearchField("name")]),
    ]
    parent_page_types = ["education.SafetyGuideIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("safety guide")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import related_guides

        context = super().get_context(request, *args, **kwargs)
        context["related"] = SimpleLazyObject(lambda: related_guides(self, request=request))
        return context
