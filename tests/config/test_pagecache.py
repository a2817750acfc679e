import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60
    # Each change below is made in this process: it shows at once however long the
    # process may answer from the generations it read last.
    settings.PAGE_CACHE_RECHECK_SECONDS = 60


def test_anonymous_page_is_served_from_the_cache_the_second_time(client, home):
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    # Each language and display mode is its own entry.
    assert client.get("/en/")["X-Page-Cache"] == "miss"
    client.cookies["firebreak_display"] = "large"
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert 'class="display-large"' in response.content.decode()


def test_publishing_a_page_invalidates_the_cache(client, home):
    client.get("/")
    home.hero_title = "新的标题"
    home.save_revision().publish()
    response = client.get("/")
    assert response["X-Page-Cache"] == "stale"
    assert "新的标题" in response.content.decode()


def test_site_settings_change_invalidates_the_cache(client, home):
    from education.models import SiteSettings

    client.get("/")
    site_settings = SiteSettings.objects.get()
    site_settings.service_hotline = "0510-0000 1234"
    site_settings.save()
    assert "0510-0000 1234" in client.get("/").content.decode()


def test_logged_in_visitors_and_admin_are_never_cached(client, home, django_user_model):
    user = django_user_model.objects.create_user("staff", password="pw-12345678", is_staff=True)
    client.force_login(user)
    assert "X-Page-Cache" not in client.get("/")
    assert "X-Page-Cache" not in client.get("/admin/login/")


def test_404_is_cached_but_never_a_redirect_or_error(client, home):
    assert client.get("/nope/")["X-Page-Cache"] == "miss"
    assert client.get("/nope/")["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in client.get("/display/?mode=large")


def _places_part(response, session):
    html = response.content.decode()
    return html.split(f"<!--live:places:{session.pk}-->", 1)[1].split("<!--/live-->", 1)[0]


def test_a_booking_refreshes_the_places_left_part_not_the_page(client, home):
    from events import services
    from tests.events.factories import SessionFactory, booking_data

    session = SessionFactory(capacity=60)
    assert "60 places left" in _places_part(client.get("/en/booking/"), session)
    zh = client.get("/booking/")
    assert "60" in _places_part(zh, session)
    assert client.get("/booking/")["X-Page-Cache"] == "hit"
    services.create_booking(session.pk, data=booking_data(party_size=25))
    again = client.get("/booking/")
    assert again["X-Page-Cache"] == "hit"  # the page is kept: only the part is new
    assert "35" in _places_part(again, session) and "60" not in _places_part(again, session)
    # Everything but the part is the same page (a bare replace of "35" would also touch
    # a start time at :35).
    marker = f"<!--live:places:{session.pk}-->"
    assert again.content.decode().replace(_places_part(again, session), "") == (
        zh.content.decode().replace(_places_part(zh, session), "")
    )
    assert marker in again.content.decode()
    english = client.get("/en/booking/")
    assert english["X-Page-Cache"] == "hit" and english["Content-Language"] == "en"
    assert "35 places left" in _places_part(english, session)


def test_a_full_session_loses_its_booking_link_on_the_cached_page(client, home):
    from events import services
    from tests.events.factories import SessionFactory, booking_data

    session = SessionFactory(capacity=10, event__waitlist_enabled=False)
    client.get("/booking/")
    book = f'href="/booking/session/{session.pk}/"'
    assert book in client.get("/booking/").content.decode()
    services.create_booking(session.pk, data=booking_data(party_size=10))
    response = client.get("/booking/")
    assert response["X-Page-Cache"] == "hit"
    assert book not in response.content.decode()


def test_a_new_session_renders_the_list_afresh(client, home):
    from tests.events.factories import SessionFactory

    client.get("/booking/")
    assert client.get("/booking/")["X-Page-Cache"] == "hit"
    session = SessionFactory(capacity=40)
    response = client.get("/booking/")
    assert response["X-Page-Cache"] == "stale"
    assert f"/booking/session/{session.pk}/" in response.content.decode()


def test_publishing_contest_results_invalidates_the_cache(client, home):
    from media.contest import services
    from tests.media.contest.factories import make_contest

    contest = make_contest(home, status="judging")
    client.get(contest.url)
    assert client.get(contest.url)["X-Page-Cache"] == "hit"
    services.publish_results(contest)
    assert client.get(contest.url)["X-Page-Cache"] == "stale"


def test_new_approved_figures_show_on_the_cached_home_page(
    client, home, django_capture_on_commit_callbacks
):
    from datetime import date

    from media.reach import services
    from tests.media.reach.factories import campaign as make_campaign
    from tests.media.reach.factories import channel, metric, place

    campaign = make_campaign(home)
    plays = metric("plays", unit="plays")
    where = place("澄江街道")
    services.record_tally(
        metric=plays,
        channel=channel(plays, "bus"),
        place=where,
        day=date(2020, 8, 1),
        count=1200,
        campaign=campaign,
    )
    services.approve_period(start=date(2020, 7, 15), end=date(2020, 8, 31), campaign=campaign)
    assert "1,200" in client.get("/").content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        services.record_tally(
            metric=plays,
            channel=channel(plays, "bus"),
            place=where,
            day=date(2020, 9, 1),
            count=300,
            campaign=campaign,
        )
        services.approve_period(start=date(2020, 9, 1), end=date(2020, 9, 30), campaign=campaign)
    response = client.get("/")
    assert response["X-Page-Cache"] == "stale"
    assert "1,500" in response.content.decode()


def test_a_new_deploy_never_serves_pages_naming_the_old_static_files(client, home, monkeypatch):
    from core import freshness

    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    monkeypatch.setattr(freshness, "release", lambda: "next-deploy")
    assert client.get("/")["X-Page-Cache"] == "miss"


def test_indexing_and_synonyms_refresh_search_and_leave_every_other_page_cached(client, home):
    """The worker indexes each object after a publish (an image, a document, every page
    of a new site): that is the search page's business, not the guides' or the news'."""
    from wagtail.search.backends import get_search_backend

    from education.models import (
        NewsIndexPage,
        NewsPage,
        SafetyGuideIndexPage,
        SafetyGuidePage,
        SearchSynonym,
    )
    from tests.education.factories import add_page

    guides = add_page(home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
    guide = add_page(guides, SafetyGuidePage, title="电动车安全充电", slug="e-bike")
    news_index = add_page(home, NewsIndexPage, title="新闻", slug="news")
    news = add_page(news_index, NewsPage, title="冬季电动车充电提示", slug="winter", body=[])
    pages = (guide.url, news.url, "/", "/no-such-page/")
    for url in (*pages, "/search/?q=电动车"):
        client.get(url)
    for change in (
        lambda: get_search_backend().add(guide),
        lambda: SearchSynonym.objects.create(terms="电动车, 电瓶车"),
    ):
        change()
        for url in pages:
            assert client.get(url)["X-Page-Cache"] == "hit", url
        assert client.get("/search/?q=电动车")["X-Page-Cache"] == "stale"


def test_an_image_changed_or_deleted_shows_on_cached_pages_at_once(client, home):
    """Images change without any page being published: an editor replaces a picture's
    file or deletes it. Cached pages holding its renditions' addresses follow at once,
    and showing a picture changes nothing (the page stays cached)."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    from education.models import SafetyGuideIndexPage, SafetyGuidePage
    from tests.education.factories import add_page

    def jpeg(colour):
        buffer = io.BytesIO()
        PILImage.new("RGB", (1600, 900), colour).save(buffer, "JPEG")
        return ContentFile(buffer.getvalue(), name="drill.jpg")

    image = get_image_model().objects.create(title="演练", file=jpeg((200, 30, 30)))
    index = add_page(home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
    add_page(index, SafetyGuidePage, title="电动车安全充电", slug="e-bike", share_image=image)
    first = client.get("/safety-guides/e-bike/")
    assert "<picture>" in first.content.decode()
    assert client.get("/safety-guides/e-bike/")["X-Page-Cache"] == "hit"

    image.file = jpeg((30, 30, 200))  # the editor uploads a new file for the image
    image.save()
    replaced = client.get("/safety-guides/e-bike/")
    assert replaced["X-Page-Cache"] == "stale"
    assert "<picture>" in replaced.content.decode()
    assert client.get("/safety-guides/e-bike/")["X-Page-Cache"] == "hit"

    image.delete()
    gone = client.get("/safety-guides/e-bike/")
    assert gone["X-Page-Cache"] == "stale"
    assert "<picture>" not in gone.content.decode()


def test_a_leaflet_renamed_or_deleted_shows_on_cached_pages_at_once(client, home):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from education.models import SafetyGuideIndexPage, SafetyGuidePage
    from tests.education.factories import add_page

    leaflet = get_document_model().objects.create(
        title="电动车充电须知", file=ContentFile(b"%PDF-1.4\n", name="charging.pdf")
    )
    index = add_page(home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
    body = [{"type": "leaflet", "value": {"document": leaflet.pk, "title": ""}}]
    add_page(index, SafetyGuidePage, title="电动车安全充电", slug="e-bike", body=body)
    assert "电动车充电须知" in client.get("/safety-guides/e-bike/").content.decode()
    assert client.get("/safety-guides/e-bike/")["X-Page-Cache"] == "hit"

    leaflet.title = "电动车充电须知（2026年版）"
    leaflet.save()
    renamed = client.get("/safety-guides/e-bike/")
    assert renamed["X-Page-Cache"] == "stale"
    assert "电动车充电须知（2026年版）" in renamed.content.decode()

    leaflet.delete()  # the block stays in the page's body; its link goes, not a dead button
    gone = client.get("/safety-guides/e-bike/").content.decode()
    assert "电动车充电须知" not in gone and 'class="leaflet"' not in gone


def test_a_guide_topic_renamed_shows_on_cached_guide_pages_at_once(client, home):
    """Topics and audiences are edited as snippets, with no page published."""
    from education.models import GuideAudience, GuideTopic, SafetyGuideIndexPage, SafetyGuidePage
    from tests.education.factories import add_page

    topic = GuideTopic.objects.create(name="电动车", slug="e-bike")
    audience = GuideAudience.objects.create(name="老人", slug="elderly")
    index = add_page(home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
    guide = add_page(index, SafetyGuidePage, title="电动车安全充电", slug="e-bike")
    guide.topics = [topic]
    guide.audiences = [audience]
    guide.save_revision().publish()
    client.get("/safety-guides/e-bike/")
    assert client.get("/safety-guides/e-bike/")["X-Page-Cache"] == "hit"

    topic.name = "电动自行车"
    topic.save()
    audience.name = "老年人"
    audience.save()
    html = client.get("/safety-guides/e-bike/").content.decode()
    assert '<span class="badge">电动自行车</span>' in html
    assert '<span class="badge ok">老年人</span>' in html


def test_a_redirect_added_for_a_cached_missing_page_takes_effect_at_once(client, home):
    """A 404 is cached like a page; an editor's redirect for that path must not wait
    for the cached "not found" to expire."""
    from wagtail.contrib.redirects.models import Redirect

    from education.models import StandardPage
    from tests.education.factories import add_page

    page = add_page(home, StandardPage, title="关于我们", slug="about")
    assert client.get("/old-about/").status_code == 404
    assert client.get("/old-about/")["X-Page-Cache"] == "hit"

    Redirect.objects.create(old_path="/old-about", redirect_page=page)
    response = client.get("/old-about/")
    assert response.status_code in (301, 302)
    assert response["Location"].endswith("/about/")
