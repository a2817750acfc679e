from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

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
