"""Wagtail's page serving, with the route from URL to page remembered between requests.

Wagtail finds the page for a URL afresh on every request: the site for the host, the
root page in the visitor's language, then the tree, then every ancestor's view
restrictions; about half of a page's queries. The answer only changes when a page is
published, moved or deleted, a site or a view restriction changes: exactly what starts a
new generation of public content (``core/freshness.py``). So the route is kept under the
generation (``freshness.kept``), and a request that finds it there goes straight to the
page's own ``serve``. Everything after the route (restrictions, ``serve``, the hooks)
runs as Wagtail runs it.

The route is data, not HTML: like the site shell (``education/shell.py``) it is kept
whether or not fragments are, so a page whose own scopes changed (a booking on the home
page) renders without finding its way again, for ``freshness.data_seconds()``.
"""

from django.http import Http404
from django.utils.translation import get_language
from wagtail import views as wagtail_views
from wagtail.models import PageViewRestriction, Site
from wagtail.url_routing import RouteResult

from core import freshness


def _no_restrictions():
    return PageViewRestriction.objects.none()


def _where(request):
    # The host as Wagtail's Site.find_for_request reads it, without the ALLOWED_HOSTS check.
    return f"{request._get_raw_host()}:{get_language()}"


def _site_and_root(request):
    """The request's site and its root page in the visitor's language, kept."""

    def find():
        site = Site.find_for_request(request)
        return site, site.root_page.localized.specific if site else None

    return freshness.kept(request, f"route-root:{_where(request)}", ("content",), find)


def _route(request, path):
    """What Page.route_for_request does, from the kept site and root page: the route, or
    None where no page answers ``path``."""
    site, root = _site_and_root(request)
    request._wagtail_site = site
    if root is None:
        return None
    try:
        return root.route(request, [part for part in path.split("/") if part])
    except Http404:
        return None


def serve(request, path):
    """Wagtail's ``serve`` view, with the route kept under the content generation."""
    if request.method not in ("GET", "HEAD"):
        return wagtail_views.serve(request, path)
    routed = []

    def plain_route():
        # Only plain routes are kept: a routable page's sub-route carries a view to
        # call, and a path no page answers is routed again (to its 404) each time.
        route = _route(request, path)
        routed.append(route)
        if route is None or route.args or route.kwargs:
            return None
        return request._wagtail_site, route.page, route.page.get_view_restrictions().exists()

    known = freshness.kept(request, f"route:{_where(request)}:{path}", ("content",), plain_route)
    if known is None:
        request._wagtail_route_for_request = routed[0] if routed else _route(request, path)
        return wagtail_views.serve(request, path)
    site, page, restricted = known
    request._wagtail_site = site
    request._wagtail_route_for_request = RouteResult(page)
    if not restricted:
        # Known unrestricted in this generation: Wagtail's restriction check (two
        # queries) has nothing to find.
        page.get_view_restrictions = _no_restrictions
    return wagtail_views.serve(request, path)
