"""The shared cache as an accelerator: when it fails, the site goes slower, never down.

Everything kept in the shared cache (pages, routes, fragments, the shell, Wagtail's
site root paths, the generations that key them) can be rebuilt from the database. So a
cache that is unreachable (Redis down, cut off, or slower than its socket timeout) or
unwritable (a read-only or missing file-cache folder) behaves as an empty one that
keeps nothing: reads miss, writes are dropped (``set`` does nothing, ``add`` says
False), and the failure is logged. The settings use the backends below for
``CACHES["default"]``, so every caller, Wagtail's included, gets this for free.

Counters are the exception: ``incr``/``decr`` raise the cache's error, because a count
that cannot be kept must not look like a count of zero. Whoever counts (rate limits,
login throttling, the public generations in ``core/freshness.py``) decides what
an outage means for their rule.

After a failure, this process leaves the cache alone for ``CACHE_RETRY_SECONDS`` (5 s
by default; reads miss and writes are dropped at once): a black-holed Redis would
otherwise cost every request one socket timeout per cache call.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends import filebased, redis

logger = logging.getLogger(__name__)


def _errors():
    errors = [OSError, EOFError]
    try:
        from redis.exceptions import RedisError
    except ImportError:  # no Redis client installed: only the file and memory caches
        pass
    else:
        errors.append(RedisError)
    return tuple(errors)


#: What a failing cache raises: redis-py's errors (connection refused, timeouts), and
#: the file cache's ``OSError`` (read-only, missing or full folder) or ``EOFError``
#: (a file cut short).
CACHE_ERRORS = _errors()

_lock = threading.Lock()
_resting_until = 0.0


def _retry_seconds():
    return getattr(settings, "CACHE_RETRY_SECONDS", 5)


def available():
    """False while this process leaves the cache alone after a failure."""
    return time.monotonic() >= _resting_until


def failed(operation, error):
    """Note a cache failure: log it (once per rest) and leave the cache alone a while."""
    global _resting_until
    with _lock:
        first = available()
        _resting_until = time.monotonic() + _retry_seconds()
    if first:
        logger.warning(
            "Cache unavailable (%s: %s: %s); working without it for %s s",
            operation,
            type(error).__name__,
            error,
            _retry_seconds(),
        )


def reset():
    """Forget a past failure (tests)."""
    global _resting_until
    with _lock:
        _resting_until = 0.0


def _guarded(operation, fallback):
    def method(self, *args, **kwargs):
        if not available():
            return fallback(*args, **kwargs)
        try:
            return getattr(super(AcceleratorMixin, self), operation)(*args, **kwargs)
        except CACHE_ERRORS as error:
            failed(operation, error)
            return fallback(*args, **kwargs)

    method.__name__ = operation
    return method


def _counter(operation):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(AcceleratorMixin, self), operation)(*args, **kwargs)
        except CACHE_ERRORS as error:
            failed(operation, error)
            raise

    method.__name__ = operation
    return method


def _default(key, default=None, version=None):
    return default


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _no_values(*args, **kwargs):
    return {}


def _none_stored(data, *args, **kwargs):
    return list(data)  # the keys that could not be set


class AcceleratorMixin:
    """Cache-backend methods that treat a failing cache as an empty one."""

    get = _guarded("get", _default)
    get_many = _guarded("get_many", _no_values)
    has_key = _guarded("has_key", _false)
    set = _guarded("set", _nothing)
    add = _guarded("add", _false)
    touch = _guarded("touch", _false)
    set_many = _guarded("set_many", _none_stored)
    delete = _guarded("delete", _false)
    delete_many = _guarded("delete_many", _nothing)
    clear = _guarded("clear", _false)
    incr = _counter("incr")
    decr = _counter("decr")


class RedisCacheClient(redis.RedisCacheClient):
    """Django's Redis cache client, reusing one redis-py client per connection pool.

    Django builds a new ``redis.Redis`` for every cache call, and redis-py fills a table
    of some 170 response callbacks in each: about half a millisecond of CPU per call,
    several times per request. A client holds no state of its own besides its pool and
    is safe to share between threads. ``_get_connection_pool`` is Django's (pinned by
    tests/core/test_cache.py).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients.setdefault(pool, super().get_client(key, write=write))
        return client

    def incr(self, key, delta):
        """Django's ``incr`` in one round trip, and atomic: a missing key raises
        ``ValueError`` as Django's does (it asks EXISTS, then INCRBY: two trips, and a
        key evicted in between would come back counting from ``delta``)."""
        client = self.get_client(key, write=True)
        value = client.eval(INCR_EXISTING, 1, key, delta)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value


#: INCRBY of a key that exists; nil for a missing one.
INCR_EXISTING = """
if redis.call('exists', KEYS[1]) == 1 then
    return redis.call('incrby', KEYS[1], ARGV[1])
end
return nil
"""


class RedisCache(AcceleratorMixin, redis.RedisCache):
    """Django's Redis cache, as an accelerator, with one redis-py client per pool."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


class FileBasedCache(AcceleratorMixin, filebased.FileBasedCache):
    """Django's file cache, as an accelerator: its folder may be missing or read-only."""

    def __init__(self, dir, params):
        # Django makes the folder here; a folder it cannot make fails each write instead.
        try:
            super().__init__(dir, params)
        except CACHE_ERRORS as error:
            failed("open", error)
