"""Campaigns as Wagtail pages, with targets per metric and live public progress."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Locale, Orderable, Page
from wagtail.search import index

from core import freshness


class CampaignIndexPage(Page):
    """The list of outreach campaigns."""

    freshness_scopes = ("content", "reach")

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["education.HomePage"]
    subpage_types = ["reach.CampaignPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("campaign index")
        verbose_name_plural = _("campaign indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["campaigns"] = (
            CampaignPage.objects.child_of(self).live().public().order_by("-start_date")
        )
        return context


class CampaignPage(Page):
    """A campaign with dates, a theme and targets; its page shows live approved figures."""

    freshness_scopes = ("content", "reach")

    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    theme = models.CharField(
        _("theme"), max_length=200, help_text=_("One line: what the campaign is about.")
    )
    body = RichTextField(_("description"), blank=True, features=["bold", "link", "ol", "ul"])

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("start_date"), FieldPanel("end_date"), FieldPanel("theme")],
            heading=_("Campaign"),
        ),
        FieldPanel("body"),
        InlinePanel(
            "targets",
            label=_("Targets"),
            help_text=_("What the campaign aims to reach, per metric."),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("theme"),
        index.SearchField("body"),
    ]
    parent_page_types = ["reach.CampaignIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The campaign cannot end before it starts.")})

    def runs_on(self, day):
        """Whether ``day`` falls within the campaign, its first and last days included."""
        return self.start_date <= day <= self.end_date

    @property
    def source_campaign(self):
        """The default-locale page whose tallies this page shows (aliases share them)."""
        default = Locale.get_default()
        if self.locale_id == default.pk:
            return self
        return (
            CampaignPage.objects.filter(translation_key=self.translation_key, locale=default)
            .select_related(None)
            .first()
            or self
        )

    def public_report(self, request):
        """The approved figures this page shows, with their charts' geometry.

        Kept as data (``freshness.kept``) under the generations of what it is made
        of, the campaign's targets (content) and its figures (reach): adding up the
        figures cost a third of the page's render, and they change only when a figure
        is approved or corrected.
        """
        from media.reach import selectors
        from media.reach.charts import bar_chart

        def added_up():
            report = selectors.campaign_report(self.source_campaign, public=True)
            for item in report["series"]:
                item["chart"] = bar_chart(item["points"])
            return report

        name = f"reach:campaign-report:{self.pk}:{get_language()}"
        return freshness.kept(request, name, ("content", "reach"), added_up)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        report = self.public_report(request)
        context["report"] = report
        # "扫码阅读 412 次": the approved scans of the campaign's QR codes, if any.
        context["scans"] = next(
            (f for f in report["figures"] if f["metric"].code == "scans" and f["total"]), None
        )
        return context


class CampaignTarget(Orderable):
    page = ParentalKey(CampaignPage, on_delete=models.CASCADE, related_name="targets")
    metric = models.ForeignKey(
        "reach.Metric", verbose_name=_("metric"), on_delete=models.PROTECT, related_name="+"
    )
    target = models.PositiveBigIntegerField(_("target"))

    panels = [FieldPanel("metric"), FieldPanel("target")]

    class Meta(Orderable.Meta):
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["page", "metric"], name="reach_target_one_per_metric")
        ]
