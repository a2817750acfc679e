"""Booking data on content pages: the home page's upcoming sessions and a page's sessions."""

from datetime import timedelta

from django import template
from django.template.loader import render_to_string
from django.utils import timezone

from core import freshness
from education.geography import site_for_request

from .. import selectors

register = template.Library()


@register.simple_tag
def session_state(session):
    """``{"state": Availability value, "left": places left}`` for one session."""
    return {"state": selectors.availability(session), "left": selectors.places_left(session)}


def _places_html(session, now):
    info = {"state": selectors.availability(session, now), "left": selectors.places_left(session)}
    return render_to_string(
        "events/includes/session_places.html", {"session": session, "info": info}
    )


def _right_until(session, now):
    """Seconds until the session's state changes with the clock alone (booking opens or
    closes); an hour when neither is ahead."""
    ahead = [
        moment
        for moment in (selectors.booking_opens_at(session), selectors.booking_closes_at(session))
        if moment > now
    ]
    return int((min(ahead) - now) / timedelta(seconds=1)) if ahead else 3600


@register.simple_tag
def session_places(session):
    """A session's state, places left and booking link: a live part of the page.

    A cached page keeps the list of sessions; the page cache fills this part in afresh
    whenever bookings or the session change (``render_places``).
    """
    return freshness.live("places", session.pk, _places_html(session, timezone.now()))


def render_places(idents):
    """The live part "places" of each session in ``idents``, and how long it stays right."""
    from ..models import Session

    now = timezone.now()
    sessions = Session.objects.filter(pk__in=idents).select_related("event").with_places_taken()
    return {
        session.pk: (_places_html(session, now), _right_until(session, now)) for session in sessions
    }


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


@register.inclusion_tag("events/tags/session_list.html", takes_context=True)
def upcoming_sessions(context, limit=4):
    """The next sessions open for booking on the request's site."""
    site = site_for_request(context.get("request"))
    return {
        "sessions": selectors.upcoming_bookable(limit=int(limit), site=site),
        "more_link": True,
    }


@register.inclusion_tag("events/tags/session_list.html")
def sessions_for_page(page):
    if page is None:
        return {"sessions": []}
    return {"sessions": list(selectors.sessions_for_page(page, now=timezone.now())[:50])}
