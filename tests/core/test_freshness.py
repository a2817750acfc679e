"""Cached fragments and routes: reused while nothing changes, never once something has."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from education.models import ExperienceCenterIndexPage, SafetyGuideIndexPage, SafetyGuidePage
from tests.education.factories import add_page, district

pytestmark = pytest.mark.django_db

GUIDE_BODY = [("paragraph", "<p>充电时人要在场，充满即拔。</p>")]


@pytest.fixture
def guide(home):
    index = add_page(home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
    return add_page(index, SafetyGuidePage, title="电动车安全充电", slug="e-bike", body=GUIDE_BODY)


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, len(captured)


def test_a_warm_page_is_served_without_a_query(client, guide):
    client.get(guide.url)  # the first request renders and caches route and fragments
    response, count = queries(client, guide.url)
    assert response.status_code == 200
    assert "电动车安全充电" in response.content.decode()
    assert count == 0


def test_publishing_shows_on_the_next_request(client, guide):
    client.get(guide.url)
    guide.title = "电动自行车安全充电"
    guide.save_revision().publish()
    html = client.get(guide.url).content.decode()
    assert "电动自行车安全充电" in html
    assert "<title>电动自行车安全充电" in html


def test_fragments_are_off_when_the_setting_is_zero(client, guide, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    client.get(guide.url)
    assert queries(client, guide.url)[1] > 0


def test_an_unpublished_page_is_gone_at_once(client, guide):
    assert client.get(guide.url).status_code == 200
    guide.unpublish()
    assert client.get(guide.url).status_code == 404


def test_a_moved_page_answers_at_its_new_address_and_the_old_one_redirects(client, home, guide):
    old_url = guide.url
    client.get(old_url)
    other = add_page(home, SafetyGuideIndexPage, title="更多指南", slug="more-guides")
    guide.move(other, pos="last-child")
    guide.refresh_from_db()
    moved = client.get(old_url)  # Wagtail made a redirect; the cached route is not served
    assert moved.status_code == 301
    assert moved["Location"] == guide.url
    assert client.get(guide.url).status_code == 200


def test_a_new_view_restriction_applies_to_a_cached_route(client, guide):
    assert client.get(guide.url).status_code == 200
    PageViewRestriction.objects.create(page=guide, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(guide.url)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_restricted_page_is_checked_on_every_request(client, guide):
    PageViewRestriction.objects.create(page=guide, restriction_type=PageViewRestriction.LOGIN)
    for _ in range(2):
        assert client.get(guide.url).status_code == 302


def test_a_preview_never_shows_or_stores_a_cached_fragment(client, guide):
    client.get(guide.url)  # the published page's fragments are in the cache
    guide.title = "草稿标题"
    preview = guide.make_preview_request()  # what the editor's preview panel does
    preview.render()
    assert "草稿标题</h1>" in preview.content.decode()  # the body, not only <title>
    assert "草稿标题" not in client.get(guide.url).content.decode()


def test_listing_filters_are_cached_apart_and_bad_filters_not_at_all(client, home):
    from education.models import ExperienceCenterPage

    index = add_page(home, ExperienceCenterIndexPage, title="体验室", slug="experience-centers")
    for title, status in (("红星美凯龙体验室", "open"), ("万达广场体验室", "building")):
        add_page(
            index,
            ExperienceCenterPage,
            title=title,
            slug=title,
            status=status,
            district=district(),
            host="商场",
            address="江阴",
        )
    open_only = client.get(index.url, {"status": "open"}).content.decode()
    building = client.get(index.url, {"status": "building"}).content.decode()
    assert "红星美凯龙体验室" in open_only and "万达广场体验室" not in open_only
    assert "万达广场体验室" in building and "红星美凯龙体验室" not in building
    assert client.get(index.url, {"status": "<script>"}).status_code == 400
    assert client.get(index.url, {"status": "nonsense"}).status_code == 400


def test_the_404_page_offers_each_languages_home(client, home):
    for path in ("/no-such-page/", "/en/another-missing-page/"):
        response = client.get(path)
        assert response.status_code == 404
        html = response.content.decode()
        assert 'href="/en/"' in html or 'aria-current="true" lang="en"' in html
        assert "no-such-page" not in html.split("lang-switch", 1)[1].split("</ul>", 1)[0]


def test_a_change_starts_a_new_generation_again_when_it_commits(
    django_capture_on_commit_callbacks,
):
    from core import freshness

    before = freshness.generation()
    with django_capture_on_commit_callbacks(execute=True):
        freshness.bump()
        during = freshness.generation()  # pages rendered now still see the old rows
    after = freshness.generation()
    assert all(b < d < a for b, d, a in zip(before, during, after, strict=True))


def test_a_lost_generation_restarts_above_every_earlier_one():
    from django.core.cache import cache

    from core import freshness

    for _ in range(3):
        freshness.bump("content")
    (before,) = freshness.generation(("content",))
    cache.clear()  # the cache was flushed
    assert freshness.generation(("content",)) > (before,)
    cache.delete(freshness._key("content"))  # evicted alone: the next change restarts it
    freshness.bump("content")
    assert freshness.generation(("content",)) > (before,)


def test_a_change_in_another_process_is_seen_at_the_next_read():
    from django.core.cache import cache

    from core import freshness

    (before,) = freshness.generation(("bookings",))
    assert freshness.generation(("bookings",)) == (before,)  # read from this process's copy
    # Another web process bumps: the shared counters move, this process's copy does not.
    cache.incr(freshness._key("bookings"))
    cache.incr(freshness.ANY_CHANGE)
    assert freshness.generation(("bookings",)) == (before + 1,)


def test_a_booking_keeps_guides_and_routes_but_refreshes_places_left(client, home, guide):
    from events.models import Booking
    from tests.events.factories import BookingFactory, SessionFactory

    session = SessionFactory(capacity=60)
    BookingFactory(session=session, party_size=10)
    client.get(guide.url)
    client.get("/")
    assert queries(client, guide.url)[1] == 0
    BookingFactory(session=session, party_size=20, status=Booking.Status.CONFIRMED)
    assert queries(client, guide.url)[1] == 0  # nothing a guide shows has changed
    assert queries(client, "/")[1] > 0  # the home page's fragment shows places left


def test_search_results_follow_the_index_not_the_publish(client, guide):
    from wagtail.search.backends import get_search_backend

    def found():
        html = client.get("/search/", {"q": "灭火毯"}).content.decode()
        return f'href="{guide.url}"' in html

    assert not found()
    guide.title = "灭火毯怎么用"
    guide.save_revision().publish()
    found()  # rendered before the worker indexed the page (tests run tasks on commit)
    get_search_backend().add(guide)  # what the worker's index task does
    assert found()


def test_a_fragment_names_only_known_scopes():
    from django.template import Template, TemplateSyntaxError

    Template('{% load site_tags %}{% fragment "x" on content bookings %}{% endfragment %}')
    with pytest.raises(TemplateSyntaxError):
        Template('{% load site_tags %}{% fragment "x" on places %}{% endfragment %}')


def _commit_bumps():
    from core import freshness

    return [
        hook for _, hook, _ in connection.run_on_commit if isinstance(hook, freshness._CommitBump)
    ]


def test_many_changes_in_one_transaction_bump_once_now_and_once_at_commit(monkeypatch):
    from django.db import transaction

    from core import freshness

    bumped = []
    monkeypatch.setattr(freshness, "_next_generation", bumped.append)
    with transaction.atomic():
        for _ in range(50):  # a bulk delete sends a signal per row
            freshness.bump("reach")
        # Django's hooks as freshness reads them: (savepoint ids, callable, robust).
        assert [hook.scope for hook in _commit_bumps()] == ["reach"]
        assert bumped == ["reach"]
        freshness.generation()  # something rendered in between: it must go stale again
        freshness.bump("reach")
        assert bumped == ["reach", "reach"]
        assert len(_commit_bumps()) == 1


def test_a_rolled_back_savepoint_takes_its_bump_with_it(django_capture_on_commit_callbacks):
    from django.db import transaction

    from core import freshness

    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                freshness.bump("contest")
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        assert _commit_bumps() == []
        freshness.bump("contest")  # the change that did happen still bumps at commit
    assert [hook.scope for hook in callbacks] == ["contest"]


def test_each_model_changes_only_the_scopes_its_app_declares():
    from core import freshness
    from tests.events.factories import BookingFactory, SessionFactory

    session = SessionFactory(capacity=60)
    scopes = ("content", "sessions", "bookings", "contest", "reach")
    before = dict(zip(scopes, freshness.generation(scopes), strict=True))
    BookingFactory(session=session, party_size=2)
    after = dict(zip(scopes, freshness.generation(scopes), strict=True))
    assert [scope for scope in scopes if after[scope] != before[scope]] == ["bookings"]
    session.venue = "新的地点"
    session.save()
    again = dict(zip(scopes, freshness.generation(scopes), strict=True))
    assert [scope for scope in scopes if again[scope] != after[scope]] == ["sessions", "bookings"]


def test_a_page_type_names_only_known_scopes(rf):
    from core import freshness

    with pytest.raises(ValueError):
        freshness.shows(rf.get("/"), ("content", "places"))
    with pytest.raises(ValueError):
        freshness.showing("weather")


def test_indexing_leaves_routes_and_the_shell_cached_and_refreshes_search(client, guide):
    from wagtail.search.backends import get_search_backend

    from core import freshness

    client.get(guide.url)
    client.get("/search/", {"q": "充电"})
    before = dict(zip(freshness.SCOPES, freshness.generation(), strict=True))
    get_search_backend().add(guide)  # what the worker's index task does after a publish
    after = dict(zip(freshness.SCOPES, freshness.generation(), strict=True))
    assert [scope for scope in freshness.SCOPES if after[scope] != before[scope]] == ["search"]
    assert queries(client, guide.url)[1] == 0  # route, shell and fragments still cached
    assert queries(client, "/search/?q=充电")[1] > 0  # the results are read again


def test_a_change_made_here_is_seen_here_at_once(rf, settings):
    from core import freshness

    settings.PAGE_CACHE_RECHECK_SECONDS = 60
    freshness.generation()  # the first read after the flush starts the counters
    assert not freshness.recent(rf.get("/"))
    freshness.generation()
    assert freshness.recent(rf.get("/"))
    freshness.bump("bookings")
    assert not freshness.recent(rf.get("/"))  # ask the shared cache again
    freshness.generation()
    request = rf.get("/")
    assert freshness.recent(request)
    assert freshness.generation_for(request) == freshness.generation()


def test_a_read_overlapping_a_change_made_here_is_not_recent(rf, settings, monkeypatch):
    from django.core.cache import cache

    from core import freshness

    settings.PAGE_CACHE_RECHECK_SECONDS = 60
    freshness.generation()
    freshness.generation()
    assert freshness.recent(rf.get("/"))
    get_many = cache.get_many

    def read_then_another_thread_changes(keys, *args, **kwargs):
        found = get_many(keys, *args, **kwargs)
        freshness._next_generation("content")  # lands after the read, before it is kept
        return found

    monkeypatch.setattr(cache, "get_many", read_then_another_thread_changes)
    freshness.generation()
    monkeypatch.undo()
    assert not freshness.recent(rf.get("/"))


def test_generations_read_here_are_reused_only_within_the_bound(rf, settings, monkeypatch):
    from core import freshness

    settings.PAGE_CACHE_RECHECK_SECONDS = 1
    freshness.generation()
    freshness.generation()
    assert freshness.recent(rf.get("/"))
    later = freshness.time.monotonic() + 1
    monkeypatch.setattr(freshness.time, "monotonic", lambda: later)
    assert not freshness.recent(rf.get("/"))
    settings.PAGE_CACHE_RECHECK_SECONDS = 0
    monkeypatch.undo()
    freshness.generation()
    assert not freshness.recent(rf.get("/"))


def test_kept_data_is_computed_once_per_generation_of_its_scopes():
    """``kept`` computes a value once (None included) until its scopes change; a change
    of another scope leaves it."""
    from core import freshness

    computed = []

    def compute():
        computed.append(1)
        return None

    for _ in range(2):
        assert freshness.kept(None, "test", ("content",), compute) is None
    assert len(computed) == 1
    freshness.bump("bookings")
    freshness.kept(None, "test", ("content",), compute)
    assert len(computed) == 1
    freshness.bump("content")
    freshness.kept(None, "test", ("content",), compute)
    assert len(computed) == 2


def test_a_preview_neither_reads_nor_keeps_kept_data(rf):
    """A preview shows a draft under the live page's name: what it computes is its own."""
    from core import freshness

    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    preview = rf.get("/")
    preview.is_preview = True
    assert freshness.kept(None, "test", ("content",), compute) == 1
    assert freshness.kept(preview, "test", ("content",), compute) == 2
    assert freshness.kept(None, "test", ("content",), compute) == 1
    preview = rf.get("/")
    preview.is_preview = True
    freshness.kept(preview, "other", ("content",), compute)
    assert freshness.kept(None, "other", ("content",), compute) == 4
