"""Reads for page contexts and the search page: one query per list, never one per row."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Case, CharField, Count, F, Value, When
from django.db.models.functions import Coalesce
from django.utils.functional import SimpleLazyObject
from wagtail.images import get_image_model
from wagtail.models import Page, get_page_models

from core import freshness

from .i18n import translation_in
from .models import (
    ExperienceCenterPage,
    GuideAudience,
    GuideTopic,
    NewsPage,
    SafetyGuidePage,
)
from .models.base import ContentPage

STATUS_ORDER = [
    ExperienceCenterPage.Status.OPEN,
    ExperienceCenterPage.Status.BUILDING,
    ExperienceCenterPage.Status.PLANNED,
]


def _image_related(queryset):
    """Share images and their renditions in two queries for the whole list."""
    return queryset.select_related("share_image").prefetch_related("share_image__renditions")


def home_sections(home, locale=None, request=None):
    """Featured page, latest guides and news, and the sections menu, for the home page.

    Every value is lazy: nothing is queried unless the template reads it, so a cached
    fragment of the home page costs no queries. ``locale`` is the active language's
    (the shell's), for the featured page. The pages shown change only with content: they
    are kept as data under the content generation (``freshness.kept``; its generation
    read once per ``request`` when given); the guides' pictures are read at each render
    (``with_share_images``).
    """

    def featured():
        # A card (one query), not the specific page: the template shows what a card does.
        found = text_cards(Page.objects.filter(pk=home.featured_page_id))
        if not found:
            return None
        page = found[0]
        translation = translation_in(page, locale)
        if translation is not page and translation.live:
            page = text_cards(Page.objects.filter(pk=translation.pk))[0]
        return page if page.live else None

    def sections():
        return text_cards(home.get_children().live().in_menu())

    def guides():
        latest = SafetyGuidePage.objects.live().descendant_of(home)
        return list(picture_cards(latest).order_by("priority", "-first_published_at")[:6])

    def news():
        latest = NewsPage.objects.live().descendant_of(home).only(*CARD_FIELDS, "date")
        return list(latest.order_by("-date", "-pk")[:3])

    def kept(name, compute):
        language = locale.language_code if locale else ""
        return lambda: freshness.kept(
            request, f"home:{name}:{home.pk}:{language}", ("content",), compute
        )

    kept_guides = kept("guides", guides)
    return {
        "featured": SimpleLazyObject(kept("featured", featured)),
        "latest_guides": SimpleLazyObject(lambda: with_share_images(kept_guides())),
        "latest_news": SimpleLazyObject(kept("news", news)),
        "sections": SimpleLazyObject(kept("sections", sections)),
    }


#: What a card without a picture reads of its page: the title, the link, its language,
#: and whether it is live and its translations (the home page's featured page).
CARD_FIELDS = (
    *("title", "url_path", "path", "depth", "locale_id", "alias_of_id", "content_type_id"),
    *("live", "translation_key"),
)


def as_cards(pages):
    """``pages`` (a queryset of pages of mixed types) reading only what a card without a
    picture shows, with the summary of each page type that has one, in one query.

    Reading each page as its specific type instead (every page type's table joined, all
    of its columns, a model instance each, or a query per page type) cost more than the
    rest of the home page. Here only the summary column of each page type is joined.
    ``with_listing_text`` completes the cards once read.
    """
    links = [
        model._meta.parents[Page].related_query_name()
        for model in get_page_models()
        if issubclass(model, ContentPage) and list(model._meta.parents) == [Page]
    ]
    summaries = [F(f"{link}__summary") for link in links]
    return pages.only(*CARD_FIELDS, "search_description").annotate(
        summary=Coalesce(*summaries, Value(""), output_field=CharField())
    )


def with_listing_text(cards):
    """Give each card read by ``as_cards`` the ``listing_text`` its page type has
    (``ContentPage``'s); the others have none, as their specific pages."""
    for page in cards:
        if issubclass(page.specific_class or Page, ContentPage):  # None: a removed type
            page.listing_text = ContentPage.listing_text.fget(page)
    return cards


def text_cards(pages):
    """Pages of mixed types as cards without a picture (``as_cards``), in a list."""
    return with_listing_text(list(as_cards(pages)))


def picture_cards(pages):
    """Pages of one type with a share image (a ``ContentPage`` type) reading only what
    their card shows; the image itself is not read (``with_share_images``)."""
    return pages.only(*CARD_FIELDS, "summary", "search_description", "share_image")


def with_share_images(cards):
    """Give each card its share image, with the image's renditions: two queries for any
    number of cards. Cards kept as data carry the image's id alone: an image (its file,
    its focal point, its alt text) changes without any page being published."""
    ids = {card.share_image_id for card in cards if card.share_image_id}
    images = get_image_model().objects.prefetch_related("renditions").in_bulk(ids) if ids else {}
    for card in cards:
        card.share_image = images.get(card.share_image_id)
    return cards


def experience_centers(index_page, status="", district=None):
    """The index's live centres, open ones first, by district; ``district`` a place."""
    centers = ExperienceCenterPage.objects.live().child_of(index_page).select_related("district")
    if status:
        centers = centers.filter(status=status)
    if district:
        centers = centers.filter(district=district)
    open_first = Case(
        *(When(status=status, then=Value(rank)) for rank, status in enumerate(STATUS_ORDER)),
        default=Value(len(STATUS_ORDER)),
    )
    return list(_image_related(centers).order_by(open_first, "district__name", "title"))


def guides_under(index_page, topic_slug="", audience_slug=""):
    """The index's guides, narrowed to a topic and an audience, with both lists to choose.

    The guides come back as a queryset, for the caller to paginate; an unknown slug
    narrows nothing.
    """
    guides = SafetyGuidePage.objects.live().child_of(index_page)
    topics = list(
        GuideTopic.objects.filter(safetyguidepage__in=guides)
        .annotate(guides=Count("safetyguidepage"))
        .order_by("name")
    )
    audiences = list(
        GuideAudience.objects.filter(safetyguidepage__in=guides)
        .annotate(guides=Count("safetyguidepage"))
        .order_by("name")
    )
    topic = next((topic for topic in topics if topic.slug == topic_slug), None)
    audience = next((item for item in audiences if item.slug == audience_slug), None)
    if topic is not None:
        guides = guides.filter(topics=topic)
    if audience is not None:
        guides = guides.filter(audiences=audience)
    guides = _image_related(guides).prefetch_related("topics", "audiences")
    return {
        "guides": guides.order_by("priority", "title", "pk"),
        "topics": topics,
        "audiences": audiences,
        "current_topic": topic,
        "current_audience": audience,
    }


def related_guides(guide, limit=3, request=None):
    """Live guides in the same locale sharing a topic, most shared topics first, with
    their cards' pictures. The guides change only with content: kept as data under the
    content generation (one query when not kept), their pictures read at each render
    (``with_share_images``, two queries)."""

    def related():
        guides = (
            SafetyGuidePage.objects.live()
            .filter(locale_id=guide.locale_id, topics__in=guide.topics.values("pk"))
            .exclude(pk=guide.pk)
            .annotate(shared=Count("topics"))
            .order_by("-shared", "priority", "title")
        )
        return list(picture_cards(guides)[:limit])

    name = f"guide:related:{guide.pk}:{limit}"
    return with_share_images(freshness.kept(request, name, ("content",), related))


def news_page(index_page, number, per_page=10):
    news = _image_related(NewsPage.objects.live().child_of(index_page).order_by("-date", "-pk"))
    paginator = Paginator(news, per_page)
    try:
        return paginator.page(number or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)
