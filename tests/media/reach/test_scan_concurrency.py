"""Scans counted exactly under concurrency, on every counters' cache.

Many threads scan at once, each phone three times at the same instant, so that the
"seen within 30 minutes" mark and the counter are raced for. Exactly one scan per
phone must count: none lost, none twice. On the file cache (the counters' cache of an
install without Redis) a mark that is checked, then written, lets a phone in twice;
on Redis, a scan must count even while this process rests the page cache after a
failure, and a reply lost on the way back must neither lose the scan nor count it
twice.
"""

import os
import threading

import pytest
from django.test import RequestFactory, override_settings
from django.utils import timezone

from core import cache as cache_guard
from core import ratelimit
from media.reach import scans

from .factories import material

pytestmark = pytest.mark.django_db
THREADS = 12
PHONES = 60
REPEATS = 3
PHONE = "Mozilla/5.0 (Linux; Android 14) Mobile MicroMessenger/8.0.50 NetType/WIFI phone/"
redis_only = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")


def counted(item):
    key = scans.counter_key(item.pk, timezone.localdate())
    return ratelimit.counters([key]).get(key, 0)


def storm(item):
    """Every phone scans REPEATS times, its scans spread over threads that start together."""
    factory = RequestFactory()
    jobs = [phone for phone in range(PHONES) for _ in range(REPEATS)]
    start = threading.Barrier(THREADS)
    errors = []

    def scan(share):
        start.wait()
        try:
            for phone in share:
                request = factory.get(
                    f"/q/{item.code}/", HTTP_USER_AGENT=f"{PHONE}{phone}", REMOTE_ADDR="10.0.0.9"
                )
                scans.count_scan(request, item)
        except Exception as error:  # noqa: BLE001 - reported by the assert below
            errors.append(error)

    threads = [threading.Thread(target=scan, args=(jobs[i::THREADS],)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors


@pytest.fixture
def file_counters(tmp_path):
    counters = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(tmp_path / "ratelimit"),
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
    with override_settings(CACHES={**_settings_caches(), "ratelimit": counters}):
        scans._salts.clear()
        yield
    scans._salts.clear()


def _settings_caches():
    from django.conf import settings

    return settings.CACHES


def test_each_phone_counts_once_under_concurrent_scans(home):
    item = material(home)
    storm(item)
    assert counted(item) == PHONES


def test_each_phone_counts_once_on_the_file_cache(home, file_counters):
    item = material(home)
    storm(item)
    assert counted(item) == PHONES


@redis_only
def test_scans_count_while_the_page_cache_rests_after_a_failure(home):
    """A slow page-cache read elsewhere in the process starts a rest (core/cache.py);
    the scans answered meanwhile must still count."""
    item = material(home)
    scans._salt(timezone.localdate())
    cache_guard.failed("get", TimeoutError("a page read past its timeout"))
    try:
        storm(item)
    finally:
        cache_guard.reset()
    assert counted(item) == PHONES


@redis_only
def test_a_lost_reply_neither_loses_the_scan_nor_counts_it_twice(home, monkeypatch):
    """The counting round trip reaches Redis but its reply does not come back in time:
    the retry must find the scan counted, not count it again (and not give up)."""
    from redis.client import Redis
    from redis.exceptions import TimeoutError as RedisTimeout

    item = material(home)
    scans._salt(timezone.localdate())
    real = Redis.execute_command
    lost = {"replies": 0}

    def lose_first_reply(self, *args, **options):
        result = real(self, *args, **options)
        if args[0] in ("EVALSHA", "EVAL") and not lost["replies"]:
            lost["replies"] += 1
            raise RedisTimeout("reply lost")
        return result

    monkeypatch.setattr(Redis, "execute_command", lose_first_reply)
    factory = RequestFactory()
    request = factory.get(f"/q/{item.code}/", HTTP_USER_AGENT=f"{PHONE}1", REMOTE_ADDR="10.0.0.9")
    scans.count_scan(request, item)
    assert lost["replies"] == 1
    assert counted(item) == 1
