"""Scanning a QR code: the redirect, what counts as a person, dedup, no personal data."""

import pytest
from django.core.cache import caches

from media.reach import scans

from .factories import material

pytestmark = pytest.mark.django_db
PHONE = (
    "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/116.0 Mobile Safari/537.36 MicroMessenger/8.0.50 NetType/WIFI "
    "Language/zh_CN"
)


def scan(client, code, agent=PHONE, address="10.1.2.3", **headers):
    return client.get(f"/q/{code}/", HTTP_USER_AGENT=agent, REMOTE_ADDR=address, **headers)


def counted(item, day=None):
    from django.utils import timezone

    key = scans.counter_key(item.pk, day or timezone.localdate())
    return caches["ratelimit"].get(key, 0)


def test_a_scan_redirects_to_the_target_with_campaign_parameters(client, home):
    item = material(home)
    response = scan(client, item.code)
    assert response.status_code == 302
    assert response["Location"].startswith(home.get_url())
    assert f"utm_content={item.code}" in response["Location"]
    assert "utm_medium=leaflet" in response["Location"]
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert counted(item) == 1


def test_one_phone_twice_within_30_minutes_counts_once_two_phones_twice(client, home):
    item = material(home)
    scan(client, item.code)
    scan(client, item.code)
    scan(client, item.code, address="10.9.9.9")
    assert counted(item) == 2


@pytest.mark.parametrize(
    ("agent", "headers"),
    [
        ("Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)", {}),
        ("facebookexternalhit/1.1", {}),
        ("WhatsApp/2.23.20.0", {}),
        ("TelegramBot (like TwitterBot)", {}),
        ("Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile MicroMessenger/8.0.50", {}),
        ("curl/8.5.0", {}),
        ("", {}),
        (PHONE, {"HTTP_SEC_PURPOSE": "prefetch;prerender"}),
        (PHONE, {"HTTP_PURPOSE": "prefetch"}),
        (PHONE, {"HTTP_SEC_FETCH_MODE": "no-cors"}),
    ],
    ids=[
        "baidu",
        "facebook",
        "whatsapp",
        "telegram",
        "wechat-preview",
        "curl",
        "no-agent",
        "sec-purpose",
        "purpose",
        "subresource",
    ],
)
def test_bots_previews_and_prefetches_are_redirected_but_not_counted(client, home, agent, headers):
    item = material(home)
    response = scan(client, item.code, agent=agent, **headers)
    assert response.status_code == 302
    assert counted(item) == 0


def test_head_is_answered_but_not_counted(client, home):
    item = material(home)
    response = client.head(f"/q/{item.code}/", HTTP_USER_AGENT=PHONE)
    assert response.status_code == 302
    assert counted(item) == 0


@pytest.mark.parametrize(
    "code",
    ["zzzzzz", "ABCDEFGHJKLMNPQRSTUVWXYZ234567", "<script>", "a' OR 1=1", "x" * 300, "%E4%BD%A0"],
)
def test_unknown_or_hostile_codes_land_on_the_friendly_page(client, home, code):
    response = client.get(f"/q/{code}/?utm_source=<b>&x=' OR 1=1", HTTP_USER_AGENT=PHONE)
    assert response.status_code == 404
    html = response.content.decode()
    assert "这个二维码无法识别" in html and "We do not know this code" in html
    assert "<script>" not in html.split("<main")[1]
    assert not response.cookies


def test_a_null_character_is_refused_with_a_4xx(client, home):
    response = client.get("/q/%00/?x=%00", HTTP_USER_AGENT=PHONE)
    assert 400 <= response.status_code < 500


def test_a_retired_code_says_so_and_leads_to_the_campaign(client, home):
    from .factories import campaign

    page = campaign(home)
    item = material(home, campaign_page=page, retired=True)
    response = scan(client, item.code)
    assert response.status_code == 410
    assert page.get_url() in response.content.decode()
    assert counted(item) == 0


def test_posting_to_a_code_is_refused(client, home):
    item = material(home)
    response = client.post(f"/q/{item.code}/", HTTP_USER_AGENT=PHONE)
    assert response.status_code in (403, 405)
    assert counted(item) == 0


def test_a_cache_outage_still_redirects_at_once(client, home, monkeypatch):
    item = material(home)

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(caches["ratelimit"], "add", down)
    monkeypatch.setattr(caches["ratelimit"], "get", down)
    monkeypatch.setattr(caches["ratelimit"], "incr", down)
    scans._salts.clear()
    response = scan(client, item.code)
    assert response.status_code == 302


def held_in_cache(alias):
    """Every key and value of a cache, locmem in memory or Redis (values as pickled bytes)."""
    backend = caches[alias]._cache
    if hasattr(backend, "items"):
        return repr(list(backend.items()))
    redis = backend.get_client()
    return repr([(key, redis.get(key)) for key in redis.scan_iter()])


def test_nothing_about_the_phone_is_stored_or_logged(client, home, caplog):
    """Neither the address nor the user agent reach the database, the cache keys or
    values, or a log line at INFO and above."""
    import logging

    from django.db import connection

    from media.reach import services

    item = material(home)
    caplog.set_level(logging.INFO)
    address, agent = "203.0.113.77", PHONE + " UniqueAgentMarker"
    scan(client, item.code, agent=agent, address=address)
    services.fold_scans()
    stored = held_in_cache("ratelimit") + held_in_cache("default")
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        dump = []
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            dump.append(repr(cursor.fetchall()))
    everything = stored + "".join(dump) + caplog.text
    for secret in (address, "UniqueAgentMarker", "V2309A"):
        assert secret not in everything
    assert counted(item) == 1
