"""Counters marked once, in the counters' cache: exact under concurrency, readable by
name, and the Redis fast path still built on what Django provides."""

import os
import threading

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from core import ratelimit


def test_counts_add_up_exactly_under_concurrent_marks():
    def hammer(thread):
        for n in range(50):
            ratelimit.count_once(f"phone-{thread}-{n}", 60, "scans:count:test:day", 600)

    threads = [threading.Thread(target=hammer, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert ratelimit.counters(["scans:count:test:day"]) == {"scans:count:test:day": 400}


def test_a_mark_counts_once():
    assert ratelimit.count_once("phone-hash", 60, "scans:count:once", 600) == 1
    assert ratelimit.count_once("phone-hash", 60, "scans:count:once", 600) == 0
    assert ratelimit.count_once("other-phone", 60, "scans:count:once", 600) == 2


def test_a_failing_cache_answers_none_and_never_raises(monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(ratelimit, "_cache", down)
    assert ratelimit.count_once("phone-hash", 60, "scans:count:down", 600) is None


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_the_redis_step_marks_counts_and_expires():
    cache = caches[ratelimit.CACHE_ALIAS]
    assert isinstance(cache, RedisCache)
    assert ratelimit.count_once("phone-a", 1800, "scans:count:script", 120) == 1
    assert ratelimit.count_once("phone-b", 1800, "scans:count:script", 120) == 2
    assert cache.get("scans:count:script") == 2
    client = cache._cache.get_client(cache.make_and_validate_key("scans:count:script"))
    assert 0 < client.ttl(cache.make_and_validate_key("scans:count:script")) <= 120
    mark = cache.make_and_validate_key(f"once:{ratelimit._digest('phone-a')}")
    assert 1700 < client.ttl(mark) <= 1800


def test_djangos_private_redis_client_is_still_there():
    """``_redis_count_once`` reaches Django's Redis client through ``cache._cache``: if
    Django renames it, this fails before any scan is lost."""
    from django.core.cache.backends.redis import RedisCacheClient

    assert hasattr(RedisCacheClient, "get_client")
    assert isinstance(RedisCache._cache, property) or hasattr(RedisCache, "_cache")
