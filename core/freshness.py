"""When may something rendered for the public be reused? One rule for every cache.

Whatever changes what a public page may show bumps a *generation* number in the shared
cache, so the next request after a change renders afresh, in every web process. There
is one generation per scope of change, so that a booking does not throw away every
guide and route:

- ``content``: pages published, unpublished, moved or deleted, sites, view
  restrictions, the site settings;
- ``search``: the search index (written by the worker after a publish, once per indexed
  object) and the search synonyms: what only the search page shows, so that indexing
  leaves every other page, route and shell cached;
- ``sessions``: events and sessions (what is on offer, when, and its state);
- ``bookings``: bookings (places left);
- ``contest``: entries moderated, results published;
- ``reach``: tallies and approvals (campaign figures).

Each app says in its own ``ready()`` which of its models change which scope
(``track()``). A cached thing is keyed by the scopes it shows (all of them unless it says
otherwise): a page by the scopes its page type declares (``freshness_scopes`` on the
page model, ``shows()`` for a view), routes and the shell by ``content``, each
``{% fragment %}`` and each piece of data ``kept()`` (a campaign's figures, the home
page's cards) by the scopes it names, and a *live part* (``live()``: the places-left
figure of a session) by its own, so that a cached page need not show the scope that
changes most. ``release()`` names the static files of this deploy, so that nothing
rendered by the last deploy (naming last deploy's hashed CSS) is served by this one.

The page cache may answer from the generations this process read last, without asking
the shared cache (``recent()``), for at most ``PAGE_CACHE_RECHECK_SECONDS`` after that
read (1 s by default; 0 asks every time) and only while this process has changed
nothing since: a change is visible at once to the process that made it, and within that
bound to every other web process.

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
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils.html import format_html

from core import cache as cache_guard

SCOPES = ("content", "search", "sessions", "bookings", "contest", "reach")


def _key(scope):
    return f"public:generation:{scope}"


def _check(scopes):
    unknown = set(scopes) - set(SCOPES)
    if unknown:
        raise ValueError(f"Unknown scope of change: {sorted(unknown)}")
    return tuple(scopes)


def _fresh_start():
    # If a counter is lost (evicted, cache flushed), it restarts above any value it
    # had: the clock in microseconds, which outruns any count of changes (each change
    # adds one or two, and takes far longer than a microsecond).
    return time.time_ns() // 1_000


#: Moved by every change of any scope, after the scope's own counter: while it has not
#: moved, the generations this process read last are still the current ones.
ANY_CHANGE = "public:generation:any"
#: What this process read last: (the ANY_CHANGE value, {scope: generation}, when the
#: read started (monotonic), the count of this process's changes when it started).
_last_read = [None]
#: Moved before and after each change this process makes (see ``recent``).
_changes = [0]


def _read_all(extra_keys=()):
    """Every scope's generation, and the values of ``extra_keys``, in one cache read.

    The read asks for ``ANY_CHANGE`` and the keys; only when something changed since
    this process last looked are the scopes' counters read too. While the cache fails,
    generations that match nothing cached, and no values.
    """
    _reads[0] += 1
    if cache_guard.available():
        changes, started = _changes[0], time.monotonic()
        found = cache.get_many([ANY_CHANGE, *extra_keys])
        stamp, last = found.pop(ANY_CHANGE, None), _last_read[0]
        if stamp is not None and last is not None and last[0] == stamp:
            current = last[1]
            _last_read[0] = (stamp, current, started, changes)
        else:
            current = _read_scopes()
            if stamp is None:
                _last_read[0] = None  # flushed: nothing this process read is current
                cache.add(ANY_CHANGE, _fresh_start(), None)
            elif cache_guard.available():
                _last_read[0] = (stamp, current, started, changes)
        # A failing cache answers as an empty one (core/cache.py) and starts a rest.
        if cache_guard.available():
            return dict(current), found
    unshared = f"uncached-{uuid4().hex}"
    return dict.fromkeys(SCOPES, unshared), {}


def recent(request):
    """Whether the generations this process read last may serve ``request`` without
    asking the shared cache: read less than ``PAGE_CACHE_RECHECK_SECONDS`` ago, this
    process has changed nothing since that read began, and the cache is not resting
    after a failure. If so, they are the request's generations (as ``read`` makes them);
    if not, ask with ``read``."""
    last = _last_read[0]
    if (
        last is None
        or last[3] != _changes[0]
        or time.monotonic() - last[2] >= settings.PAGE_CACHE_RECHECK_SECONDS
        or not cache_guard.available()
    ):
        return False
    request._public_generations = last[1]
    return True


def forget():
    """Drop what this process read (the shared cache was emptied under it: tests)."""
    _last_read[0] = None


def _read_scopes():
    keys = [_key(scope) for scope in SCOPES]
    found = cache.get_many(keys)
    for key in set(keys) - found.keys():
        cache.add(key, _fresh_start(), None)
        found[key] = cache.get(key, 0)
    return {scope: found[_key(scope)] for scope in SCOPES}


def data_seconds():
    """How long the route and the site shell live in the cache: data, not HTML, kept
    under the content generation whether or not fragments are cached (a minute when
    ``FRAGMENT_CACHE_SECONDS`` turns fragments off)."""
    return settings.FRAGMENT_CACHE_SECONDS or 60


def kept(request, name, scopes, compute):
    """Data (never HTML) kept in the shared cache under the generations of ``scopes``,
    as the routes and the shell are: ``compute()``'s value (picklable; None too), computed
    once per generation and ``name`` (which says everything else the value depends on:
    the page, the language, the day), for ``data_seconds()`` at most. Without a
    ``request`` the generations are read for this call alone. Keyed by the deploy too
    (``release()``): what an earlier deploy's code pickled is never read by this one.
    A preview computes afresh and keeps nothing: it shows a draft, under the live
    page's name."""
    if getattr(request, "is_preview", False):
        return compute()
    key = f"kept:{release()}:{name}:{token(request, scopes)}"
    found = cache.get(key)
    if found is None:
        found = (compute(),)  # in a tuple, so that a value of None is kept too
        cache.set(key, found, data_seconds())
    return found[0]


def generation(scopes=SCOPES):
    """The current generation of the given scopes: one cache read."""
    current, _ = _read_all()
    return tuple(current[scope] for scope in scopes)


def read(request, keys):
    """The values of ``keys`` in the shared cache, read together with the generations.

    One round trip; the generations are kept on the request for every later part of it.
    """
    current, found = _read_all(keys)
    request._public_generations = current
    return found


def generation_for(request, scopes=SCOPES):
    """The generation, read once per request so every part of a page agrees."""
    if request is None:
        return generation(scopes)
    current = getattr(request, "_public_generations", None)
    if current is None:
        current, _ = _read_all()
        request._public_generations = current
    return tuple(current[scope] for scope in scopes)


def token(request, scopes=SCOPES):
    """The generation as a cache-key part (dots, no spaces)."""
    return ".".join(str(value) for value in generation_for(request, scopes))


def bump(*scopes):
    """Start a new generation of the scopes (all when none is named).

    Once now, and once more when the transaction commits: a page rendered in between
    read the rows as they were before the commit, so its generation must not last. A
    transaction that changes many rows (a bulk delete sends a signal per row) queues
    one bump for its commit, and bumps now again only if generations were read since
    its last bump (nothing rendered in between, nothing to make stale).
    """
    for scope in _check(scopes or SCOPES):
        pending = _pending(scope)
        if pending is None:
            _next_generation(scope)
            transaction.on_commit(_CommitBump(scope))
        elif pending.reads != _reads[0]:
            _next_generation(scope)
            pending.reads = _reads[0]


#: How many times this process has read the generations (see ``bump``).
_reads = [0]


class _CommitBump:
    """The bump at commit, recognisable among the transaction's pending hooks."""

    def __init__(self, scope):
        self.scope, self.reads = scope, _reads[0]

    def __call__(self):
        _next_generation(self.scope)


def _pending(scope):
    """This transaction's bump at commit of ``scope``, if one is queued."""
    # Django keeps the current transaction's hooks in ``run_on_commit`` as
    # (savepoint ids, callable, robust) and drops those of rolled-back savepoints;
    # tests/core/test_freshness.py pins that shape.
    if not connection.in_atomic_block:
        return None
    for _, hook, _ in connection.run_on_commit:
        if isinstance(hook, _CommitBump) and hook.scope == scope:
            return hook
    return None


def _next_generation(scope):
    # Tried even while this process rests a failing cache: a bump that gets through
    # shortens how long anything stale is served. Counted before and after: a read that
    # overlapped the change is not ``recent()``.
    _changes[0] += 1
    try:
        for key in (_key(scope), ANY_CHANGE):  # the scope first: see ANY_CHANGE
            try:
                cache.incr(key)
            except ValueError:  # not there (yet, or evicted): a fresh start is new
                cache.add(key, _fresh_start(), None)
    except cache_guard.CACHE_ERRORS as error:
        # Logged once per outage, not once per change; cached copies expire on their own.
        cache_guard.failed(f"new {scope} generation", error)
    finally:
        _changes[0] += 1


class _Receiver:
    """Bumps its scopes whenever a tracked model is saved or deleted."""

    def __init__(self, scopes):
        self.scopes = scopes

    def __call__(self, **kwargs):
        bump(*self.scopes)


def track(scopes, *labels):
    """Saving or deleting a row of any of the models ``labels`` changes ``scopes``.

    Called by each app in its ``ready()`` for the models it owns.
    """
    receiver = _Receiver(_check(scopes))
    uid = "+".join(scopes)
    for label in labels:
        post_save.connect(receiver, sender=label, weak=False, dispatch_uid=f"fresh-{label}-{uid}")
        post_delete.connect(
            receiver, sender=label, weak=False, dispatch_uid=f"fresh-{label}-{uid}-del"
        )


# Signal receivers for Wagtail's page signals (module-level: signals keep weak references).
def content_changed(**kwargs):
    bump("content")


def anything_changed(scope=None, **kwargs):
    """For ``public_content_changed``: the scope it names, or all of them."""
    bump(*([scope] if scope else []))


def shows(request, scopes):
    """The page answering ``request`` shows these scopes (the page cache keys it by them)."""
    request.freshness_scopes = _check(scopes)


def shown(request):
    """The scopes the page answering ``request`` said it shows; all of them if it did not."""
    return getattr(request, "freshness_scopes", SCOPES)


def showing(*scopes):
    """View decorator: the view's pages show only these scopes (see ``shows()``)."""
    _check(scopes)

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            shows(request, scopes)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


#: Live parts: name → (scopes, render). See ``live()``.
LIVE_PARTS = {}


def live_part(name, scopes, render):
    """Declare a live part: a small piece of a page that changes with ``scopes`` alone.

    ``render(idents)`` returns ``{ident: (html, seconds)}`` for the idents it can
    render (in the active language): the part's HTML and how long it stays right at
    most (say, until booking opens). The page cache stores pages with their live parts
    marked, and fills each part in afresh from its own cache entry when serving them.
    """
    LIVE_PARTS[name] = (_check(scopes), render)


def live(name, ident, html):
    """Mark ``html`` (rendered, safe) as the live part ``name`` of ``ident`` (a number)."""
    if name not in LIVE_PARTS:
        raise ValueError(f"Unknown live part: {name}")
    return format_html("<!--live:{}:{}-->{}<!--/live-->", name, int(ident), html)


@functools.cache
def release():
    """A short hash of this deploy's static manifest ("-" where there is none)."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    try:
        return hashlib.sha256(manifest.read_bytes()).hexdigest()[:12]
    except OSError:
        return "-"
