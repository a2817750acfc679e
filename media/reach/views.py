"""The public end of a QR code: ``/q/<code>/`` redirects to the page the material
promotes and counts the scan (``scans.count_scan``).

Never cached (every scan must reach this view, and no proxy may replay a redirect),
never a cookie. An unknown, malformed or retired code gets a friendly page in both
languages that leads to the campaign: 404 for a code that never existed, 410 for one
that was retired, so crawlers drop it and people still find their way.
"""

import re
from typing import NamedTuple
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core import freshness
from education.geography import site_for_request

from . import selectors
from .models import Material
from .models.material import CODE_ALPHABET
from .scans import count_scan

CODE_PATTERN = re.compile(rf"[{CODE_ALPHABET}]{{4,12}}")
#: What can change where a code leads: the pages (published, moved, unpublished) and the
#: reach data (a material retired or pointed elsewhere).
TARGET_SCOPES = ("content", "reach")
# The generations key an entry; its lifetime only bounds what the cache holds.
TARGET_SECONDS = 3600


class ScanTarget(NamedTuple):
    """Where a live material's code leads: all a scan needs, kept in the shared cache."""

    pk: int
    code: str
    url: str


def _live(page):
    return page is not None and page.live


def _campaign_link(request, material):
    campaign = material.campaign if material is not None else None
    if not _live(campaign):
        campaign = selectors.featured_campaign(public=True, site=site_for_request(request))
    return campaign.get_url(request) if campaign is not None else None


def _landing(request, material, status):
    return TemplateResponse(
        request,
        "reach/scan_unknown.html",
        {"material": material, "campaign_url": _campaign_link(request, material)},
        status=status,
    )


def campaign_parameters(material):
    """The query a scan adds to its target: which campaign, medium and material."""
    parameters = {"utm_source": "qr", "utm_medium": material.kind, "utm_content": material.code}
    if material.campaign is not None:
        parameters["utm_campaign"] = material.campaign.slug
    return urlencode(parameters)


def _load_target(code):
    material = Material.objects.select_related("target_page", "campaign").filter(code=code).first()
    if material is None or material.retired:
        return None
    target = material.target_page if _live(material.target_page) else material.campaign
    # Without the request: Wagtail's cached site root paths, no Site query.
    url = target.get_url() if _live(target) else None
    if url is None:
        return None
    return ScanTarget(
        material.pk,
        material.code,
        f"{url}{'&' if '?' in url else '?'}{campaign_parameters(material)}",
    )


def scan_target(request, code):
    """Where ``code`` leads, or None for a code that leads nowhere (unknown, malformed,
    retired, its pages unpublished). Kept in the shared cache under the generations of
    ``TARGET_SCOPES`` (``core/freshness.py``), read in the same round trip as them;
    the generations are read before the database, so a change committed meanwhile makes
    the entry stale at once."""
    code = code.lower()
    if not CODE_PATTERN.fullmatch(code):
        return None
    key = f"scans:target:{code}"
    entry = freshness.read(request, [key]).get(key)
    generation = freshness.generation_for(request, TARGET_SCOPES)
    if isinstance(entry, dict) and entry["generation"] == generation:
        return entry["target"]
    target = _load_target(code)
    if target is not None:  # codes that lead nowhere are anyone's to make up: not kept
        cache.set(key, {"generation": generation, "target": target}, TARGET_SECONDS)
    return target


def redirect_for(request, code):
    """A live material's redirect with its scan counted; None for any other code. Also
    answered by ``middleware.ScanRedirectMiddleware``, before the middleware a bare
    redirect does not need."""
    target = scan_target(request, code)
    if target is None:
        return None
    count_scan(request, target)
    response = HttpResponseRedirect(target.url)
    add_never_cache_headers(response)
    return response


@never_cache
@require_safe
def scan(request, code):
    response = redirect_for(request, code)
    if response is not None:
        return response
    code = code.lower()
    material = None
    if CODE_PATTERN.fullmatch(code):
        material = Material.objects.select_related("campaign").filter(code=code).first()
    return _landing(request, material, 404 if material is None else 410)
