"""When may something rendered for the public be reused? One rule for every cache.

Whatever changes what a public page may show bumps a *generation* number in the shared
cache, so the next request after a change renders afresh, in every web process. There
is one generation per scope of change, so that a booking does not throw away every
guide and route:

- ``content``: pages published, unpublished, moved or deleted, sites, view
  restrictions, the site settings, search synonyms;
- ``bookings``: events, sessions, bookings (places left);
- ``contest``: entries moderated, results published;
- ``reach``: tallies approved (campaign figures).

A cached thing is keyed by the scopes it shows (all of them unless it says otherwise):
the page cache by all, routes and the shell by ``content``, each ``{% fragment %}`` by
the scopes it names. ``release()`` names the static files of this deploy, so that
nothing rendered by the last deploy (naming last deploy's hashed CSS) is served by this
one.

The cache is an accelerator, never a dependency (``core/cache.py``). While it cannot be
read, a request gets a generation no cached entry has, so nothing is reused and
nothing it stores is ever found again. A bump that fails is logged and otherwise
harmless: what was cached under the old generation is served at most until it
expires (``PAGE_CACHE_SECONDS``, ``FRAGMENT_CACHE_SECONDS``), and nothing cached is a
source of truth (a booking is always checked in the database).
"""

import functools
import hashlib
import time
from pathlib import Path
from uuid import uuid4

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from core import cache as cache_guard

SCOPES = ("content", "bookings", "contest", "reach")


def _key(scope):
    return f"public:generation:{scope}"


def _fresh_start():
    # If a counter is lost (evicted, cache flushed), it restarts above any value it
    # had: the clock in microseconds, which outruns any count of changes (each change
    # adds one or two, and takes far longer than a microsecond).
    return time.time_ns() // 1_000


def _read_all():
    """Every scope's generation; while the cache fails, one that matches nothing cached."""
    if cache_guard.available():
        keys = [_key(scope) for scope in SCOPES]
        found = cache.get_many(keys)
        for key in set(keys) - found.keys():
            cache.add(key, _fresh_start(), None)
            found[key] = cache.get(key, 0)
        # A failing cache answers as an empty one (core/cache.py) and starts a rest.
        if cache_guard.available():
            return {scope: found[_key(scope)] for scope in SCOPES}
    unshared = f"uncached-{uuid4().hex}"
    return dict.fromkeys(SCOPES, unshared)


def generation(scopes=SCOPES):
    """The current generation of the given scopes: one cache read."""
    current = _read_all()
    return tuple(current[scope] for scope in scopes)


def generation_for(request, scopes=SCOPES):
    """The generation, read once per request so every part of a page agrees."""
    if request is None:
        return generation(scopes)
    current = getattr(request, "_public_generations", None)
    if current is None:
        current = request._public_generations = _read_all()
    return tuple(current[scope] for scope in scopes)


def token(request, scopes=SCOPES):
    """The generation as a cache-key part (dots, no spaces)."""
    return ".".join(str(value) for value in generation_for(request, scopes))


def bump(*scopes):
    """Start a new generation of the scopes (all when none is named).

    Once now, and once more when the transaction commits: a page rendered in between
    read the rows as they were before the commit, so its generation must not last.
    """
    for scope in scopes or SCOPES:
        if scope not in SCOPES:
            raise ValueError(f"Unknown scope of change: {scope}")
        _next_generation(scope)
        transaction.on_commit(functools.partial(_next_generation, scope))


def _next_generation(scope):
    # Tried even while this process rests a failing cache: a bump that gets through
    # shortens how long anything stale is served.
    try:
        try:
            cache.incr(_key(scope))
        except ValueError:  # not there (yet, or evicted): a fresh start is a new generation
            cache.add(_key(scope), _fresh_start(), None)
    except cache_guard.CACHE_ERRORS as error:
        # Logged once per outage, not once per change; cached copies expire on their own.
        cache_guard.failed(f"new {scope} generation", error)


# Signal receivers (module-level: signals keep weak references). Reach figures change
# through ``public_content_changed`` (scope "reach"), sent by media/reach/signals.py.
def content_changed(**kwargs):
    bump("content")


def bookings_changed(**kwargs):
    bump("bookings")


def contest_changed(**kwargs):
    bump("contest")


def anything_changed(scope=None, **kwargs):
    """For ``public_content_changed``: the scope it names, or all of them."""
    bump(*([scope] if scope else []))


@functools.cache
def release():
    """A short hash of this deploy's static manifest ("-" where there is none)."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    try:
        return hashlib.sha256(manifest.read_bytes()).hexdigest()[:12]
    except OSError:
        return "-"
