"""Booking data on content pages: the home page's upcoming sessions and a page's sessions."""

from django import template
from django.utils import timezone

from .. import selectors

register = template.Library()


@register.simple_tag
def session_state(session):
    """``{"state": Availability value, "left": places left}`` for one session."""
    return {"state": selectors.availability(session), "left": selectors.places_left(session)}


@register.inclusion_tag("events/includes/rules.html", takes_context=True)
def booking_rules(context, session):
    """The event's rules with this session's deadlines, as the services enforce them.

    "Please call us" names the hotline and its hours, so the booker knows whether a
    call after the online deadline can still reach anyone.
    """
    from education.models import SiteSettings

    try:
        site_settings = SiteSettings.for_request(context["request"])
    except (KeyError, SiteSettings.DoesNotExist):  # no request, or no site for it
        site_settings = None
    return {
        "event": session.event,
        "online_close_at": selectors.online_close_at(session),
        "hotline": site_settings.service_hotline if site_settings else "",
        "hotline_hours": site_settings.localized("service_hours") if site_settings else "",
        **selectors.deadlines(session),
    }


@register.inclusion_tag("events/tags/session_list.html")
def upcoming_sessions(limit=4):
    return {"sessions": selectors.upcoming_bookable(limit=int(limit)), "more_link": True}


@register.inclusion_tag("events/tags/session_list.html")
def sessions_for_page(page):
    if page is None:
        return {"sessions": []}
    return {"sessions": list(selectors.sessions_for_page(page, now=timezone.now())[:50])}
