from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core import freshness

from .models import GuideAudience, GuideTopic, SearchSynonym


class GuideTopicViewSet(SnippetViewSet):
    model = GuideTopic
    icon = "tag"
    list_display = ["name", "name_en", "slug"]
    search_fields = ["name", "name_en"]
    list_export = ["name", "name_en", "slug"]


class GuideAudienceViewSet(SnippetViewSet):
    model = GuideAudience
    icon = "group"
    list_display = ["name", "name_en", "slug"]
    search_fields = ["name", "name_en"]
    list_export = ["name", "name_en", "slug"]


class SearchSynonymViewSet(SnippetViewSet):
    model = SearchSynonym
    icon = "search"
    list_display = ["__str__"]
    search_fields = ["terms"]
    list_export = ["terms"]


class ContentViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Guides and search")
    menu_icon = "folder-open-inverse"
    items = (GuideTopicViewSet, GuideAudienceViewSet, SearchSynonymViewSet)


register_snippet(ContentViewSetGroup)


@hooks.register("before_serve_page")
def declare_what_the_page_shows(page, request, serve_args, serve_kwargs):
    """The page cache keeps a page until a scope its page type shows changes."""
    scopes = getattr(page, "freshness_scopes", None)
    if scopes is not None:
        freshness.shows(request, scopes)
