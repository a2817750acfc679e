from django.contrib.syndication.views import Feed
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from .models import NewsIndexPage, NewsPage


class NewsFeed(Feed):
    """RSS of the latest news in the visitor's language."""

    description = _("News of fire-safety campaigns and events.")

    def get_object(self, request, *args, **kwargs):
        self.request = request
        site = Site.find_for_request(request)
        home = site.root_page.localized if site else None
        index = None
        if home is not None:
            index = NewsIndexPage.objects.live().descendant_of(home).first()
        return index

    def title(self, obj):
        return obj.title if obj else _("News")

    def link(self, obj):
        return obj.get_url(request=self.request) if obj else "/"

    def items(self, obj):
        if obj is None:
            return NewsPage.objects.none()
        return NewsPage.objects.live().child_of(obj).order_by("-date", "-pk")[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.listing_text

    def item_link(self, item):
        return item.get_url(request=self.request)

    def item_pubdate(self, item):
        return item.date_as_datetime
