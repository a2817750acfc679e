"""{% reach_figures %}: the home page's "by the numbers" block (approved figures only);
``chart_bars`` and ``chart_rows``: a chart's bars and table rows (``charts.py``)."""

from django import template
from django.utils import timezone

from core import freshness
from education.geography import site_for_request
from education.i18n import translation_in
from education.shell import shell
from media.reach import charts, selectors

register = template.Library()
register.filter("chart_bars", charts.bars_markup)
register.filter("chart_rows", charts.table_rows)


@register.inclusion_tag("reach/tags/reach_figures.html", takes_context=True)
def reach_figures(context, limit=8):
    request = context.get("request")
    locales = shell(request)
    default_locale = locales.get("default_locale")
    site = site_for_request(request)

    def featured():
        return selectors.featured_campaign(public=True, default_locale=default_locale, site=site)

    # Which campaign it is changes with pages and the day: kept as data until then.
    name = f"reach:featured:{getattr(site, 'pk', '-')}:{getattr(default_locale, 'pk', '-')}"
    name += f":{timezone.localdate().isoformat()}"
    campaign = freshness.kept(request, name, ("content",), featured)
    report = selectors.headline_figures(campaign, request) if campaign else None
    page = None
    if campaign is not None:
        page = translation_in(campaign, locales["locale"])
    figures = [f for f in report["figures"] if f["total"]][:limit] if report else []
    return {
        "report": report,
        "figures": figures,
        "campaign_page": page,
        "request": request,
    }
