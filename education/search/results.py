"""The public search: word-aware matching, the typed word first, every match reachable.

Matching is the backend's (the same tokens and the same boolean tree on SQLite and
PostgreSQL); the order is ours, computed in the database from the same signals on both,
so a query lists the same pages in the same order whichever database serves it:

1. pages that match the words as typed come before pages that match only a synonym;
2. then the title: the whole compound run in the title, each typed word in the title;
3. then the summary: the whole run, each typed word (a match in the title or the summary
   outranks a match only in the body);
4. then the words touching in the text (the whole phrase), a synonym in the title;
5. then the most recently published.

Editors' search promotions for the query come first, on the first page.
"""

import re
from functools import cache

from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, Q, Value, When, Window
from django.utils.html import escape
from django.utils.safestring import mark_safe
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.utils import normalise_query_string

from core import freshness

from .. import geography
from ..selectors import as_cards, with_listing_text
from .backend import phrase_query, words_query
from .scoring import SummaryPoints, TextPoints
from .synonyms import variants
from .text import TOKEN, query_parts, stem

MAX_QUERY_LENGTH = 80
PER_PAGE = 10

TYPED_WORDS = 1000  # every word as typed, not only a synonym
RUN_IN_TITLE = 400  # the whole compound run (电动车火灾) in the title
WORD_IN_TITLE = 150
RUN_IN_SUMMARY = 120
WORD_IN_SUMMARY = 60
PHRASE_IN_TEXT = 100  # the words of a compound run touching somewhere in the page
SYNONYM_IN_TITLE = 50


def clean_query(raw):
    """Collapse whitespace and cap the length of whatever was typed."""
    return " ".join((raw or "").split())[:MAX_QUERY_LENGTH]


def _title_form(word):
    """What a query word looks like inside a title (a Latin word by its stem)."""
    return stem(word) if word.isascii() else word


def highlight_words(query):
    words = set()
    for run, part in query_parts(query):
        words.add(run)
        for word in part:
            words.update(variants(word))
            words.add(_title_form(word))
    return sorted((word for word in words if TOKEN.search(word)), key=len, reverse=True)


def highlight(text, words):
    """Escape the text and wrap each occurrence of the words in <mark>."""
    if not text:
        return ""
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


def _signals(backend, query, operator):
    """The ranking's terms: (condition, points) the index answers (the typed words,
    the phrase), and the (text, points) looked for in the title and in the summary."""
    parts = query_parts(query)
    indexed = []
    if operator == "and":
        # Without a synonym in the query every match holds the typed words: no signal.
        if any(len(variants(word)) > 1 for _, words in parts for word in words):
            indexed.append((_in(words_query(query, synonyms=False), backend), TYPED_WORDS))
    else:
        # Any word may match: the more typed words a page has, the higher it comes.
        for _, words in parts:
            for word in words:
                typed_word = words_query(word, synonyms=False)
                indexed.append((_in(typed_word, backend), TYPED_WORDS))
    phrase = phrase_query(query)
    if phrase is not None:
        indexed.append((_in(phrase, backend), PHRASE_IN_TEXT))
    return indexed, _field_texts(parts, "title"), _field_texts(parts, "summary")


def _field_texts(parts, field):
    """What the ranking looks for in the title or the summary: (text, points)."""
    texts = []
    for run, words in parts:
        if len(words) > 1:
            texts.append((run, RUN_IN_TITLE if field == "title" else RUN_IN_SUMMARY))
        for word in words:
            form = _title_form(word)
            texts.append((form, WORD_IN_TITLE if field == "title" else WORD_IN_SUMMARY))
            if field == "title":
                texts.extend((other, SYNONYM_IN_TITLE) for other in variants(word)[1:])
    return texts


def _score(backend, query, operator):
    indexed, title_texts, summary_texts = _signals(backend, query, operator)
    score = TextPoints("title", title_texts) + SummaryPoints(_summary_models(), summary_texts)
    for condition, points in indexed:
        score += Case(When(condition, then=Value(points)), default=Value(0))
    return score


def _in(tree, backend):
    return Q(pk__in=backend.matching(tree, Page.objects.all()).values("pk"))


@cache
def _summary_models():
    """The page types with a listing summary (every concrete ``ContentPage``)."""
    from ..models.base import ContentPage

    return tuple(model for model in apps.get_models() if issubclass(model, ContentPage))


def _found(backend, query, pages, operator):
    """The pages of the queryset holding every word of the query (``"and"``) or any
    word (``"or"``); None when nothing is searchable."""
    tree = words_query(query, operator)
    if tree is None:
        return None
    return pages.filter(_in(tree, backend))


def _ranked(backend, found, query, operator):
    return found.annotate(search_rank=_score(backend, query, operator)).order_by(*ORDER)


ORDER = ("-search_rank", F("last_published_at").desc(nulls_last=True), "-pk")


def ranked_pages(query, pages):
    """Every page of the queryset that matches the query, best first (a queryset).

    All words must match; when that finds nothing, any word may.
    """
    backend = get_search_backend()
    for operator in ("and", "or"):
        found = _found(backend, query, pages, operator)
        if found is None:
            break
        if operator == "or" or found.exists():
            return _ranked(backend, found, query, operator)
    return pages.none()


class RankedMatches:
    """The matches of a query, best first, as a Paginator reads them: in the order of
    :func:`ranked_pages`, the page asked for read in the same statement that counts
    every match (a second only when no page holds every word and any word may match).
    """

    def __init__(self, query, pages, first=0):
        self.first, self.rows, self.total = first, [], 0
        self.ranked = pages.none()
        backend = get_search_backend()
        for operator in ("and", "or"):
            found = _found(backend, query, pages, operator)
            if found is None:
                return
            # Cards straight from the ranked rows: what a result shows, in the same query.
            self.ranked = as_cards(
                _ranked(backend, found, query, operator).annotate(search_total=Window(Count("pk")))
            )
            self.rows = with_listing_text(list(self.ranked[first : first + PER_PAGE]))
            if self.rows:
                self.total = self.rows[0].search_total
            elif first:
                # Asked past the last page: count, and the Paginator asks for the last.
                self.total = found.count()
            if self.total:
                return

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, key):
        if isinstance(key, slice) and key.start == self.first:
            return self.rows[: key.stop - key.start]
        if isinstance(key, slice):
            return with_listing_text(list(self.ranked[key]))
        return with_listing_text([self.ranked[key]])[0]


def promoted_pages(query, pages):
    """The live pages editors promoted for this query, in their order.

    Read only for a query editors promoted pages for: which queries those are is kept as
    data under the ``search`` generation (``promoted_queries``).
    """
    query_string = normalise_query_string(query)
    if query_string not in promoted_queries():
        return []
    promotions = SearchPromotion.objects.filter(
        query__query_string=query_string, page__in=pages
    ).order_by("sort_order")
    return [promotion.page.specific for promotion in promotions.select_related("page")]


def promoted_queries():
    """The query strings editors promoted pages for (a promotion saved or deleted starts
    a new ``search`` generation, ``education/apps.py``)."""
    return freshness.kept(
        None,
        "education:promoted-queries",
        ("search",),
        lambda: set(SearchPromotion.objects.values_list("query__query_string", flat=True)),
    )


def _whole(number):
    try:
        return int(number)
    except (TypeError, ValueError):
        return 1


def search_pages(query, locale, page_number=None, site=None):
    """A page of results for the query, pages in one locale (of ``site`` when given),
    best first.

    The page object carries ``promoted``: editors' promotions, on the first page only.
    """
    if not query:
        return None
    pages = Page.objects.live().public().filter(locale=locale)
    if site is not None:
        pages = pages.filter(geography.page_filter(site))
    promoted = promoted_pages(query, pages)
    first = (max(_whole(page_number), 1) - 1) * PER_PAGE
    ranked = RankedMatches(query, pages.exclude(pk__in=[page.pk for page in promoted]), first)
    result_page = Paginator(ranked, PER_PAGE).get_page(page_number)
    result_page.object_list = list(result_page)
    result_page.promoted = promoted if result_page.number == 1 else []
    result_page.total = result_page.paginator.count + len(promoted)
    words = highlight_words(query)
    for page in [*result_page.promoted, *result_page.object_list]:
        page.title_html = highlight(page.title, words)
        page.summary_html = highlight(
            getattr(page, "listing_text", "") or page.search_description, words
        )
    return result_page
