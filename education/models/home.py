from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
    """The site's front page: what's on, in one screen on a phone."""

    # Upcoming sessions (places left a live part each), contest highlights, reach figures.
    freshness_scopes = ("content", "sessions", "contest", "reach")

    hero_title = models.CharField(
        _("hero title"), max_length=120, help_text=_("The large headline at the top.")
    )
    hero_text = models.TextField(
        _("hero text"), blank=True, help_text=_("One or two sentences under the headline.")
    )
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "link", "ol", "ul"])
    featured_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("featured"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A campaign or news item shown large at the top of the home page."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("hero_title"),
        FieldPanel("hero_text"),
        FieldPanel("intro"),
        FieldPanel("featured_page"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("hero_title"),
        index.SearchField("hero_text"),
        index.SearchField("intro"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import home_sections
        from ..shell import shell

        context = super().get_context(request, *args, **kwargs)
        context.update(home_sections(self, shell(request)["locale"], request))
        return context
