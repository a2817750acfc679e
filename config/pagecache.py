"""A server-side cache of the public pages that do not depend on the visitor.

Anonymous GET and HEAD requests for public pages are answered from the shared cache,
before the session, locale, CSRF, authentication and CSP middleware run: the stored
response already carries what they added (``Vary``, ``Content-Language``, the CSP and
frame headers). A lookup is one cache round trip: the page's entry is read together
with the public generations (``education/freshness.py``), and the entry is served only
while the generations of the scopes its page type shows are the ones it was rendered
under. So a booking, which changes the ``bookings`` scope, leaves guides, news and the
camp page cached; only the *live parts* marked in a page (a session's places-left
figure) are filled in afresh from their own small cache entries, rendered again only
when their own scopes changed. Pages are never a source of truth: a booking is always
checked against the database inside the booking transaction.

A response is stored only when it is safe to share: a GET without cookies other than
the display mode (which keys the entry), status 200 or 404, HTML, no cookie set, no
CSRF token used (forms are per-visitor), nobody logged in, not a preview, nothing
marked private or no-store. While the cache is down or slow the pages are rendered
afresh (``core/cache.py``).
"""

import re

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.cache import get_max_age

from core import cache as cache_guard
from education import freshness

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


def _key(request):
    display = request.COOKIES.get("firebreak_display", "standard")
    host, path = request.get_host(), request.get_full_path()
    return f"pagecache:{freshness.release()}:{display}:{host}:{path}"


def _part_key(name, ident, language, generation):
    return f"livepart:{freshness.release()}:{name}:{ident}:{language}:{generation}"


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


def _fill_live_parts(entry, request):
    """The stored page with each live part as its own scopes say it is now."""
    response = entry["response"]
    # A part no longer declared (a deploy that kept the static files) keeps its HTML.
    parts = [(name, ident) for name, ident in entry["parts"] if name in freshness.LIVE_PARTS]
    if not parts:
        return response
    language = response.get("Content-Language", settings.LANGUAGE_CODE)
    keys = {
        (name, ident): _part_key(
            name,
            ident,
            language,
            ".".join(map(str, freshness.generation_for(request, freshness.LIVE_PARTS[name][0]))),
        )
        for name, ident in parts
    }
    found = cache.get_many(list(keys.values()))
    html = {part: found[key] for part, key in keys.items() if key in found}
    missing = {}
    for name, ident in set(keys) - html.keys():
        missing.setdefault(name, []).append(ident)
    with translation.override(language):
        for name, idents in missing.items():
            for ident, (part, seconds) in freshness.LIVE_PARTS[name][1](idents).items():
                html[(name, ident)] = part
                if seconds > 0:
                    cache.set(keys[(name, ident)], part, min(seconds, settings.PAGE_CACHE_SECONDS))

    def fill(match):
        part = html.get((match[1], int(match[2])))
        return match[0] if part is None else f"<!--live:{match[1]}:{match[2]}-->{part}<!--/live-->"

    content = LIVE.sub(fill, response.content.decode(response.charset))
    response.content = content.encode(response.charset)
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    return response


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request):
            return self.get_response(request)
        key = _key(request)
        entry = freshness.read(request, [key]).get(key)
        if _fresh(entry, request):
            response = _fill_live_parts(entry, request)
            response["X-Page-Cache"] = "hit"
            return response
        outcome = _miss(entry)
        # The generations read before rendering: a change committed during the render
        # makes this entry stale at once, never the other way round.
        scopes_read = freshness.generation_for(request)
        response = self.get_response(request)
        if _storable(request, response):
            scopes = freshness.shown(request)
            response["X-Page-Cache"] = outcome
            content = response.content.decode(response.charset)
            entry = {
                "response": response,
                "scopes": scopes,
                "generation": tuple(scopes_read[freshness.SCOPES.index(s)] for s in scopes),
                "parts": sorted({(name, int(ident)) for name, ident in LIVE.findall(content)}),
            }
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
        return response
