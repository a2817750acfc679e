"""The redirect's fast path: answered before the middleware it does not need, its
code → target lookup cached under the freshness generations and never stale."""

import pytest
from django.core.cache import cache

from media.reach import views

from .factories import campaign, material
from .test_scans import PHONE, counted, scan

pytestmark = pytest.mark.django_db


def test_a_scan_is_answered_before_the_session_locale_and_csrf_middleware(client, home):
    item = material(home)
    response = scan(client, item.code)
    assert response.status_code == 302
    assert counted(item) == 1
    # Those middleware leave their marks on every response they see: the language and
    # a Vary on it (locale), the CSP header. A scan's redirect has none of them.
    assert "Content-Language" not in response
    assert "Accept-Language" not in response.get("Vary", "")
    assert "Content-Security-Policy" not in response
    assert not response.cookies
    assert "max-age=0" in response["Cache-Control"]
    assert response.wsgi_request.resolver_match.url_name == "reach_scan"


def test_the_friendly_page_still_gets_the_whole_chain(client, home):
    response = client.get("/q/zzzzzz/", HTTP_USER_AGENT=PHONE)
    assert response.status_code == 404
    assert response["Content-Language"]


def test_the_target_is_read_from_the_cache_after_the_first_scan(
    client, home, django_assert_num_queries
):
    item = material(home)
    scan(client, item.code)
    with django_assert_num_queries(0):
        response = scan(client, item.code, address="10.7.7.7")
    assert response.status_code == 302
    assert counted(item) == 2


def test_retiring_a_material_takes_effect_at_the_next_scan(client, home):
    item = material(home)
    assert scan(client, item.code).status_code == 302
    item.retired = True
    item.save()
    assert scan(client, item.code, address="10.7.7.7").status_code == 410
    assert counted(item) == 1


def test_unpublishing_the_target_takes_effect_at_the_next_scan(client, home):
    page = campaign(home)
    item = material(home, target=page)
    assert scan(client, item.code)["Location"].startswith(page.get_url())
    page.unpublish()
    assert scan(client, item.code, address="10.7.7.7").status_code == 410


def test_a_stale_entry_is_never_served(client, home):
    """An entry stored under an older generation is ignored, whatever it says."""
    item = material(home)
    scan(client, item.code)
    key = f"scans:target:{item.code}"
    entry = cache.get(key)
    cache.set(key, {**entry, "target": entry["target"]._replace(url="/elsewhere/")}, 60)
    assert scan(client, item.code, address="10.7.7.8")["Location"] == "/elsewhere/"
    item.label = "改了标签"
    item.save()
    assert scan(client, item.code, address="10.7.7.9")["Location"].startswith(home.get_url())


def test_a_database_error_on_the_fast_path_falls_through_to_the_view(client, home, monkeypatch):
    from django.db import OperationalError

    item = material(home)

    def broken(code):
        raise OperationalError("database is locked")

    monkeypatch.setattr(views, "_load_target", broken)
    response = scan(client, item.code)
    assert response.status_code == 503


def test_made_up_codes_are_not_kept_in_the_cache(client, home):
    for code in ("zzzzzz", "abcdefgh", "k7m2xq"):
        assert client.get(f"/q/{code}/", HTTP_USER_AGENT=PHONE).status_code == 404
        assert cache.get(f"scans:target:{code}") is None
