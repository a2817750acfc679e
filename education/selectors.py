"""Reads for page contexts and the search page: one query per list, never one per row."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Case, Count, Value, When
from django.utils.functional import SimpleLazyObject
from wagtail.models import Page, get_page_models

from .i18n import translation_in
from .models import (
    ExperienceCenterPage,
    GuideAudience,
    GuideTopic,
    NewsPage,
    SafetyGuidePage,
)

STATUS_ORDER = [
    ExperienceCenterPage.Status.OPEN,
    ExperienceCenterPage.Status.BUILDING,
    ExperienceCenterPage.Status.PLANNED,
]


def _image_related(queryset):
    """Share images and their renditions in two queries for the whole list."""
    return queryset.select_related("share_image").prefetch_related("share_image__renditions")


def home_sections(home, locale=None):
    """Featured page, latest guides and news, and the sections menu, for the home page.

    Every value is lazy: nothing is queried unless the template reads it, so a cached
    fragment of the home page costs no queries. ``locale`` is the active language's
    (the shell's), for the featured page.
    """

    def featured():
        page = home.featured_page
        if page is None:
            return None
        translation = translation_in(page, locale)
        page = (translation if translation.live else page).specific
        return page if page.live else None

    def sections():
        return specific_in_one_query(home.get_children().live().in_menu())

    guides = _image_related(
        SafetyGuidePage.objects.live()
        .descendant_of(home)
        .order_by("priority", "-first_published_at")
    )[:6]
    news = NewsPage.objects.live().descendant_of(home).order_by("-date", "-pk")[:3]
    return {
        "featured": SimpleLazyObject(featured),
        "latest_guides": guides,
        "latest_news": news,
        "sections": SimpleLazyObject(sections),
    }


def specific_in_one_query(pages):
    """Pages of mixed types, each as its specific type, in one query.

    Wagtail's ``.specific()`` reads each page type's table in a query of its own; here
    every page type made directly from ``Page`` is joined to the one query instead (a
    reverse one-to-one in ``select_related``). A page of a type made from another page
    type falls back to ``page.specific``.
    """
    links = [
        model._meta.parents[Page].related_query_name()
        for model in get_page_models()
        if list(model._meta.parents) == [Page]
    ]
    found = []
    for page in pages.select_related(*links):
        specific_class = page.specific_class
        for link in links:
            child = getattr(page, link, None)
            if child is not None and type(child) is specific_class:
                found.append(child)
                break
        else:
            found.append(page.specific)
    return found


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


def related_guides(guide, limit=3):
    """Live guides in the same locale sharing a topic, most shared topics first, with
    their cards' pictures (one query for the guides, one for the renditions)."""
    return list(
        _image_related(SafetyGuidePage.objects.live())
        .filter(locale_id=guide.locale_id, topics__in=guide.topics.values("pk"))
        .exclude(pk=guide.pk)
        .annotate(shared=Count("topics"))
        .order_by("-shared", "priority", "title")[:limit]
    )


def news_page(index_page, number, per_page=10):
    news = _image_related(NewsPage.objects.live().child_of(index_page).order_by("-date", "-pk"))
    paginator = Paginator(news, per_page)
    try:
        return paginator.page(number or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)
