"""A server-side cache of the public pages that do not depend on the visitor.

Anonymous GET requests for public pages are answered from the shared cache. Every
cached page is keyed by a *generation* number; whatever changes what a public page may
show (a page published, places taken, an entry moderated, a tally approved) bumps the
generation, so the next request renders afresh. Pages are never a source of truth: a
booking is always checked against the database inside the booking transaction.

A response is stored only when it is safe to share: status 200 or 404, HTML, no cookie
set, no CSRF token used (forms are per-visitor), nothing marked private or no-store.
"""

import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import get_max_age

GENERATION_KEY = "pagecache:generation"
BYPASS_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/health/",
    "/display/",
    "/documents/",
    "/static/",
    "/media/",
)
BYPASS_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
CACHEABLE_STATUS = {200, 404}


def bump_generation(**kwargs):
    """Invalidate every cached page (connected to the signals of what pages show)."""
    if not cache.add(GENERATION_KEY, 1, None):
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.add(GENERATION_KEY, 1, None)


@functools.cache
def _release():
    """Which static files this deploy serves: a page naming last deploy's CSS never comes back."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    try:
        return hashlib.sha256(manifest.read_bytes()).hexdigest()[:12]
    except OSError:
        return "-"


def _key(request, generation):
    display = request.COOKIES.get("firebreak_display", "standard")
    host, path = request.get_host(), request.get_full_path()
    return f"pagecache:{_release()}:{generation}:{display}:{host}:{path}"


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
        generation = cache.get(GENERATION_KEY, 0)
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
