"""The Redis cache reuses its redis-py client instead of building one per call."""

import pytest
from django.core.cache.backends import redis as django_redis

from core.cache import RedisCache

pytest.importorskip("redis")


def cache():
    # No server needed: clients and pools connect only when a command is sent.
    return RedisCache("redis://127.0.0.1:1/0", {})


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
