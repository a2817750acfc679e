"""The query set, run against the demo content (Chinese) and English pages made here."""

import json

import pytest
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

from education.models import HomePage, StandardPage
from education.search.results import search_pages
from tests.education.factories import make_site
from tests.education.search_metrics import judge, mean_measures
from tests.education.search_queries import (
    ALL_QUERIES,
    COMPOUND,
    ENGLISH,
    ENGLISH_PAGES,
    PINYIN,
    TRADITIONAL,
    relevant,
)

pytestmark = pytest.mark.django_db


def misses(queries, locale):
    missed = []
    for query, grades in queries:
        results = search_pages(query, locale, 1)
        top = [page.slug for page in [*results.promoted, *results.object_list][:5]]
        if not relevant(grades) & set(top):
            missed.append((query, top))
    return missed


def test_the_query_set_covers_each_kind_of_writing():
    assert len(ALL_QUERIES) + len(ENGLISH) >= 150
    assert len(COMPOUND) >= 40
    assert all(" " not in query for query, _ in COMPOUND)
    assert len(TRADITIONAL) >= 20
    assert len(PINYIN) >= 10
    assert len(ENGLISH) >= 20


def test_every_chinese_query_finds_its_page_in_the_top_five(demo_site):
    missed = misses(ALL_QUERIES, Locale.get_default())
    assert 1 - len(missed) / len(ALL_QUERIES) >= 0.98, missed


def test_every_judged_page_is_in_the_demo(demo_site):
    slugs = set(Page.objects.live().values_list("slug", flat=True))
    judged = {slug for _, grades in ALL_QUERIES for slug in grades}
    assert judged - slugs == set()


def test_the_graded_ranking_puts_the_answers_first(demo_site):
    judged = []
    for query, grades in ALL_QUERIES:
        results = search_pages(query, Locale.get_default(), 1)
        judged.append(judge([page.slug for page in results.object_list], grades))
    assert mean_measures(judged)["nDCG@10"] >= 0.9


def test_every_english_query_finds_its_page_in_the_top_five():
    make_site()
    english = Locale.objects.get(language_code="en")
    home = HomePage.objects.get(locale=english)
    made = []
    for slug, title, text in ENGLISH_PAGES:
        body = json.dumps([{"type": "text", "value": f"<p>{text}</p>"}])
        page = StandardPage(title=title, slug=slug, body=body, locale=english)
        home.add_child(instance=page)
        made.append(page)
    get_search_backend().add_bulk(StandardPage, made)
    missed = misses(ENGLISH, english)
    assert 1 - len(missed) / len(ENGLISH) >= 0.98, missed
