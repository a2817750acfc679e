"""Wagtail's page serving, with the route from URL to page remembered between requests.

Wagtail finds the page for a URL afresh on every request: the site for the host, the
root page in the visitor's language, then the tree, then every ancestor's view
restrictions; about half of a page's queries. The answer only changes when a page is
published, moved or deleted, a site or a view restriction changes: exactly what starts a
new generation of public content (``core/freshness.py``). So the route is kept in the shared
cache under the generation, and a request that finds it there goes straight to the
page's own ``serve``. Everything after the route (restrictions, ``serve``, the hooks)
runs as Wagtail runs it.

The route is data, not HTML: like the site shell (``education/shell.py``) it is kept
whether or not fragments are, so a page whose own scopes changed (a booking on the home
page) renders without finding its way again, for ``freshness.data_seconds()``.
"""

from django.core.cache import cache
from django.http import Http404
from django.utils.translation import get_language
from wagtail import views as wagtail_views
from wagtail.models import PageViewRestriction, Site
from wagtail.url_routing import RouteResult

from core import freshness


def _no_restrictions():
    return PageViewRestriction.objects.none()


def _prefix(request):
    # The host as Wagtail's Site.find_for_request reads it, without the ALLOWED_HOSTS check.
    generation = freshness.token(request, ("content",))
    return f"{generation}:{request._get_raw_host()}:{get_language()}"


def _site_and_root(request, seconds):
    """The request's site and its root page in the visitor's language, cached."""
    key = f"route-root:{_prefix(request)}"
    cached = cache.get(key)
    if cached is None:
        site = Site.find_for_request(request)
        cached = (site, site.root_page.localized.specific if site else None)
        cache.set(key, cached, seconds)
    return cached


def serve(request, path):
    """Wagtail's ``serve`` view, with the route looked up in the cache first."""
    seconds = freshness.data_seconds()
    if request.method not in ("GET", "HEAD"):
        return wagtail_views.serve(request, path)
    key = f"route:{_prefix(request)}:{path}"
    cached = cache.get(key)
    if cached is not None:
        site, page, restricted = cached
        request._wagtail_site = site
        request._wagtail_route_for_request = RouteResult(page)
        if not restricted:
            # Known unrestricted in this generation: Wagtail's restriction check
            # (two queries) has nothing to find.
            page.get_view_restrictions = _no_restrictions
        return wagtail_views.serve(request, path)
    # What Page.route_for_request does, from the cached site and root page.
    site, root = _site_and_root(request, seconds)
    request._wagtail_site = site
    route = None
    if root is not None:
        try:
            route = root.route(request, [part for part in path.split("/") if part])
        except Http404:
            route = None
    request._wagtail_route_for_request = route
    # Only plain routes: a routable page's sub-route carries a view to call.
    if route is not None and not route.args and not route.kwargs:
        restricted = route.page.get_view_restrictions().exists()
        cache.set(key, (site, route.page, restricted), seconds)
    return wagtail_views.serve(request, path)
