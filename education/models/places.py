"""Places residents visit: the theme park, the experience rooms, the summer camp."""

from django.db import models
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from ..blocks import body_blocks
from .base import ContentPage
from .geography import Place

HOME = ["education.HomePage"]


class ThemeParkPage(ContentPage):
    """The fire-safety theme park: zones, hours, location, access."""

    # Its sessions are listed; each one's places left is a live part of its own.
    freshness_scopes = ("content", "sessions")

    body = StreamField(body_blocks(), blank=True, verbose_name=_("body"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    access = RichTextField(
        _("access and accessibility"),
        blank=True,
        features=["bold", "link", "ul"],
        help_text=_("Public transport, parking, step-free routes, toilets."),
    )

    content_panels = [
        *ContentPage.content_panels,
        FieldPanel("address"),
        FieldPanel("body"),
        FieldPanel("access"),
    ]
    search_fields = [
        *ContentPage.search_fields,
        index.SearchField("body"),
        index.SearchField("address"),
        index.SearchField("access"),
    ]
    parent_page_types = HOME
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("theme park page")


class ExperienceCenterIndexPage(ContentPage):
    """All micro experience rooms, filterable by status and district."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "link"])

    content_panels = [*ContentPage.content_panels, FieldPanel("intro")]
    search_fields = [*ContentPage.search_fields, index.SearchField("intro")]
    parent_page_types = HOME
    subpage_types = ["education.ExperienceCenterPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("experience center index")

    def get_context(self, request, *args, **kwargs):
        from ..forms import CenterFilterForm
        from ..geography import districts_of, site_of_page
        from ..selectors import experience_centers

        context = super().get_context(request, *args, **kwargs)
        form = CenterFilterForm(request.GET or None, districts=districts_of(site_of_page(self)))
        valid = not form.is_bound or form.is_valid()
        filters = {
            k: v for k, v in (form.cleaned_data if form.is_bound and valid else {}).items() if v
        }
        district = filters.get("district")
        context.update(
            filter_form=form,
            # Read only when the listing is rendered, not when it comes from the cache.
            centers=SimpleLazyObject(lambda: experience_centers(self, **filters)),
            filters=(filters.get("status", ""), district.pk if district else ""),
            cacheable=valid,
            map_tiles=_map_tiles(),
        )
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        form = (
            response.context_data.get("filter_form") if hasattr(response, "context_data") else None
        )
        if form is not None and form.is_bound and not form.is_valid():
            response.status_code = 400
        return response


def _map_tiles():
    from django.conf import settings

    return getattr(settings, "FIREBREAK_MAP_TILES", "")


class ExperienceCenterForm(WagtailAdminPageForm):
    """The district or town is chosen among the places of the page's own site."""

    def __init__(self, *args, **kwargs):
        from ..geography import districts_of, site_of_page

        super().__init__(*args, **kwargs)
        if "district" in self.fields and self.parent_page is not None:
            self.fields["district"].queryset = districts_of(site_of_page(self.parent_page))


class ExperienceCenterPage(ContentPage):
    """One micro experience room, hosted by a mall, a community or a company."""

    base_form_class = ExperienceCenterForm

    # Its sessions are listed; each one's places left is a live part of its own.
    freshness_scopes = ("content", "sessions")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        BUILDING = "building", _("Under construction")
        PLANNED = "planned", _("Planned")

    class HostKind(models.TextChoices):
        MALL = "mall", _("Shopping mall")
        COMMUNITY = "community", _("Community")
        COMPANY = "company", _("Company")
        SCHOOL = "school", _("School")

    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PLANNED)
    host = models.CharField(
        _("host"), max_length=120, help_text=_("The mall, community or company hosting the room.")
    )
    host_kind = models.CharField(
        _("kind of host"), max_length=12, choices=HostKind, default=HostKind.COMMUNITY
    )
    district = models.ForeignKey(
        "education.Place",
        verbose_name=_("district or town"),
        on_delete=models.PROTECT,
        related_name="centres",
        limit_choices_to={"kind__in": Place.CENTRE_KINDS},
        help_text=_("A district or town of this site's city (site settings)."),
    )
    address = models.CharField(_("address"), max_length=200)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    hours = models.CharField(_("opening hours"), max_length=120, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Visitors at one time.")
    )
    practises = models.TextField(
        _("what visitors practise"),
        blank=True,
        help_text=_("One activity per line, e.g. using a fire extinguisher."),
    )
    walk_ins_welcome = models.BooleanField(
        _("walk-ins welcome"),
        default=False,
        help_text=_("Tick when anyone may drop in during opening hours; else visits are booked."),
    )
    body = StreamField(body_blocks(), blank=True, verbose_name=_("body"))

    content_panels = [
        *ContentPage.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("status"), FieldPanel("district")]),
                FieldRowPanel([FieldPanel("host"), FieldPanel("host_kind")]),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldRowPanel([FieldPanel("hours"), FieldPanel("capacity")]),
                FieldPanel("walk_ins_welcome"),
                FieldPanel("practises"),
            ],
            heading=_("The room"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *ContentPage.search_fields,
        index.SearchField("host", boost=2),
        index.SearchField("address"),
        index.SearchField("practises"),
        index.SearchField("body"),
        index.FilterField("status"),
        index.FilterField("district"),
    ]
    parent_page_types = ["education.ExperienceCenterIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("experience center")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gte=1),
                name="experience_center_capacity_positive",
            )
        ]

    @property
    def practise_list(self):
        return [line.strip() for line in self.practises.splitlines() if line.strip()]

    @property
    def has_coordinates(self):
        return self.latitude is not None and self.longitude is not None


class CampPage(ContentPage):
    """The summer camp: partners, venue, ages, programme and rules."""

    # Its sessions are listed; each one's places left is a live part of its own.
    freshness_scopes = ("content", "sessions")

    partners = models.CharField(_("run with"), max_length=200, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    ages = models.CharField(_("ages or grades"), max_length=80, blank=True)
    places = models.PositiveIntegerField(_("places in total"), null=True, blank=True)
    batches = models.PositiveSmallIntegerField(_("number of batches"), null=True, blank=True)
    how_to_join = models.CharField(
        _("how to join"),
        max_length=200,
        blank=True,
        help_text=_("Shown at the top of the page, e.g. 由学校统一组织报名，家长不能单独报名。"),
    )
    programme = StreamField(body_blocks(), blank=True, verbose_name=_("programme"))
    rules = RichTextField(_("rules"), blank=True, features=["bold", "ol", "ul", "link"])

    content_panels = [
        *ContentPage.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("how_to_join"),
                FieldPanel("partners"),
                FieldPanel("venue"),
                FieldRowPanel([FieldPanel("ages"), FieldPanel("places"), FieldPanel("batches")]),
            ],
            heading=_("At a glance"),
        ),
        FieldPanel("programme"),
        FieldPanel("rules"),
    ]
    search_fields = [
        *ContentPage.search_fields,
        index.SearchField("partners"),
        index.SearchField("venue"),
        index.SearchField("programme"),
        index.SearchField("rules"),
    ]
    parent_page_types = HOME
    subpage_types = []

    class Meta:
        verbose_name = _("summer camp page")


__all__ = [
    "CampPage",
    "ExperienceCenterIndexPage",
    "ExperienceCenterPage",
    "ThemeParkPage",
]
