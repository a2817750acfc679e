"""What a raw render of each busy page costs in SQL queries, pinned.

A raw render is what a visitor gets when the page cache has no entry for the page (a
booking changed the sessions on the home page, say) and no fragment is cached: the
whole template runs. What stays is the data that only changes with content, kept under
the content generation: the route from URL to page and the site's shell (menu, site
settings, footer links, site, locale). These counts are the budget of issue #18
(≤ 12 queries); a change that adds a query per row, or reads the same thing twice,
fails here with the queries listed.
"""

import io
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Locale, Site

from education.selectors import text_cards
from media.reach import selectors
from media.reach.models import CampaignPage

pytestmark = pytest.mark.django_db

#: (url, queries on a raw render once the route and the shell are known)
RAW_RENDERS = {
    "guide": ("/safety-guides/e-bike-charging/", 6),
    # Its figures are kept as data under the reach generation (9 queries after a change).
    "campaign": ("/campaigns/100-day-campaign/", 0),
    "search": ("/search/?q=" + quote("电动车"), 2),
    "home": ("/", 3),
    "home in English": ("/en/", 5),
    "news": ("/news/winter-e-bike-charging/", 0),
    "404": ("/no-such-page/", 2),
}


@pytest.fixture(scope="module")
def whole_demo(django_db_setup, django_db_blocker):
    """Every app's demo content, as ``manage.py demo`` loads it, once for the module."""
    from tests.education.factories import ensure_tree_roots

    with django_db_blocker.unblock(), transaction.atomic():
        ensure_tree_roots()
        call_command("demo", "--no-admin", stdout=io.StringIO())
        call_command("update_index", verbosity=0, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("name", list(RAW_RENDERS))
def test_a_raw_render_costs_its_pinned_queries(
    client, whole_demo, settings, django_assert_num_queries, name
):
    settings.FRAGMENT_CACHE_SECONDS = 0
    settings.PAGE_CACHE_SECONDS = 0
    url, expected = RAW_RENDERS[name]
    first = client.get(url)  # finds the route and the shell, and keeps them
    with django_assert_num_queries(expected):
        second = client.get(url)
    assert second.status_code == first.status_code
    assert second.content == first.content


def test_the_campaign_page_adds_up_what_separate_reads_add_up(whole_demo):
    """The page reads its tallies once (figures, people and channels from the same rows);
    the figures are those the dashboard's separate reads give."""
    campaign = CampaignPage.objects.get(slug="100-day-campaign", locale=Locale.get_default())
    report = selectors.campaign_report(campaign, public=True)
    qs = selectors.tallies(campaign=campaign, public=True)
    separate = selectors.totals_by_metric(qs, selectors.campaign_targets(campaign))
    assert report["figures"] and report["figures"] == separate
    assert report["people"] == selectors.people_reached(qs)
    channels = [b for b in selectors.breakdown(qs, "channel") if len(b["rows"]) > 1]
    assert report["channels"] == channels


def test_the_home_sections_are_cards_read_in_one_query(whole_demo, django_assert_num_queries):
    """The sections of the home page come back in one query whatever the number of page
    types, each with what its card shows as Wagtail's ``.specific()`` gives it: the
    title, the address and the listing text (none for a page type without one)."""
    home = Site.objects.get(is_default_site=True).root_page
    children = home.get_children().live().in_menu()
    expected = list(children.specific())
    assert len({type(page) for page in expected}) > 1
    assert any(not hasattr(page, "listing_text") for page in expected)
    assert any(getattr(page, "listing_text", "") for page in expected)
    with django_assert_num_queries(1):
        found = text_cards(children)
    cards = [(p.pk, p.title, p.url, p.alias_of_id, getattr(p, "listing_text", None)) for p in found]
    assert cards == [
        (p.pk, p.title, p.url, p.alias_of_id, getattr(p, "listing_text", None)) for p in expected
    ]
