"""Fixed-window rate limits and lockouts on the shared cache: the one counter helper.

Usage: ``verdict = hit(f"booking:ip:{client_ip(request)}", limit, 3600)``; refuse when
``not verdict.allowed`` and tell the client ``verdict.retry_after`` seconds.

Why it holds exactly on every backend:

- A window is fixed to the clock (``now // window``) and its number is part of the key,
  so an expiry can never carry a count from one window into the next, and a counter is
  written with the time left in its window (plus a grace), never a backend's default.
- Redis, locmem and memcached increment atomically and keep a key's expiry, so a
  counter is ``add(key, 0)`` then ``incr(key)``: whoever loses the ``add`` increments.
- The file cache (and any other backend) reads and rewrites a value: the counter is
  read and written under an exclusive ``flock``, which serialises threads and processes
  on the machine that shares the cache folder.

Counters live in their own cache alias, ``ratelimit``, so a page-cache flush or cull
never resets them. When the cache is down or slow, a check never raises: it answers
"allowed" and logs a warning (fail open). Every rule these limits guard is also held
by the database (booking capacity, idempotency); the README says so.
"""

import fcntl
import hashlib
import logging
import math
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.memcached import BaseMemcachedCache
from django.core.cache.backends.redis import RedisCache

from core.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)

CACHE_ALIAS = "ratelimit"
# A counter outlives its window a little, so that a key is never found missing by an
# ``incr`` that raced its window's last instant.
GRACE_SECONDS = 60
ATOMIC_BACKENDS = (LocMemCache, RedisCache, BaseMemcachedCache)

_thread_lock = threading.Lock()


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check: allowed or not, the count so far, and the wait."""

    allowed: bool
    count: int
    retry_after: int  # seconds until the window (or lockout) ends; 0 when allowed


def _cache():
    return caches[CACHE_ALIAS]


def _digest(key):
    # Keys carry what anyone typed (a username, a phone number): hash them into a safe,
    # fixed-length cache key that stores none of it.
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _window(window_seconds, now):
    number = int(now // window_seconds)
    ends_at = (number + 1) * window_seconds
    return number, ends_at


@contextmanager
def _exclusive(cache):
    """Serialise read-and-rewrite counters across threads and processes."""
    location = settings.CACHES[CACHE_ALIAS].get("LOCATION")
    folder = location if isinstance(cache, FileBasedCache) else tempfile.gettempdir()
    path = Path(folder) / "ratelimit.lock"
    with _thread_lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _increment(cache, key, timeout):
    if isinstance(cache, ATOMIC_BACKENDS):
        cache.add(key, 0, timeout)
        try:
            return cache.incr(key)
        except ValueError:  # gone between add and incr: only possible after the grace
            cache.add(key, 1, timeout)
            return 1
    with _exclusive(cache):
        count = (cache.get(key) or 0) + 1
        cache.set(key, count, timeout)
        return count


def hit(key, limit, window_seconds):
    """Count one attempt for ``key``; refused once more than ``limit`` fall in the window."""
    now = time.time()
    number, ends_at = _window(window_seconds, now)
    wait = max(1, math.ceil(ends_at - now))
    try:
        count = _increment(
            _cache(), f"ratelimit:{_digest(key)}:{window_seconds}:{number}", wait + GRACE_SECONDS
        )
    except Exception:
        logger.warning("Rate limit %r not checked: the cache is unavailable", key, exc_info=True)
        return Verdict(allowed=True, count=0, retry_after=0)
    allowed = count <= limit
    return Verdict(allowed=allowed, count=count, retry_after=0 if allowed else wait)


def lock_out(key, seconds):
    """Lock ``key`` for ``seconds`` from now; a lockout already running is not extended."""
    until = time.time() + seconds
    try:
        _cache().add(f"lockout:{_digest(key)}", until, seconds + GRACE_SECONDS)
    except Exception:
        logger.warning("Lockout %r not recorded: the cache is unavailable", key, exc_info=True)


def locked_for(key):
    """Seconds left of ``key``'s lockout; 0 when it is not locked (or the cache is down)."""
    try:
        until = _cache().get(f"lockout:{_digest(key)}")
    except Exception:
        logger.warning("Lockout %r not checked: the cache is unavailable", key, exc_info=True)
        return 0
    # The deadline is in the value: a backend that keeps the key longer changes nothing.
    return max(0, math.ceil(until - time.time())) if until else 0


def reset(key, window_seconds):
    """Forget the current window's count of ``key`` (a successful login)."""
    number, _ends_at = _window(window_seconds, time.time())
    try:
        _cache().delete(f"ratelimit:{_digest(key)}:{window_seconds}:{number}")
    except Exception:
        logger.warning("Rate limit %r not reset: the cache is unavailable", key, exc_info=True)


# Plain counters in the same alias, for callers that count something other than
# attempts (QR scans): no window, the caller's key (which must hold nothing personal)
# says what is counted and is read back by name.

#: Mark once, and count only what was marked: one atomic step on the Redis server.
#: KEYS: the mark, the counter; ARGV: their lifetimes in seconds.
_COUNT_ONCE = """
if redis.call('SET', KEYS[1], 1, 'NX', 'EX', ARGV[1]) then
  local value = redis.call('INCR', KEYS[2])
  redis.call('EXPIRE', KEYS[2], ARGV[2])
  return value
end
return 0
"""


def _redis_count_once(cache, mark, key, mark_timeout, timeout):
    """The script, tried twice: it is idempotent (a second try finds the first one's
    mark), so a try whose reply was lost on a loaded machine is repeated safely, and the
    wait stays bounded by two socket timeouts of the counters' alias. Uses Django's
    private Redis client, ``cache._cache``, so that the page cache's rest after a failure
    (``core/cache.py``) never stops a count; tests/core/test_counters.py fails if Django
    renames it."""
    keys = [cache.make_and_validate_key(mark), cache.make_and_validate_key(key)]
    client = cache._cache.get_client(keys[1], write=True)
    script = client.register_script(_COUNT_ONCE)
    arguments = [int(mark_timeout), int(timeout)]
    try:
        return int(script(keys=keys, args=arguments, client=client))
    except CACHE_ERRORS as error:
        logger.info("Counting step tried again after %s: %s", type(error).__name__, error)
        return int(script(keys=keys, args=arguments, client=client))


_mark_caches = {}


def _marks():
    """The file cache's marks, in a folder of their own inside the counters' folder.

    A file cache culls a random third of its files once it holds ``MAX_ENTRIES``, and
    expired files go only then: with one mark per phone beside the counters, a busy
    campaign would cull counters. Culled marks only forget a phone early."""
    location = Path(settings.CACHES[CACHE_ALIAS]["LOCATION"]) / "marks"
    if location not in _mark_caches:
        _mark_caches[location] = FileBasedCache(
            location, {"OPTIONS": settings.CACHES[CACHE_ALIAS].get("OPTIONS", {})}
        )
    return _mark_caches[location]


def _file_count_once(cache, mark, key, mark_timeout, timeout):
    marks = _marks()
    with _exclusive(cache):
        if marks.get(mark) is not None:
            return 0
        # The counter first: a failure in between can count a phone once more, never
        # mark a scan that was not counted.
        value = (cache.get(key) or 0) + 1
        cache.set(key, value, timeout)
        marks.set(mark, 1, mark_timeout)
        return value


def count_once(mark, mark_timeout, key, timeout):
    """Count one on counter ``key`` (kept ``timeout`` seconds) unless ``mark`` was set in
    the last ``mark_timeout`` seconds, and set it: mark and count together or not at
    all, on every backend. Returns the counter's new value, 0 when ``mark`` was already
    set, or None while the cache is unavailable (never raises: whoever counts decides
    what a lost count means)."""
    mark = f"once:{_digest(mark)}"
    try:
        cache = _cache()
        if isinstance(cache, RedisCache):
            return _redis_count_once(cache, mark, key, mark_timeout, timeout)
        if isinstance(cache, ATOMIC_BACKENDS):
            # ``add`` is atomic here; only memcached can fail between the two steps
            # (that one scan is then marked but not counted).
            return _increment(cache, key, timeout) if cache.add(mark, 1, mark_timeout) else 0
        return _file_count_once(cache, mark, key, mark_timeout, timeout)
    except Exception as error:
        # One line, no traceback: during an outage every scan comes here.
        logger.warning(
            "Count not kept: the cache is unavailable (%s: %s)", type(error).__name__, error
        )
        return None


def shared_value(key, make, timeout):
    """The value under ``key``, or ``make()`` stored there first by whoever comes first;
    None while the cache is unavailable. On the file cache, whose ``add`` checks and then
    writes, under the file lock: two processes must never keep two values (two salts
    would count one phone twice)."""
    try:
        cache = _cache()
        if isinstance(cache, ATOMIC_BACKENDS):
            cache.add(key, make(), timeout)
            return cache.get(key)
        with _exclusive(cache):
            value = cache.get(key)
            if value is None:
                value = make()
                cache.set(key, value, timeout)
            return value
    except Exception:
        logger.warning("Shared value %r not read: the cache is unavailable", key, exc_info=True)
        return None


def counters(keys):
    """{key: value} of the counters found (all missing while the cache is unavailable)."""
    try:
        return _cache().get_many(keys)
    except Exception:
        logger.warning("Counters not read: the cache is unavailable", exc_info=True)
        return {}
