"""Fixed windows hold exactly on locmem, the file cache and (when configured) Redis."""

import logging
import threading
import time

import pytest
from django.core.cache import caches
from django.test import override_settings

from core import ratelimit

LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl-test"}


def file_cache(tmp_path):
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(tmp_path / "ratelimit"),
    }


def redis_cache():
    import os

    url = os.environ.get("REDIS_URL")
    if not url:
        return None
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}


def backends(tmp_path):
    found = {"locmem": LOCMEM, "file": file_cache(tmp_path)}
    if redis_cache():
        found["redis"] = redis_cache()
    return found


@pytest.fixture(params=["locmem", "file", "redis"])
def backend(request, tmp_path, settings):
    """Run the test with the rate-limit alias on each backend (Redis when REDIS_URL is set)."""
    config = backends(tmp_path).get(request.param)
    if config is None:
        pytest.skip("REDIS_URL is not set; the PostgreSQL + Redis run covers Redis")
    settings.CACHES = {**settings.CACHES, ratelimit.CACHE_ALIAS: config}
    caches[ratelimit.CACHE_ALIAS].clear()
    yield request.param
    caches[ratelimit.CACHE_ALIAS].clear()


@pytest.fixture
def clock(monkeypatch):
    """Simulated time for this module and every cache backend (they all read time.time)."""
    now = [1_800_000_000.0 - 1_800_000_000.0 % 3600]  # the start of an hour

    def fake_time():
        return now[0]

    monkeypatch.setattr(time, "time", fake_time)
    return now


def test_the_limit_refuses_the_attempt_after_it(backend):
    verdicts = [ratelimit.hit("test:key", 3, 60) for _ in range(5)]
    assert [v.allowed for v in verdicts] == [True, True, True, False, False]
    assert ratelimit.hit("test:other", 3, 60).allowed


def test_an_hour_long_window_still_holds_after_five_minutes(backend, clock):
    for _ in range(5):
        assert ratelimit.hit("booking:phone:13812345678", 5, 3600).allowed
    clock[0] += 6 * 60  # past any backend's default timeout (300 s)
    refused = ratelimit.hit("booking:phone:13812345678", 5, 3600)
    assert not refused.allowed
    assert refused.retry_after == 3600 - 6 * 60
    clock[0] += 3600 - 6 * 60  # the next window
    assert ratelimit.hit("booking:phone:13812345678", 5, 3600).allowed


def test_a_lockout_lasts_its_whole_time_and_is_not_extended(backend, clock):
    ratelimit.lock_out("login:user:editor", 900)
    clock[0] += 6 * 60
    assert ratelimit.locked_for("login:user:editor") == 900 - 6 * 60
    ratelimit.lock_out("login:user:editor", 900)  # a later failure does not extend it
    clock[0] += 900 - 6 * 60 - 1
    assert ratelimit.locked_for("login:user:editor") == 1
    clock[0] += 1
    assert ratelimit.locked_for("login:user:editor") == 0


def test_twenty_concurrent_replays_let_exactly_five_through(backend):
    start = threading.Barrier(20)
    results = []

    def attempt():
        start.wait()
        results.append(ratelimit.hit("booking:phone:13900000000", 5, 3600).allowed)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 20
    assert results.count(True) == 5


class BrokenCache:
    """A cache backend whose every call fails, as an unreachable Redis does."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache unreachable")

        return fail


def test_a_cache_that_is_down_lets_requests_through_and_logs_it(monkeypatch, caplog):
    monkeypatch.setattr(ratelimit, "_cache", BrokenCache)
    with caplog.at_level(logging.WARNING, logger="core.ratelimit"):
        assert all(ratelimit.hit("booking:ip:198.51.100.7", 1, 3600).allowed for _ in range(3))
        ratelimit.lock_out("login:user:editor", 900)
        assert ratelimit.locked_for("login:user:editor") == 0
        ratelimit.reset("login:user:editor", 900)
    assert "cache is unavailable" in caplog.text


@override_settings(
    CACHES={
        "default": LOCMEM,
        ratelimit.CACHE_ALIAS: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens on port 1: the connection is refused at once.
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
)
def test_an_unreachable_redis_does_not_raise():
    assert ratelimit.hit("booking:ip:198.51.100.7", 1, 3600).allowed
    assert ratelimit.locked_for("login:user:editor") == 0
