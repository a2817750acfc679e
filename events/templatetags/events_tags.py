"""Booking data on content pages: the home page's upcoming sessions and a page's sessions."""

from django import template
from django.utils import timezone

from .. import selectors

register = template.Library()


@register.simple_tag
def session_state(session):
    """``{"state": Availability value, "left": places left}`` for one session."""
    return {"state": selectors.availability(session), "left": selectors.places_left(session)}


@register.inclusion_tag("events/includes/rules.html")
def booking_rules(session):
    """The event's rules with this session's deadlines, as the services enforce them."""
    return {"event": session.event, **selectors.deadlines(session)}


@register.inclusion_tag("events/tags/session_list.html")
def upcoming_sessions(limit=4):
    return {"sessions": selectors.upcoming_bookable(limit=int(limit)), "more_link": True}


@register.inclusion_tag("events/tags/session_list.html")
def sessions_for_page(page):
    if page is None:
        return {"sessions": []}
    return {"sessions": list(selectors.sessions_for_page(page, now=timezone.now())[:50])}
