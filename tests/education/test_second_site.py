"""A second department on the same install: its own Wagtail site, settings, place tree,
pages, campaign, centre and sessions. Nothing of one site shows on the other's pages
(education/geography.py holds the rule)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Locale, Page, Site

from education.geography import districts_of, site_of_page
from education.i18n import sync_translation_aliases
from education.models import (
    ExperienceCenterIndexPage,
    ExperienceCenterPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    Place,
    SafetyGuideIndexPage,
    SafetyGuidePage,
    SiteSettings,
    ThemeParkPage,
)
from events.models import Event
from media.reach import services
from media.reach.models import CampaignIndexPage, CampaignPage, Metric
from tests.education.factories import add_page, district
from tests.events.factories import EventFactory, SessionFactory
from tests.media.reach.factories import channel, metric

pytestmark = pytest.mark.django_db

SECOND_HOST = "second.example.cn"
BODY = [{"type": "text", "value": "<p>不要在楼道里给电动车充电。</p>"}]


def _department(home, mark, place, figure):
    """One department's pages and data, each named with ``mark``."""
    today = timezone.localdate()
    add_page(home, ThemeParkPage, title=f"{mark}主题公园", slug="theme-park")
    centres = add_page(home, ExperienceCenterIndexPage, title="体验室", slug="experience-centers")
    add_page(
        centres,
        ExperienceCenterPage,
        title=f"{mark}体验室",
        slug="room",
        host=f"{mark}商场",
        address=f"{mark}路1号",
        district=place,
        status="open",
    )
    guides = add_page(home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
    add_page(guides, SafetyGuidePage, title=f"{mark}电动车充电指南", slug="e-bike", body=BODY)
    news = add_page(home, NewsIndexPage, title="新闻", slug="news")
    add_page(news, NewsPage, title=f"{mark}新闻", slug="news-1", body=BODY)
    campaigns = add_page(home, CampaignIndexPage, title="宣传活动", slug="campaigns")
    campaign = add_page(
        campaigns,
        CampaignPage,
        title=f"{mark}百日行动",
        slug="campaign",
        theme="消防安全",
        start_date=today - timedelta(days=20),
        end_date=today + timedelta(days=20),
    )
    home.featured_page = campaign
    home.save_revision().publish()
    plays = metric("screen-plays", Metric.Unit.PLAYS)
    services.record_tally(
        metric=plays,
        channel=channel(plays, "bus"),
        place=place,
        day=today - timedelta(days=5),
        count=figure,
        campaign=campaign,
    )
    services.approve_period(
        start=today - timedelta(days=20), end=today - timedelta(days=3), campaign=campaign
    )
    event = EventFactory(
        title=f"{mark}营期",
        kind=Event.Kind.GUIDED_TOUR,
        page=ThemeParkPage.objects.get(title=f"{mark}主题公园"),
    )
    session = SessionFactory(
        event=event,
        venue=f"{mark}教育馆",
        starts_at=timezone.now() + timedelta(days=5),
    )
    return {"campaign": campaign, "session": session}


@pytest.fixture
def two_sites(home, settings):
    """The default site (江阴, made by ``home``) and a second department at its own host."""
    first = _department(home, "甲站", district(), 1111)
    root = Page.get_first_root_node()
    second_home = HomePage(
        title="首页", slug="second-home", hero_title="乙站消防", locale=Locale.get_default()
    )
    root.add_child(instance=second_home)
    second_home.save_revision().publish()
    site = Site.objects.create(hostname=SECOND_HOST, port=80, root_page=second_home)
    city = Place.objects.create(name="宜兴市", kind=Place.Kind.CITY)
    town = Place.objects.create(name="宜城街道", kind=Place.Kind.TOWN, parent=city)
    second_settings = SiteSettings.for_site(site)
    second_settings.city = city
    second_settings.department_name = "宜兴市消防救援大队"
    second_settings.save()
    second = _department(second_home, "乙站", town, 2222)
    sync_translation_aliases()
    return {"first": first, "second": second, "site": site}


def _get(client, path, host=None, **params):
    response = client.get(path, params, HTTP_HOST=host or "testserver")
    assert response.status_code == 200, (path, host, response.status_code)
    return response.content.decode()


def _only(html, mine, theirs, where):
    assert mine in html, f"{where}: {mine} missing"
    assert theirs not in html, f"{where}: {theirs} leaked"


PUBLIC_PAGES = [
    ("/", "home: featured campaign, reach figures, upcoming sessions, guides, news"),
    ("/experience-centers/", "centre index"),
    ("/campaigns/campaign/", "campaign page"),
    ("/booking/", "booking list"),
    ("/booking/calendar/", "booking calendar"),
    ("/news/rss/", "news feed"),
    ("/en/", "English home"),
]


@pytest.mark.parametrize(("path", "what"), PUBLIC_PAGES)
def test_each_site_shows_only_its_own_department(client, two_sites, path, what):
    first = _get(client, path)
    second = _get(client, path, SECOND_HOST)
    _only(first, "甲站", "乙站", f"site 1 {what}")
    _only(second, "乙站", "甲站", f"site 2 {what}")
    assert "江阴" not in second, f"site 2 {what} names the first department's city"


def test_home_shows_each_sites_figures_sessions_and_guides(client, two_sites):
    first, second = _get(client, "/"), _get(client, "/", SECOND_HOST)
    for html, mine, theirs in ((first, "1,111", "2,222"), (second, "2,222", "1,111")):
        _only(html, mine, theirs, "reach figures")
    for html, mark in ((first, "甲站"), (second, "乙站")):
        assert f"{mark}营期" in html and f"{mark}电动车充电指南" in html
        assert f"{mark}百日行动" in html


def test_campaign_pages_show_their_own_figures(client, two_sites):
    _only(_get(client, "/campaigns/campaign/"), "1,111", "2,222", "site 1 campaign")
    _only(_get(client, "/campaigns/campaign/", SECOND_HOST), "2,222", "1,111", "site 2 campaign")


def test_centre_filter_lists_the_sites_own_districts(client, two_sites):
    first = _get(client, "/experience-centers/")
    second = _get(client, "/experience-centers/", SECOND_HOST)
    _only(first, "澄江街道", "宜城街道", "site 1 district filter")
    _only(second, "宜城街道", "澄江街道", "site 2 district filter")
    town = Place.objects.get(name="宜城街道")
    assert list(districts_of(two_sites["site"])) == [town]
    # The other site's district is no choice here: a clear 400, not its centres.
    response = client.get(
        "/experience-centers/", {"district": district().pk}, HTTP_HOST=SECOND_HOST
    )
    assert response.status_code == 400
    html = _get(client, "/experience-centers/", SECOND_HOST, district=town.pk)
    assert "乙站体验室" in html


def test_search_finds_only_the_sites_pages(client, two_sites):
    first = _get(client, "/search/", q="电动车")
    second = _get(client, "/search/", SECOND_HOST, q="电动车")
    _only(first, "甲站", "乙站", "site 1 search")
    _only(second, "乙站", "甲站", "site 2 search")


def test_sitemaps_list_only_the_sites_own_pages(client, two_sites):
    first = _get(client, "/sitemap.xml")
    second = _get(client, "/sitemap.xml", SECOND_HOST)
    _only(first, "http://testserver/campaigns/campaign/", SECOND_HOST, "site 1 sitemap")
    _only(second, f"http://{SECOND_HOST}/campaigns/campaign/", "testserver", "site 2 sitemap")


def test_a_session_of_one_site_cannot_be_booked_through_the_other(client, two_sites):
    session = two_sites["first"]["session"]
    assert client.get(f"/booking/session/{session.pk}/", HTTP_HOST=SECOND_HOST).status_code == 404
    assert client.get(f"/booking/session/{session.pk}/").status_code == 200


def test_derived_attendance_is_counted_in_the_events_own_site(two_sites):
    from media.reach.models import Tally
    from media.reach.services import derive_attendance_tallies
    from tests.events.factories import BookingFactory

    today = timezone.localdate()
    for key in ("first", "second"):
        session = two_sites[key]["session"]
        session.starts_at = timezone.now() - timedelta(days=1)
        session.ends_at = session.starts_at + timedelta(hours=2)
        session.save()
        BookingFactory(session=session, status="attended", attended_count=7)
    from events.selectors import attendance_for_reach

    rows = attendance_for_reach()
    assert len(rows) == 2, rows
    assert derive_attendance_tallies()["created"] == 4  # persons and sessions, each site
    site = two_sites["site"]
    for key in ("first", "second"):
        tally = Tally.objects.get(
            metric__code="attendance", place__name=two_sites[key]["session"].venue
        )
        # The campaign running that day on the event's own site, not the other's.
        assert tally.campaign_id == two_sites[key]["campaign"].pk
        assert tally.period_start == today - timedelta(days=1)
    second_venue = Place.objects.get(name="乙站教育馆")
    assert second_venue.parent == SiteSettings.for_site(site).city


def test_settings_name_each_sites_city(two_sites):
    site = two_sites["site"]
    assert services.city(site).name == "宜兴市"
    assert services.city().name == "江阴市"
    assert site_of_page(two_sites["second"]["campaign"]) == site


def test_each_host_is_matched_once_per_content_generation(client, two_sites):
    """A booking POST or the booking list asks for the request's site: each process
    keeps the answer per host while the content generation stands, so the second
    request of a host asks the database nothing about sites, and a site saved later is
    matched afresh at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def site_queries(host):
        with CaptureQueriesContext(connection) as queries:
            _get(client, "/booking/", host)
        return [q["sql"] for q in queries if "wagtailcore_site" in q["sql"]]

    assert site_queries(SECOND_HOST), "the first request of a host matches it"
    assert site_queries(SECOND_HOST) == []
    _only(_get(client, "/booking/", SECOND_HOST), "乙站", "甲站", "site 2, matched once")
    _only(_get(client, "/booking/"), "甲站", "乙站", "site 1 beside it")
    # The second department moves to another host: the old one now falls to the default
    # site (the first department), at once.
    site = two_sites["site"]
    site.hostname = "other.example.cn"
    site.save()
    _only(_get(client, "/booking/", SECOND_HOST), "甲站", "乙站", "the old host after the move")
    _only(_get(client, "/booking/", "other.example.cn"), "乙站", "甲站", "the new host")
