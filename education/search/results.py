"""The public search: Chinese-aware matching, titles first, highlighted matches."""

import re

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.html import escape
from django.utils.safestring import mark_safe
from wagtail.models import Page

from .synonyms import variants
from .text import query_terms

MAX_QUERY_LENGTH = 80
MAX_RESULTS = 50
PER_PAGE = 10


def clean_query(raw):
    """Collapse whitespace and cap the length of whatever was typed."""
    return " ".join((raw or "").split())[:MAX_QUERY_LENGTH]


def highlight_words(query):
    words = set()
    for term in query_terms(query):
        words.update(variants(term))
    return sorted(words, key=len, reverse=True)


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


def _matches(page, words):
    title = page.title.lower()
    return any(word.lower() in title for word in words)


def search_pages(query, locale, page_number=None):
    """A page of results for the query, pages in one locale, best first.

    All words must match; when that finds nothing, any word may. Pages whose title
    contains a query word come before pages that only match in the text.
    """
    if not query:
        return None
    pages = Page.objects.live().public().filter(locale=locale)
    found = list(pages.search(query, operator="and")[:MAX_RESULTS])
    if not found:
        found = list(pages.search(query, operator="or")[:MAX_RESULTS])
    specific = {
        page.pk: page for page in Page.objects.filter(pk__in=[p.pk for p in found]).specific()
    }
    words = highlight_words(query)
    ranked = [specific[p.pk] for p in found if p.pk in specific]
    ranked.sort(key=lambda page: not _matches(page, words))  # stable: keeps relevance order
    paginator = Paginator(ranked, PER_PAGE)
    try:
        result_page = paginator.page(page_number or 1)
    except (PageNotAnInteger, EmptyPage):
        result_page = paginator.page(1)
    for page in result_page.object_list:
        page.title_html = highlight(page.title, words)
        page.summary_html = highlight(
            getattr(page, "listing_text", "") or page.search_description, words
        )
    return result_page
