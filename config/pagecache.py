"""A server-side cache of the public pages that do not depend on the visitor.

Anonymous GET and HEAD requests for public pages are answered from the shared cache,
before the session, locale, CSRF, authentication and CSP middleware run: the stored
entry already carries the headers they added (``Vary``, ``Content-Language``, the CSP
and frame headers). A lookup is one cache round trip: the page's entry is read together
with the public generations (``core/freshness.py``), and the entry is served only
while the generations of the scopes its page type shows are the ones it was rendered
under. Each web process also keeps the hot entries it served in memory (up to
``PAGE_CACHE_LOCAL_BYTES``) and answers them with no round trip at all while its
generations are ``freshness.recent()``: a change made elsewhere shows here within
``PAGE_CACHE_RECHECK_SECONDS``, one made here at once.

So a booking, which changes the ``bookings`` scope, leaves guides, news and the camp
page cached; only the *live parts* marked in a page (a session's places-left
figure) are filled in afresh from their own small cache entries, rendered again only
when their own scopes changed. Pages are never a source of truth: a booking is always
checked against the database inside the booking transaction. An entry is the page as
sent (status, headers, body), with when it expires: the copies kept in memory expire
with it, and a page with live parts keeps its filled-in body until a part's scopes
change or a part expires.

A response is stored only when it is safe to share: a GET without cookies other than
the display mode (which keys the entry), status 200 or 404, HTML, no cookie set, no
CSRF token used (forms are per-visitor), nobody logged in, not a preview, nothing
marked private or no-store. While the cache is down or slow the pages are rendered
afresh (``core/cache.py``).
"""

import re
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import get_max_age

from core import cache as cache_guard
from core import freshness

BYPASS_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/health/",
    "/display/",
    "/documents/",
    "/static/",
    "/media/",
    "/metrics/",
    "/q/",  # QR scans: every one must reach its view to be counted
)
#: Cookies a cached page may be served with: the display mode keys the entry; a CSRF
#: cookie alone says nothing about the visitor (cached pages hold no token).
SHARED_COOKIES = {"firebreak_display", settings.CSRF_COOKIE_NAME}
CACHEABLE_STATUS = {200, 404}
LIVE = re.compile(r"<!--live:(\w+):(\d+)-->.*?<!--/live-->", re.S)
HEADER = "X-Page-Cache"
#: How many live parts each process keeps in memory (a few hundred bytes each).
LOCAL_PARTS = 2048


def _key(request):
    display = request.COOKIES.get("firebreak_display", "standard")
    host, path = request.get_host(), request.get_full_path()
    return f"page:{freshness.release()}:{display}:{host}:{path}"


def _part_key(name, ident, language, generation):
    return f"live:{freshness.release()}:{name}:{ident}:{language}:{generation}"


def _eligible(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(BYPASS_PREFIXES)
        and request.COOKIES.keys() <= SHARED_COOKIES
        and len(request.META.get("QUERY_STRING", "")) <= 200
    )


def _storable(request, response):
    user = getattr(request, "user", None)
    cache_control = response.get("Cache-Control", "")
    return (
        request.method == "GET"
        and response.status_code in CACHEABLE_STATUS
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
        and not (user is not None and user.is_authenticated)
        and not getattr(request, "is_preview", False)
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        and get_max_age(response) != 0
    )


def _entry(request, response, scopes_read):
    """What is stored: the page as sent, the generations it was rendered under."""
    scopes = freshness.shown(request)
    content = response.content
    return {
        "status": response.status_code,
        "headers": tuple((name, value) for name, value in response.items() if name != HEADER),
        "content": content,
        "charset": response.charset,
        "language": response.get("Content-Language", settings.LANGUAGE_CODE),
        "scopes": scopes,
        "generation": tuple(scopes_read[freshness.SCOPES.index(s)] for s in scopes),
        "parts": tuple(
            sorted(
                {
                    (name, int(ident))
                    for name, ident in LIVE.findall(content.decode(response.charset))
                }
            )
        ),
        "expires": time.time() + settings.PAGE_CACHE_SECONDS,
    }


def _fresh(entry, request):
    if not isinstance(entry, dict):
        return False
    return entry["generation"] == freshness.generation_for(request, entry["scopes"])


def _miss(entry):
    """Why a cacheable request was rendered (``X-Page-Cache``, and the metrics' label):
    ``stale`` (a scope its page shows changed), ``down`` (the cache could not be read),
    or ``miss`` (not stored yet, or expired)."""
    if isinstance(entry, dict):
        return "stale"
    return "miss" if cache_guard.available() else "down"


class _Copies:
    """Entries kept in this process's memory, oldest dropped first beyond ``limit``."""

    def __init__(self, limit, size):
        self.limit, self.size = limit, size
        self.items, self.used, self.lock = {}, 0, threading.Lock()

    def get(self, key):
        return self.items.get(key)

    def keep(self, key, value):
        size, limit = self.size(value), self.limit()
        with self.lock:
            old = self.items.pop(key, None)
            self.used -= 0 if old is None else self.size(old)
            while self.items and self.used + size > limit:
                self.used -= self.size(self.items.pop(next(iter(self.items))))
            if size <= limit:
                self.items[key] = value
                self.used += size

    def clear(self):
        with self.lock:
            self.items, self.used = {}, 0


#: Pages by key: [entry, its body as last filled in: (part generations, body, until)],
#: counted twice when it has live parts (the stored body and the filled-in one).
_pages = _Copies(
    lambda: settings.PAGE_CACHE_LOCAL_BYTES,
    lambda kept: len(kept[0]["content"]) * (2 if kept[0]["parts"] else 1),
)
#: Live parts by key: (html, until).
_parts = _Copies(lambda: LOCAL_PARTS, lambda kept: 1)


def forget():
    """Drop this process's copies (the shared cache was emptied under them: tests)."""
    _pages.clear()
    _parts.clear()
    freshness.forget()


def _render_parts(entry, request, names, now):
    """The live parts of the page, each as its own scopes say it is now, with the
    moment the first of them may change by itself."""
    language = entry["language"]
    keys = {
        (name, ident): _part_key(name, ident, language, freshness.token(request, names[name]))
        for name, ident in entry["parts"]
        if name in names
    }
    html, until = {}, entry["expires"]
    for part, key in keys.items():
        kept = _parts.get(key)
        if kept is not None and kept[1] > now:
            html[part] = kept[0]
            until = min(until, kept[1])
    wanted = {key: part for part, key in keys.items() if part not in html}
    for key, (part_html, expires) in (cache.get_many(list(wanted)) if wanted else {}).items():
        if expires > now:
            html[wanted[key]] = part_html
            _parts.keep(key, (part_html, expires))
            until = min(until, expires)
    missing = {}
    for name, ident in keys.keys() - html.keys():
        missing.setdefault(name, []).append(ident)
    with translation.override(language):
        for name, idents in missing.items():
            for ident, (part, seconds) in freshness.LIVE_PARTS[name][1](idents).items():
                html[(name, ident)] = part
                seconds = min(seconds, settings.PAGE_CACHE_SECONDS)
                if seconds > 0:
                    expires = now + seconds
                    cache.set(keys[(name, ident)], (part, expires), seconds)
                    _parts.keep(keys[(name, ident)], (part, expires))
                until = min(until, now + max(seconds, 0))
    return html, until


def _body(entry, request, kept):
    """The stored page with each live part as its own scopes say it is now."""
    # A part no longer declared (a deploy that kept the static files) keeps its HTML.
    names = {
        name: freshness.LIVE_PARTS[name][0]
        for name, _ in entry["parts"]
        if name in freshness.LIVE_PARTS
    }
    if not names:
        return entry["content"]
    now = time.time()
    generations = tuple(freshness.generation_for(request, scopes) for scopes in names.values())
    filled = kept[1] if kept is not None else None
    if filled is not None and filled[0] == generations and filled[2] > now:
        return filled[1]
    html, until = _render_parts(entry, request, names, now)

    def fill(match):
        part = html.get((match[1], int(match[2])))
        return match[0] if part is None else f"<!--live:{match[1]}:{match[2]}-->{part}<!--/live-->"

    charset = entry["charset"]
    body = LIVE.sub(fill, entry["content"].decode(charset)).encode(charset)
    if kept is not None and until > now:
        kept[1] = (generations, body, until)
    return body


def _respond(entry, request, kept=None):
    body = _body(entry, request, kept)
    response = HttpResponse(body, status=entry["status"])
    headers = response.headers
    for name, value in entry["headers"]:
        headers[name] = value
    if body is not entry["content"] and "Content-Length" in headers:
        headers["Content-Length"] = str(len(body))
    headers[HEADER] = "hit"
    return response


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request):
            return self.get_response(request)
        key = _key(request)
        kept = _pages.get(key)
        if (
            kept is not None
            and kept[0]["expires"] > time.time()
            and freshness.recent(request)
            and _fresh(kept[0], request)
        ):
            return _respond(kept[0], request, kept)
        entry = freshness.read(request, [key]).get(key)
        if _fresh(entry, request) and entry["expires"] > time.time():
            kept = [entry, None]
            _pages.keep(key, kept)
            return _respond(entry, request, kept)
        outcome = _miss(entry)
        # The generations read before rendering: a change committed during the render
        # makes this entry stale at once, never the other way round.
        scopes_read = freshness.generation_for(request)
        response = self.get_response(request)
        if _storable(request, response):
            response[HEADER] = outcome
            entry = _entry(request, response, scopes_read)
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            _pages.keep(key, [entry, None])
        return response
