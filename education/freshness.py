"""When may something rendered for the public be reused? One rule for every cache.

Whatever changes what a public page may show (a page published, moved or deleted,
places taken, an entry moderated, a tally approved, the site settings) bumps one
*generation* number in the shared cache; every cached page, fragment and menu is keyed
by it, so the next request after a change renders afresh, in every web process.
``release()`` names the static files of this deploy, so that nothing rendered by the
last deploy (naming last deploy's hashed CSS) is served by this one.
"""

import functools
import hashlib
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "public:generation"


def _fresh_start():
    # If the counter is lost (evicted, cache flushed), it restarts above any value it
    # had: the clock in microseconds, which outruns any count of changes (each change
    # adds one or two, and takes far longer than a microsecond).
    return time.time_ns() // 1_000


def generation():
    """The current generation: one cache read."""
    current = cache.get(GENERATION_KEY)
    if current is None:
        cache.add(GENERATION_KEY, _fresh_start(), None)
        current = cache.get(GENERATION_KEY, 0)
    return current


def generation_for(request):
    """The generation, read once per request so every fragment of a page agrees."""
    if request is None:
        return generation()
    current = getattr(request, "_public_generation", None)
    if current is None:
        current = request._public_generation = generation()
    return current


def bump(**kwargs):
    """Start a new generation (connected to the signals of whatever public pages show).

    Once now, and once more when the transaction commits: a page rendered in between
    read the rows as they were before the commit, so its generation must not last.
    """
    _next_generation()
    transaction.on_commit(_next_generation)


def _next_generation():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there (yet, or evicted): a fresh start is a new generation
        cache.add(GENERATION_KEY, _fresh_start(), None)


@functools.cache
def release():
    """A short hash of this deploy's static manifest ("-" where there is none)."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    try:
        return hashlib.sha256(manifest.read_bytes()).hexdigest()[:12]
    except OSError:
        return "-"
