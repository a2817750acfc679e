"""A booking's life as the booker lives it: book (or wait), resubmit, change, cancel.

The places themselves are held and given back by ``places``; the party rules and the
booking window are stated here once, for the form and the services alike.
"""

import functools
import json

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from core.outbox import Kind

from .. import selectors
from ..models import Booking, Session
from . import places
from .errors import FORM_ALREADY_USED, BookingError, IdempotencyConflict, SessionFull


def party_problems(event, party_size, adults):
    """Every way a party breaks the event's rules, as ``(form field, message)`` pairs.

    The one statement of the party rules: the form shows all of them at once, the
    services refuse on the first.
    """
    problems = []
    if party_size < event.party_min or party_size > event.party_max:
        problems.append(
            (
                "party_size",
                _("This event takes parties of %(min)s to %(max)s people.")
                % {"min": event.party_min, "max": event.party_max},
            )
        )
    if adults > party_size:
        problems.append(("adults", _("Accompanying adults cannot outnumber the whole party.")))
    children = party_size - adults
    if event.children_per_adult and children and adults * event.children_per_adult < children:
        problems.append(
            (
                "adults",
                _("Bring at least one accompanying adult for every %(n)s children.")
                % {"n": event.children_per_adult},
            )
        )
    return problems


def _check_party(event, party_size, adults):
    for field, message in party_problems(event, party_size, adults):
        error = BookingError(message)
        error.field = field
        raise error


def _check_window(session, now):
    state = selectors.availability(session, now)
    if state == selectors.Availability.CLOSED:
        raise BookingError(_("Booking for this session is closed."))
    if state == selectors.Availability.NOT_YET:
        raise BookingError(_("Booking for this session has not opened yet."))


def submission_digest(session_id, data, join_waitlist=True):
    """A keyed hash of what a booking form submitted, for its session.

    Keyed with SECRET_KEY: the stored digest reveals nothing of the phone number or
    names it covers, and cannot be forged from them.
    """
    submitted = [
        session_id,
        *(str(data.get(field, "")) for field in BOOKER_TEXT_FIELDS),
        data["party_size"],
        data.get("adults", 0),
        bool(join_waitlist),
    ]
    return salted_hmac("events.booking.idempotency", json.dumps(submitted)).hexdigest()


def resubmitted_booking(session_id, idempotency_key, data, join_waitlist=True):
    """The booking an earlier submission of this very form made, or None.

    A form's key answers only for its own session and the same submitted data: anything
    else raises ``IdempotencyConflict`` and never shows the earlier booking.
    """
    if not idempotency_key:
        return None
    existing = Booking.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    digest = submission_digest(session_id, data, join_waitlist)
    if existing.session_id != session_id or not constant_time_compare(
        existing.idempotency_digest, digest
    ):
        raise IdempotencyConflict(FORM_ALREADY_USED)
    return existing


def _check_organization_limit(event, organization):
    """An organization holds at most ``bookings_per_organization`` active bookings of
    the event. Counted under a lock on the organization's name for this event, so two
    of its bookings sent at once cannot both pass (SQLite's write lock does the same)."""
    if not (event.bookings_per_organization and organization):
        return
    if places.GUARD_PLACES and connection.vendor == "postgresql":
        name = organization.strip().casefold()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, %s))", [name, event.pk]
            )
    if selectors.active_bookings_of_organization(event, organization) >= (
        event.bookings_per_organization
    ):
        raise BookingError(
            _("Your organization already holds %(n)s booking(s) for this event.")
            % {"n": event.bookings_per_organization}
        )


class PlacesWentMeanwhile(Exception):
    """The places a party was read to fit were taken before its claim reached them."""


def create_booking(
    session_id,
    *,
    data,
    idempotency_key=None,
    join_waitlist=True,
    now=None,
    session=None,
    admit=None,
):
    """Book places, or put the party on the waitlist; return ``(booking, created)``.

    ``data`` holds the form's cleaned fields. A repeated ``idempotency_key`` with the
    same session and data returns the booking the first submission made; with anything
    else it raises ``IdempotencyConflict``. Raises ``SessionFull`` when the party does
    not fit and may not wait, ``BookingError`` when a rule says no.

    ``session``: the session (its event joined) as the caller already read it, which
    saves reading it again; whether the party fits is decided on the stored count all
    the same. ``admit``: called once the submission is known to be new, before anything
    is written; whatever it raises refuses the booking (the view's rate limits, which
    a replay of a form that already booked never counts against).

    A party that fits by the count as read has its rows written first and its places
    claimed last, so that the session's row is held only for the claim and the commit:
    that row is what every booking of a hot session waits for. When the claim finds the
    places gone meanwhile, everything rolls back and the booking is made again the
    careful way (``places.status_for``: hold, or join the waitlist under the session's
    lock, or ``SessionFull``). A twin sent at the same moment with the same key fails
    on the key's unique constraint, its transaction (places included) rolls back, and
    it returns the booking the first one made.
    """
    now = now or timezone.now()
    if admit is not None:
        admit = functools.cache(admit)  # once, even when the booking is made again below
    book = functools.partial(
        _book, session_id, data, idempotency_key, join_waitlist, now, session, admit
    )
    try:
        try:
            return book(claim_last=True)
        except PlacesWentMeanwhile:
            return book(claim_last=False)
    except IntegrityError:
        # A twin with the same key committed first: return its booking.
        existing = resubmitted_booking(session_id, idempotency_key, data, join_waitlist)
        if existing:
            return existing, False
        raise


def _book(session_id, data, idempotency_key, join_waitlist, now, session, admit, *, claim_last):
    with transaction.atomic():
        existing = resubmitted_booking(session_id, idempotency_key, data, join_waitlist)
        if existing:
            return existing, False
        if admit is not None:
            admit()
        if session is None or session.pk != session_id:
            session = Session.objects.select_related("event").get(pk=session_id)
        event = session.event
        _check_window(session, now)
        party_size = data["party_size"]
        _check_party(event, party_size, data.get("adults", 0))
        _check_organization_limit(event, data["organization"])
        key = {
            "idempotency_key": idempotency_key or None,
            "idempotency_digest": (
                submission_digest(session_id, data, join_waitlist) if idempotency_key else ""
            ),
        }
        if claim_last and selectors.party_fits(session, party_size):
            booking = _write(session, places.holding_status(session), data, key, now)
            if not places.hold(session, party_size):
                raise PlacesWentMeanwhile
            return booking, True
        status = places.status_for(session, party_size, join_waitlist=join_waitlist)
        return _write(session, status, data, key, now), True


def _write(session, status, data, key, now):
    """The booking's row (``key``: its idempotency fields) and its message in the outbox."""
    booking = Booking.objects.create(
        session=session,
        status=status,
        **key,
        privacy_consent_at=now,
        decided_at=now if status == Booking.Status.CONFIRMED else None,
        **{field: data.get(field, "") for field in BOOKER_TEXT_FIELDS},
        party_size=data["party_size"],
        adults=data.get("adults", 0),
    )
    places.notify(booking, Kind(status))
    return booking


BOOKER_TEXT_FIELDS = (
    "organization",
    "organization_type",
    "contact_name",
    "phone",
    "email",
    "group",
    "notes",
    "address",
    "preferred_dates",
    "arrival",
)
CHANGEABLE_FIELDS = ("contact_name", "phone", "email", "party_size", "adults", "group", "notes")


def locked_booking(booking_pk):
    """Lock the booking's session, then re-read the booking under that lock."""
    session_id = Booking.objects.values_list("session_id", flat=True).get(pk=booking_pk)
    session = places.lock_session(session_id)
    booking = Booking.objects.select_related("session__event").get(pk=booking_pk)
    return session, booking


def change_booking(booking_pk, changes, *, by_staff=False, now=None):
    """Change party size or contact within the rules; a smaller party frees places.

    The booker may change an active booking until the change deadline. Staff may
    change it after that too, an attended party included (more came than were
    booked); capacity still holds for everyone.
    """
    now = now or timezone.now()
    with transaction.atomic():
        session, booking = locked_booking(booking_pk)
        changeable = Booking.ACTIVE + ((Booking.Status.ATTENDED,) if by_staff else ())
        if booking.status not in changeable:
            raise BookingError(_("This booking can no longer be changed."))
        if not by_staff and not selectors.booker_may_change(booking, now):
            raise BookingError(_("Changes closed before the session; please call us."))
        new_size = changes.get("party_size", booking.party_size)
        new_adults = changes.get("adults", booking.adults)
        _check_party(session.event, new_size, new_adults)
        if booking.holds_places and new_size > booking.party_size:
            if not places.hold(session, new_size - booking.party_size):
                raise SessionFull(
                    _("Only %(n)s more places are free in this session.")
                    % {"n": max(session.capacity - places.taken_now(session.pk), 0)}
                )
        elif booking.holds_places:
            places.release(session, booking.party_size - new_size)
        for field in CHANGEABLE_FIELDS:
            if field in changes:
                setattr(booking, field, changes[field])
        booking.save()
        places.notify(booking, Kind.CHANGED)
        places.promote_waitlist(session, now)
        return booking


def cancel_booking(booking_pk, *, by_staff=False, reason="", now=None):
    """Cancel; before the deadline for the booker, any time for staff. Frees places.

    Returns the waiting bookings that moved into the freed places (often none).
    """
    now = now or timezone.now()
    with transaction.atomic():
        session, booking = locked_booking(booking_pk)
        if booking.status not in Booking.ACTIVE:
            raise BookingError(_("This booking is not active."))
        if not by_staff and not selectors.booker_may_cancel(booking, now):
            raise BookingError(_("The cancellation deadline has passed; please call us."))
        cancel_under_lock(session, booking, reason, now)
        return places.promote_waitlist(session, now)


def cancel_under_lock(session, booking, reason, now):
    """Cancel one booking under its session's lock, give back the places it held, and
    tell the booker (and why)."""
    if booking.holds_places:
        places.release(session, booking.party_size)
    booking.status = Booking.Status.CANCELLED
    booking.status_reason = str(reason).strip()[:300]
    booking.decided_at = now
    booking.save(update_fields=["status", "status_reason", "decided_at", "updated_at"])
    places.notify(booking, Kind.CANCELLED, booking.status_reason)
