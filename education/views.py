from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from core import freshness

from .geography import site_for_request
from .search.hints import no_result_hints
from .search.results import clean_query, search_pages
from .shell import shell

DISPLAY_COOKIE = "firebreak_display"
DISPLAY_MODES = {"standard", "large"}


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    sitemap = request.build_absolute_uri("/sitemap.xml")
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
@never_cache
def display_mode(request):
    """Switch large text and high contrast on or off without JavaScript (a cookie)."""
    mode = request.GET.get("mode", "standard")
    if mode not in DISPLAY_MODES:
        mode = "standard"
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if mode == "large":
        response.set_cookie(
            DISPLAY_COOKIE,
            "large",
            max_age=60 * 60 * 24 * 365,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    else:
        response.delete_cookie(DISPLAY_COOKIE, samesite="Lax")
    return response


@freshness.showing("content", "search")
def search(request):
    """Site search; any query string gives a page, never an error."""
    query = clean_query(request.GET.get("q"))
    number = request.GET.get("page", "")
    number = int(number) if number.isdecimal() and len(number) < 4 else 1
    # Searched only when the results are rendered, not when they come from the cache.
    results = SimpleLazyObject(
        lambda: search_pages(
            query, shell(request)["locale"], number, site=site_for_request(request)
        )
    )

    def hints():
        site = shell(request)["site"]
        return no_result_hints(query, shell(request)["locale"], site.root_page if site else None)

    return TemplateResponse(
        request,
        "education/search.html",
        {
            "query": query,
            "results": results,
            "page_number": number,
            # Read only when nothing is found.
            "hints": SimpleLazyObject(hints),
        },
    )


@requires_csrf_token
@freshness.showing("content")
def not_found(request, exception=None):
    """The 404 page. Its language links go to each language's home page, so the shell
    is the same for every missing address and is rendered once (``not_found``)."""
    return render(request, "404.html", {"not_found": True}, status=404)
