"""The public end of a QR code: ``/q/<code>/`` redirects to the page the material
promotes and counts the scan (``scans.count_scan``).

Never cached (every scan must reach this view, and no proxy may replay a redirect),
never a cookie. An unknown, malformed or retired code gets a friendly page in both
languages that leads to the campaign: 404 for a code that never existed, 410 for one
that was retired, so crawlers drop it and people still find their way.
"""

import re
from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import selectors
from .models import Material
from .models.material import CODE_ALPHABET
from .scans import count_scan

CODE_PATTERN = re.compile(rf"[{CODE_ALPHABET}]{{4,12}}")
# What a scan reads, in one query: compiling the full rows of two page models cost
# more than everything else a scan does.
SCAN_FIELDS = (
    "code",
    "kind",
    "retired",
    "target_page__url_path",
    "target_page__live",
    "campaign__slug",
    "campaign__url_path",
    "campaign__live",
)


def _live(page):
    return page is not None and page.live


def _campaign_link(request, material):
    campaign = material.campaign if material is not None else None
    if not _live(campaign):
        campaign = selectors.featured_campaign(public=True)
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


@never_cache
@require_safe
def scan(request, code):
    code = code.lower()
    if not CODE_PATTERN.fullmatch(code):
        return _landing(request, None, 404)
    material = Material.objects.select_related("target_page", "campaign").filter(code=code).first()
    if material is None:
        return _landing(request, None, 404)
    target = material.target_page if _live(material.target_page) else material.campaign
    if material.retired or not _live(target):
        return _landing(request, material, 410)
    count_scan(request, material)
    # Without the request: Wagtail's cached site root paths, no Site query per scan.
    url = target.get_url()
    return HttpResponseRedirect(f"{url}{'&' if '?' in url else '?'}{campaign_parameters(material)}")
