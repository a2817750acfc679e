"""The Redis cache keeps one redis-py client per connection pool (``core/cache.py``).

It relies on private names of Django's Redis backend: ``RedisCache._class`` (the client
class ``_cache`` builds), ``RedisCacheClient._get_connection_pool`` and ``_client``.
These tests fail if Django renames any of them, instead of the cache silently falling
back to a new client per call (correct, but a page-cache hit then costs ~2× the floor).
"""

from django.core.cache.backends import redis as django_redis

from core.cache import RedisCache, RedisCacheClient


def _cache():
    # Building the client and its pools opens no connection.
    return RedisCache("redis://127.0.0.1:6379/0", {"OPTIONS": {"socket_timeout": 1}})


def test_djangos_backend_builds_our_client():
    assert issubclass(RedisCacheClient, django_redis.RedisCacheClient)
    assert type(_cache()._cache) is RedisCacheClient


def test_one_redis_client_per_pool_reused_by_every_call():
    client = _cache()._cache
    first = client.get_client("key")
    assert client.get_client("other", write=True) is first
    assert first.connection_pool is client._get_connection_pool(True)
    assert isinstance(first, client._client)


def test_each_cache_has_its_own_clients():
    assert _cache()._cache.get_client() is not _cache()._cache.get_client()
