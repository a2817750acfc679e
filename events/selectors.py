"""Reads: places left, what is bookable, rosters, attendance for reach."""

from datetime import datetime, timedelta

from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from education import geography

from .models import Booking, Event, Session


class Availability:
    """What a visitor can do with a session right now."""

    OPEN = "open"
    FULL = "full"  # no places, no waitlist
    WAITLIST = "waitlist"  # no places, the waitlist takes parties
    NOT_YET = "not_yet"  # booking has not opened
    CLOSED = "closed"  # past the lead time, closed by staff, cancelled or over


def places_taken(session_id):
    """Places held by stored bookings (pending approval included), counted from the rows.

    ``Session.taken`` keeps this sum as bookings change; this is what it must equal.
    """
    return Booking.objects.filter(session_id=session_id, status__in=Booking.HOLDING).aggregate(
        total=Coalesce(Sum("party_size"), 0)
    )["total"]


def places_left(session):
    return max(session.capacity - session.taken, 0)


def party_fits(session, party_size, taken=None):
    """The capacity rule: a party fits when the places held plus the party stay within it.

    Pages call it with the session as read, to tell the visitor before they submit; the
    services hold places with ``room_for``, the same rule as a condition the database
    checks in the statement that holds them.
    """
    if taken is None:
        taken = session.taken
    return taken + party_size <= session.capacity


def room_for(party_size):
    """``party_fits`` as a query condition on sessions (see ``services.places.hold``)."""
    return Q(taken__lte=F("capacity") - party_size)


def may_wait(session, party_size):
    """A party that does not fit may wait when the waitlist is open and it could ever fit."""
    return session.event.waitlist_enabled and party_size <= session.capacity


def booking_opens_at(session):
    return session.starts_at - timedelta(days=session.event.opens_days_before)


def booking_closes_at(session):
    return session.starts_at - timedelta(hours=session.event.lead_time_hours)


def online_close_at(session):
    """When the event sets a time of day for online changes to close, that moment.

    ``online_close_days_before`` days before the session's local date, at
    ``online_close_time`` (never after the start); None when the event sets no time, and
    the hour-based deadlines apply.
    """
    event = session.event
    if event.online_close_time is None:
        return None
    day = timezone.localdate(session.starts_at) - timedelta(days=event.online_close_days_before)
    closes = timezone.make_aware(datetime.combine(day, event.online_close_time))
    return min(closes, session.starts_at)


def change_deadline(session):
    """The booker's last moment to change party size or contact.

    When booking closes, or earlier when the event closes online changes at a time of
    day: a bigger party is a new claim on places, and the day's roster is settled when
    booking closes. The rules shown to bookers state this deadline on its own line.
    """
    closes = booking_closes_at(session)
    online = online_close_at(session)
    return closes if online is None else min(closes, online)


def cancel_deadline(session):
    online = online_close_at(session)
    if online is not None:
        return online
    return session.starts_at - timedelta(hours=session.event.cancel_hours)


def sessions_on(day):
    """The sessions of one local day that still take place, with their places taken."""
    return (
        Session.objects.filter(starts_at__date=day)
        .exclude(status=Session.Status.CANCELLED)
        .select_related("event")
        .with_places_taken()
        .order_by("starts_at")
    )


def booker_may_change(booking, now=None):
    """Whether the booker may still change the booking through the manage link."""
    now = now or timezone.now()
    return booking.status in Booking.ACTIVE and now <= change_deadline(booking.session)


def booker_may_cancel(booking, now=None):
    """Whether the booker may still cancel the booking through the manage link."""
    now = now or timezone.now()
    return booking.status in Booking.ACTIVE and now <= cancel_deadline(booking.session)


def is_session_day(session, now=None):
    """Whether ``now`` falls on the session's own (local) day: people checked in on
    another day count only with a reason."""
    return timezone.localdate(now or timezone.now()) == timezone.localdate(session.starts_at)


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


def sessions_listing(now=None, kind=None, events=None, site=None):
    """Upcoming sessions of published events, with places taken in the same query; of
    ``site``'s events only when given (an event's site is its page's,
    ``education/geography.py``)."""
    now = now or timezone.now()
    sessions = (
        Session.objects.filter(event__is_published=True, starts_at__gt=now)
        .exclude(status=Session.Status.CANCELLED)
        .select_related("event")
        .order_by("starts_at", "pk")
    )
    if kind:
        sessions = sessions.filter(event__kind=kind)
    if events is not None:
        sessions = sessions.filter(event__in=events)
    if site is not None:
        sessions = sessions.filter(geography.page_filter(site, "event__page__"))
    return sessions


def sessions_for_page(page, now=None):
    """Sessions of the events linked to ``page`` or to any of its translations."""
    events = Event.objects.filter(
        is_published=True, page__translation_key=page.translation_key
    ).values("pk")
    return sessions_listing(now=now, events=events)


def upcoming_bookable(limit=4, now=None, site=None):
    now = now or timezone.now()
    listing = sessions_listing(now=now, site=site)
    sessions = [s for s in listing[: limit * 5] if places_left(s) > 0]
    return [s for s in sessions if availability(s, now) == Availability.OPEN][:limit]


def sessions_with_room(session, party_size, now=None, limit=5):
    """Other sessions of the same event, open for booking now, where the party fits."""
    now = now or timezone.now()
    others = sessions_listing(now=now).filter(event_id=session.event_id).exclude(pk=session.pk)
    fitting = []
    for other in others[: limit * 10]:
        if availability(other, now) == Availability.OPEN and places_left(other) >= party_size:
            fitting.append(other)
            if len(fitting) == limit:
                break
    return fitting


def waitlist_position(booking):
    """The party's place in its session's queue (1 is next), or None when not waiting.

    The queue is the order promotion follows: oldest first.
    """
    if booking.status != Booking.Status.WAITLISTED:
        return None
    ahead = Booking.objects.filter(
        session_id=booking.session_id, status=Booking.Status.WAITLISTED
    ).filter(
        Q(created_at__lt=booking.created_at) | Q(created_at=booking.created_at, pk__lt=booking.pk)
    )
    return ahead.count() + 1


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
    ``{"day", "kind", "place", "page_id", "persons", "sessions"}``; ``page_id`` is the
    event's page (its site is the figure's site), or None.
    """
    rows = (
        Booking.objects.filter(status=Booking.Status.ATTENDED, attended_count__isnull=False)
        .exclude(session__status=Session.Status.CANCELLED)
        .values(
            "session_id",
            "session__starts_at",
            "session__event__kind",
            "session__venue",
            "session__event__page_id",
        )
        .annotate(persons=Sum("attended_count"))
    )
    tally = {}
    for row in rows:
        day = timezone.localdate(row["session__starts_at"])
        key = (
            day,
            row["session__event__kind"],
            row["session__venue"],
            row["session__event__page_id"],
        )
        entry = tally.setdefault(
            key,
            {
                "day": day,
                "kind": key[1],
                "place": key[2],
                "page_id": key[3],
                "persons": 0,
                "sessions": set(),
            },
        )
        entry["persons"] += row["persons"] or 0
        entry["sessions"].add(row["session_id"])
    return [
        {**entry, "sessions": len(entry["sessions"])}
        for _, entry in sorted(tally.items(), key=lambda item: (*item[0][:3], item[0][3] or 0))
    ]
