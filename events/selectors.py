"""Reads: places left, what is bookable, rosters, attendance for reach."""

from datetime import timedelta

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Booking, Event, Session


class Availability:
    """What a visitor can do with a session right now."""

    OPEN = "open"
    FULL = "full"  # no places, no waitlist
    WAITLIST = "waitlist"  # no places, the waitlist takes parties
    NOT_YET = "not_yet"  # booking has not opened
    CLOSED = "closed"  # past the lead time, closed by staff, cancelled or over


def places_taken(session_id):
    """Places held by stored bookings (pending approval included)."""
    return Booking.objects.filter(session_id=session_id, status__in=Booking.HOLDING).aggregate(
        total=Coalesce(Sum("party_size"), 0)
    )["total"]


def places_left(session):
    taken = getattr(session, "places_taken", None)
    if taken is None:
        taken = places_taken(session.pk)
    return max(session.capacity - taken, 0)


def booking_opens_at(session):
    return session.starts_at - timedelta(days=session.event.opens_days_before)


def booking_closes_at(session):
    return session.starts_at - timedelta(hours=session.event.lead_time_hours)


def change_deadline(session):
    """The booker's last moment to change party size or contact: when booking closes.

    A bigger party is a new claim on places, and the day's roster is settled when
    booking closes; the rules shown to bookers state this deadline on its own line.
    """
    return booking_closes_at(session)


def cancel_deadline(session):
    return session.starts_at - timedelta(hours=session.event.cancel_hours)


def deadlines(session):
    """The deadlines the services enforce, for the rules shown before and after booking."""
    return {
        "closes_at": booking_closes_at(session),
        "change_deadline": change_deadline(session),
        "cancel_deadline": cancel_deadline(session),
    }


def availability(session, now=None):
    now = now or timezone.now()
    if session.status != Session.Status.OPEN or now > booking_closes_at(session):
        return Availability.CLOSED
    if now < booking_opens_at(session):
        return Availability.NOT_YET
    if places_left(session) > 0:
        return Availability.OPEN
    return Availability.WAITLIST if session.event.waitlist_enabled else Availability.FULL


def sessions_listing(now=None, kind=None, events=None):
    """Upcoming sessions of published events, with places taken in the same query."""
    now = now or timezone.now()
    sessions = (
        Session.objects.filter(event__is_published=True, starts_at__gt=now)
        .exclude(status=Session.Status.CANCELLED)
        .select_related("event")
        .with_places_taken()
        .order_by("starts_at", "pk")
    )
    if kind:
        sessions = sessions.filter(event__kind=kind)
    if events is not None:
        sessions = sessions.filter(event__in=events)
    return sessions


def sessions_for_page(page, now=None):
    """Sessions of the events linked to ``page`` or to any of its translations."""
    events = Event.objects.filter(
        is_published=True, page__translation_key=page.translation_key
    ).values("pk")
    return sessions_listing(now=now, events=events)


def upcoming_bookable(limit=4, now=None):
    now = now or timezone.now()
    sessions = [s for s in sessions_listing(now=now)[: limit * 5] if places_left(s) > 0]
    return [s for s in sessions if availability(s, now) == Availability.OPEN][:limit]


def active_bookings_of_organization(event, organization, exclude_pk=None):
    qs = Booking.objects.filter(
        session__event=event,
        organization__iexact=organization.strip(),
        status__in=Booking.ACTIVE,
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.count()


def roster(session):
    return session.bookings.exclude(
        status__in=[Booking.Status.CANCELLED, Booking.Status.REJECTED]
    ).order_by("status", "created_at")


def attendance_for_reach():
    """People recorded as attended, per local session day, event kind and venue.

    A cancelled session has no attendance, whatever was checked in before.

    The contract with media.reach: a list of plain dicts
    ``{"day", "kind", "place", "persons", "sessions"}``.
    """
    rows = (
        Booking.objects.filter(status=Booking.Status.ATTENDED, attended_count__isnull=False)
        .exclude(session__status=Session.Status.CANCELLED)
        .values("session_id", "session__starts_at", "session__event__kind", "session__venue")
        .annotate(persons=Sum("attended_count"))
    )
    tally = {}
    for row in rows:
        day = timezone.localdate(row["session__starts_at"])
        key = (day, row["session__event__kind"], row["session__venue"])
        entry = tally.setdefault(
            key, {"day": day, "kind": key[1], "place": key[2], "persons": 0, "sessions": set()}
        )
        entry["persons"] += row["persons"] or 0
        entry["sessions"].add(row["session_id"])
    return [
        {**entry, "sessions": len(entry["sessions"])}
        for _, entry in sorted(tally.items(), key=lambda item: item[0])
    ]
