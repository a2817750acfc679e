"""Plain counters in the counters' cache: exact under concurrency, readable by name,
and the Redis fast path still built on what Django provides."""

import os
import threading

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from core import ratelimit


def test_counts_add_up_exactly_under_concurrent_increments():
    def hammer():
        for _ in range(50):
            ratelimit.count("scans:count:test:day", 600)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert ratelimit.counters(["scans:count:test:day"]) == {"scans:count:test:day": 400}


def test_first_time_marks_once():
    assert ratelimit.first_time("phone-hash", 60) is True
    assert ratelimit.first_time("phone-hash", 60) is False


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_the_redis_pipeline_counts_and_expires():
    cache = caches[ratelimit.CACHE_ALIAS]
    assert isinstance(cache, RedisCache)
    assert ratelimit.count("scans:count:pipeline", 120) == 1
    assert ratelimit.count("scans:count:pipeline", 120) == 2
    assert cache.get("scans:count:pipeline") == 2
    client = cache._cache.get_client(cache.make_and_validate_key("scans:count:pipeline"))
    assert 0 < client.ttl(cache.make_and_validate_key("scans:count:pipeline")) <= 120


def test_djangos_private_redis_client_is_still_there():
    """``_redis_count`` reaches Django's Redis client through ``cache._cache``: if Django
    renames it, this fails before any scan is lost."""
    from django.core.cache.backends.redis import RedisCacheClient

    assert hasattr(RedisCacheClient, "get_client")
    assert isinstance(RedisCache._cache, property) or hasattr(RedisCache, "_cache")
