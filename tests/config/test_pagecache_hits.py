"""A page-cache hit: answered before the visitor's middleware, in one cache round trip
at most (none while this process's copies are current), with the headers the page was
rendered with, and only to anonymous visitors."""

import pytest
from django.conf import settings
from django.core.cache import caches

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60
    settings.PAGE_CACHE_RECHECK_SECONDS = 60


def test_the_cache_answers_after_security_and_before_the_visitor_middleware():
    order = settings.MIDDLEWARE
    at = order.index("config.pagecache.PublicPageCacheMiddleware")
    assert order.index("django.middleware.security.SecurityMiddleware") < at
    for later in (
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.middleware.csp.ContentSecurityPolicyMiddleware",
    ):
        assert at < order.index(later), later


def test_a_hit_runs_none_of_the_visitor_middleware(client, home, monkeypatch):
    from django.contrib.auth.middleware import AuthenticationMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.middleware.csp import ContentSecurityPolicyMiddleware
    from django.middleware.csrf import CsrfViewMiddleware
    from django.middleware.locale import LocaleMiddleware

    assert client.get("/")["X-Page-Cache"] == "miss"

    def must_not_run(*args, **kwargs):
        raise AssertionError("ran on a page-cache hit")

    for middleware, method in (
        (SessionMiddleware, "process_request"),
        (LocaleMiddleware, "process_request"),
        (CsrfViewMiddleware, "process_view"),
        (AuthenticationMiddleware, "process_request"),
        (ContentSecurityPolicyMiddleware, "process_response"),
    ):
        monkeypatch.setattr(middleware, method, must_not_run)
    assert client.get("/")["X-Page-Cache"] == "hit"


def _count_cache_calls(monkeypatch):
    default, calls, depth = caches["default"], [], [0]
    for name in ("get", "get_many", "set", "add", "incr", "set_many", "delete"):
        method = getattr(default, name)

        # Only the calls made from outside the backend (a backend may build get_many
        # from get, as the in-memory one does; Redis answers it in one MGET).
        def counted(*args, _name=name, _method=method, **kwargs):
            if not depth[0]:
                calls.append(_name)
            depth[0] += 1
            try:
                return _method(*args, **kwargs)
            finally:
                depth[0] -= 1

        monkeypatch.setattr(default, name, counted)
    return calls


def test_a_hit_is_one_cache_round_trip_or_none(client, home, monkeypatch, settings):
    assert client.get("/")["X-Page-Cache"] == "miss"
    calls = _count_cache_calls(monkeypatch)
    # This process keeps what it stored, and its generations are current: no round trip.
    assert client.get("/")["X-Page-Cache"] == "hit"
    assert calls == [], calls
    # Once they are not (another process's change may have moved them), one.
    settings.PAGE_CACHE_RECHECK_SECONDS = 0
    for _ in range(2):
        assert client.get("/")["X-Page-Cache"] == "hit"
    assert calls == ["get_many", "get_many"], calls


def test_a_page_another_process_stored_is_kept_here_after_its_first_hit(client, home, monkeypatch):
    from config import pagecache

    assert client.get("/")["X-Page-Cache"] == "miss"
    pagecache._pages.clear()  # as if another web process had rendered and stored it
    calls = _count_cache_calls(monkeypatch)
    for _ in range(3):
        assert client.get("/")["X-Page-Cache"] == "hit"
    assert calls == ["get_many"], calls


def test_a_change_in_another_process_shows_within_the_recheck_bound(
    client, home, monkeypatch, settings
):
    from django.core.cache import cache

    from core import freshness

    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    # Another web process publishes: the shared generations move, this process's copy not.
    cache.incr(freshness._key("content"))
    cache.incr(freshness.ANY_CHANGE)
    assert client.get("/")["X-Page-Cache"] == "hit"  # within the bound: the copy is served
    later = freshness.time.monotonic() + settings.PAGE_CACHE_RECHECK_SECONDS
    monkeypatch.setattr(freshness.time, "monotonic", lambda: later)
    assert client.get("/")["X-Page-Cache"] == "stale"


def test_a_kept_copy_expires_with_its_entry(client, home, monkeypatch, settings):
    from config import pagecache

    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    later = pagecache.time.time() + settings.PAGE_CACHE_SECONDS
    monkeypatch.setattr(pagecache.time, "time", lambda: later)
    assert client.get("/")["X-Page-Cache"] != "hit"


def test_a_cache_failure_stops_the_copies_at_once(client, home):
    from core import cache as cache_guard

    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    cache_guard.failed("get_many", OSError("connection refused"))  # another thread saw it
    try:
        assert client.get("/")["X-Page-Cache"] == "down"
    finally:
        cache_guard.reset()


def test_the_copies_stay_within_their_memory_budget(client, home, settings, monkeypatch):
    from config import pagecache

    page = len(client.get("/").content)
    settings.PAGE_CACHE_LOCAL_BYTES = page + page // 2
    for path in ("/en/", "/no-such-page/", "/en/no-such-page/", "/"):
        client.get(path)
    assert len(pagecache._pages.items) < 4
    assert 0 < pagecache._pages.used <= settings.PAGE_CACHE_LOCAL_BYTES
    settings.PAGE_CACHE_LOCAL_BYTES = 0  # keep nothing: every hit asks the shared cache
    pagecache._pages.clear()
    calls = _count_cache_calls(monkeypatch)
    for _ in range(2):
        assert client.get("/")["X-Page-Cache"] == "hit"
    assert calls == ["get_many", "get_many"], calls
    assert pagecache._pages.used == 0


def test_a_hit_carries_the_headers_of_the_page_as_rendered(client, home):
    miss = client.get("/en/")
    hit = client.get("/en/")
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    assert hit["Content-Language"] == "en"
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Vary",
        "Content-Type",
    ):
        assert hit.get(header) == miss.get(header), header
        assert header in hit, header
    assert client.get("/")["Content-Language"] == "zh-hans"


def test_only_cookie_less_visitors_are_served_from_the_cache(client, home):
    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    for cookie in (settings.SESSION_COOKIE_NAME, "messages", "wx_visitor"):
        client.cookies.clear()
        client.cookies[cookie] = "x"
        assert "X-Page-Cache" not in client.get("/"), cookie
    client.cookies.clear()
    client.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32  # says nothing about the visitor
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_staff_signed_in_never_get_a_cached_page(client, home, django_user_model):
    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    editor = django_user_model.objects.create_user("editor", password="pw-12345678")
    client.force_login(editor)
    response = client.get("/")
    assert response.status_code == 200 and "X-Page-Cache" not in response


def test_head_is_answered_from_the_cache_but_never_stored(client, home):
    assert "X-Page-Cache" not in client.head("/")
    assert client.get("/")["X-Page-Cache"] == "miss"
    response = client.head("/")
    assert response["X-Page-Cache"] == "hit"


def test_guides_stay_cached_while_bookings_land(client, home):
    from education.models import SafetyGuideIndexPage, SafetyGuidePage
    from events import services
    from tests.education.factories import add_page
    from tests.events.factories import SessionFactory, booking_data

    index = add_page(home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
    guide = add_page(index, SafetyGuidePage, title="电动车安全充电", slug="e-bike")
    session = SessionFactory(capacity=60)
    client.get(guide.url)
    client.get("/search/?q=电动车")
    client.get("/no-such-page/")
    for _ in range(3):
        services.create_booking(session.pk, data=booking_data(party_size=2))
        assert client.get(guide.url)["X-Page-Cache"] == "hit"
    assert client.get("/search/?q=电动车")["X-Page-Cache"] == "hit"
    assert client.get("/no-such-page/")["X-Page-Cache"] == "hit"


def test_a_booking_keeps_guides_and_news_cached_and_places_left_fresh(
    client, home, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """The peak: bookings land (the form's POST, its bumps now and at commit) while
    readers read. Guide and news pages are answered from their entries, not rendered
    again; the places-left figure is new on the cached booking list and the session page."""
    from django.test import Client

    from education.models import NewsIndexPage, NewsPage, SafetyGuideIndexPage, SafetyGuidePage
    from tests.education.factories import add_page
    from tests.events.factories import SessionFactory, form_data

    guides = add_page(home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
    guide = add_page(guides, SafetyGuidePage, title="电动车安全充电", slug="e-bike")
    news_index = add_page(home, NewsIndexPage, title="新闻", slug="news")
    news = add_page(news_index, NewsPage, title="冬季电动车充电提示", slug="winter", body=[])
    session = SessionFactory(capacity=60)
    for page in (guide, news):
        assert client.get(page.url)["X-Page-Cache"] == "miss"
    assert "60 places left" in client.get("/en/booking/").content.decode()
    booker = Client()  # the teacher booking, with cookies of their own
    for party in (10, 5):
        with django_capture_on_commit_callbacks(execute=True):
            answer = booker.post(
                f"/booking/session/{session.pk}/",
                form_data(party_size=str(party), idempotency_key=f"{party:032d}"),
            )
        assert answer.status_code == 302
        for page in (guide, news):
            with django_assert_num_queries(0):  # not rendered: served from its entry
                assert client.get(page.url)["X-Page-Cache"] == "hit", page.url
    listing = client.get("/en/booking/")
    assert listing["X-Page-Cache"] == "hit" and "45 places left" in listing.content.decode()
    form = client.get(f"/en/booking/session/{session.pk}/")
    assert "X-Page-Cache" not in form  # a form is never stored
    assert "45 places left" in form.content.decode()
