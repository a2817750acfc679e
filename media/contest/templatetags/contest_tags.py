from django import template
from django.templatetags.static import static

from core import freshness
from education.geography import site_for_request
from education.i18n import translation_in
from education.shell import shell
from media.contest import selectors

register = template.Library()


@register.inclusion_tag("contest/highlights.html", takes_context=True)
def contest_highlights(context, limit=4):
    """The open contest's call, or the awarded (else approved) drawings of the latest one."""
    request = context.get("request")
    locales = shell(request)
    default_locale, site = locales.get("default_locale"), site_for_request(request)
    # The contests to choose from change with pages and contest stages: kept as data.
    name = f"contest:candidates:{getattr(site, 'pk', '-')}:{getattr(default_locale, 'pk', '-')}"
    candidates = freshness.kept(
        request,
        name,
        ("content", "contest"),
        lambda: selectors.contest_candidates(default_locale, site),
    )
    contest = selectors.current_contest(default_locale, site, candidates)
    if contest is None:
        return {"contest": None}
    # Link to the page in the visitor's language (the English alias shows the same data).
    page = translation_in(contest, locales["locale"])
    try:
        limit = max(1, min(int(limit), 12))
    except (TypeError, ValueError):
        limit = 4
    # The drawings shown change with entries and the contest's stage alone: kept as data.
    entries = freshness.kept(
        request,
        f"contest:highlights:{contest.pk}:{limit}",
        ("content", "contest"),
        lambda: selectors.highlights(contest, limit),
    )
    return {
        "contest": page,
        "accepting": contest.is_accepting_entries(),
        "entries": entries,
        "base_url": page.get_url(request=request),
        "css_url": static("contest/contest.css"),
        "request": request,
    }
