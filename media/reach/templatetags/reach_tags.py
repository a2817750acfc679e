"""{% reach_figures %}: the home page's "by the numbers" block (approved figures only)."""

from django import template

from media.reach import selectors

register = template.Library()


@register.inclusion_tag("reach/tags/reach_figures.html", takes_context=True)
def reach_figures(context, limit=8):
    campaign = selectors.featured_campaign(public=True)
    report = selectors.headline_figures(campaign) if campaign else None
    page = None
    if campaign is not None:
        from wagtail.models import Locale

        page = campaign.get_translation_or_none(Locale.get_active()) or campaign
    figures = [f for f in report["figures"] if f["total"]][:limit] if report else []
    return {
        "report": report,
        "figures": figures,
        "campaign_page": page,
        "request": context.get("request"),
    }
