"""The Redis cache reuses its redis-py client instead of building one per call.

It relies on private names of Django's Redis backend: ``RedisCache._class`` (the client
class ``_cache`` builds) and ``RedisCacheClient._get_connection_pool``. These tests fail
if Django renames them, instead of the cache silently falling back to a new client per
call (correct, but a page-cache hit then costs about twice the floor).
"""

import os
import uuid

import pytest
from django.core.cache.backends import redis as django_redis

from core.cache import RedisCache, RedisCacheClient

pytest.importorskip("redis")


def cache():
    # No server needed: clients and pools connect only when a command is sent.
    return RedisCache("redis://127.0.0.1:1/0", {})


def test_djangos_backend_builds_our_client():
    assert issubclass(RedisCacheClient, django_redis.RedisCacheClient)
    assert type(cache()._cache) is RedisCacheClient


def test_each_cache_has_its_own_clients():
    assert cache()._cache.get_client() is not cache()._cache.get_client()


def test_one_client_per_pool_for_every_call():
    client = cache()._cache
    assert isinstance(client, django_redis.RedisCacheClient)
    assert client.get_client("a") is client.get_client("b")
    assert client.get_client("a", write=True) is client.get_client("b", write=True)


def test_django_still_builds_a_client_per_call_and_names_the_pool_as_expected():
    """Pins what the reuse relies on: once Django keeps its client, drop ours."""
    plain = django_redis.RedisCacheClient(["redis://127.0.0.1:1/0"])
    assert plain.get_client("a") is not plain.get_client("a")
    assert plain._get_connection_pool(False) is plain._get_connection_pool(False)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis server (REDIS_URL)")
def test_incr_counts_in_one_round_trip_and_refuses_a_missing_key():
    shared = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": f"test-incr-{uuid.uuid4().hex}"})
    try:
        with pytest.raises(ValueError):
            shared.incr("counter")
        assert shared.get("counter") is None  # not created by the refused increment
        shared.set("counter", 5)
        assert shared.incr("counter") == 6
        assert shared.incr("counter", 10) == 16
        assert shared.decr("counter", 6) == 10
        assert shared.get("counter") == 10
    finally:
        shared.delete("counter")
