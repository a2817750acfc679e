"""A server-side cache of the public pages that do not depend on the visitor.

Anonymous GET requests for public pages are answered from the shared cache. Every
cached page is keyed by the public *generation* and the deploy's static release
(``education/freshness.py``), so the next request after a change renders afresh. Pages
are never a source of truth: a booking is always checked against the database inside
the booking transaction.

A response is stored only when it is safe to share: status 200 or 404, HTML, no cookie
set, no CSRF token used (forms are per-visitor), nothing marked private or no-store.
While the cache is down or slow the pages are rendered afresh (``core/cache.py``).
"""

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import get_max_age

from education import freshness

BYPASS_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/health/",
    "/display/",
    "/documents/",
    "/static/",
    "/media/",
    "/q/",  # QR scans: every one must reach its view to be counted
)
BYPASS_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
CACHEABLE_STATUS = {200, 404}


def _key(request, generation):
    display = request.COOKIES.get("firebreak_display", "standard")
    host, path = request.get_host(), request.get_full_path()
    return f"pagecache:{freshness.release()}:{generation}:{display}:{host}:{path}"


def _eligible(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(BYPASS_PREFIXES)
        and not any(name in request.COOKIES for name in BYPASS_COOKIES)
        and len(request.META.get("QUERY_STRING", "")) <= 200
    )


def _storable(request, response):
    user = getattr(request, "user", None)
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code in CACHEABLE_STATUS
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
        and not (user is not None and user.is_authenticated)
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        and get_max_age(response) != 0
    )


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request):
            return self.get_response(request)
        generation = freshness.token(request)
        key = _key(request, generation)
        cached = cache.get(key)
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if _storable(request, response):
            response["X-Page-Cache"] = "miss"
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        return response
