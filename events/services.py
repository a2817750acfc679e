"""Writes: every rule about places, the waitlist and a booking's life lives here.

Capacity is a hard invariant: the places held by stored bookings (pending approval
included) never exceed a session's capacity. Every write that could change the count
takes the session's lock first and counts inside the same transaction: a row lock
(``SELECT … FOR UPDATE``) on PostgreSQL; on SQLite the settings open write transactions
IMMEDIATE, so the atomic block holds the database's write lock from BEGIN.
"""

import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Booking, Notification, Session

# Test hooks. The concurrency tests turn the lock off (the control run that must see an
# overbooking) and inject a pause between the availability check and the write.
LOCK_SESSIONS = True


def after_availability_check():
    """Called between counting places and writing the booking; a no-op in production."""


class BookingError(Exception):
    """A rule said no; ``message`` is safe to show to the booker."""

    field = None  # the form field the message belongs to, if any

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class SessionFull(BookingError):
    """The party does not fit; ``left`` and ``party_size`` say by how much."""

    left = None
    party_size = None
    # Whether the waitlist could take this party (it is open, the party fits the room).
    may_wait = False

    @classmethod
    def for_party(cls, session, taken, party_size):
        left = max(session.capacity - taken, 0)
        if party_size > session.capacity:
            message = _(
                "This session takes at most %(capacity)s people; your party is %(size)s."
            ) % {"capacity": session.capacity, "size": party_size}
        elif left:
            message = _("Only %(left)s places are left; your party is %(size)s.") % {
                "left": left,
                "size": party_size,
            }
        else:
            message = _("Sorry, this session is full.")
        error = cls(message)
        error.left, error.party_size = left, party_size
        error.may_wait = selectors.may_wait(session, party_size)
        return error


class IdempotencyConflict(BookingError):
    """The form's one-time key already made a booking, for another session or other data."""


FORM_ALREADY_USED = _(
    "This form has already been used to send a different booking. "
    "Please open the booking form again."
)


class CheckInDayError(BookingError):
    """A check-in on another day than the session's: allowed only with a reason."""

    field = "override_reason"


class SessionCapacityError(BookingError):
    """A session's capacity would fall below the places its bookings hold."""

    field = "capacity"


def lock_session(session_id):
    """The session, locked until the caller's transaction ends; refused outside one.

    Outside ``transaction.atomic`` the lock would end with the query, and the count
    that follows it would be unguarded.
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "lock_session() must run inside transaction.atomic()."
        )
    queryset = Session.objects.select_related("event")
    if LOCK_SESSIONS:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=session_id)


def _notify(booking, kind, reason=""):
    """Write the message to the outbox in the caller's transaction (sent after commit)."""
    from . import notifications

    notifications.record(kind, booking=booking, reason=reason)


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


def create_booking(session_id, *, data, idempotency_key=None, join_waitlist=True, now=None):
    """Book places, or put the party on the waitlist; return ``(booking, created)``.

    ``data`` holds the form's cleaned fields. A repeated ``idempotency_key`` with the
    same session and data returns the booking the first submission made; with anything
    else it raises ``IdempotencyConflict``. Raises ``SessionFull`` when the party does
    not fit and may not wait, ``BookingError`` when a rule says no.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            session = lock_session(session_id)
            # Checked under the lock: a concurrent twin has committed by now.
            existing = resubmitted_booking(session_id, idempotency_key, data, join_waitlist)
            if existing:
                return existing, False
            event = session.event
            _check_window(session, now)
            party_size = data["party_size"]
            _check_party(event, party_size, data.get("adults", 0))
            if (
                event.bookings_per_organization
                and data["organization"]
                and (
                    selectors.active_bookings_of_organization(event, data["organization"])
                    >= event.bookings_per_organization
                )
            ):
                raise BookingError(
                    _("Your organization already holds %(n)s booking(s) for this event.")
                    % {"n": event.bookings_per_organization}
                )
            taken = selectors.places_taken(session.pk)
            after_availability_check()
            if selectors.party_fits(session, party_size, taken):
                status = (
                    Booking.Status.PENDING if event.requires_approval else Booking.Status.CONFIRMED
                )
            elif join_waitlist and selectors.may_wait(session, party_size):
                status = Booking.Status.WAITLISTED
            else:
                raise SessionFull.for_party(session, taken, party_size)
            booking = Booking.objects.create(
                session=session,
                status=status,
                idempotency_key=idempotency_key or None,
                idempotency_digest=(
                    submission_digest(session_id, data, join_waitlist) if idempotency_key else ""
                ),
                privacy_consent_at=now,
                decided_at=now if status == Booking.Status.CONFIRMED else None,
                **{field: data.get(field, "") for field in BOOKER_TEXT_FIELDS},
                party_size=party_size,
                adults=data.get("adults", 0),
            )
            _notify(booking, Notification.Kind(status))
            return booking, True
    except IntegrityError:
        # A twin with the same key committed on another session's lock: return it.
        existing = resubmitted_booking(session_id, idempotency_key, data, join_waitlist)
        if existing:
            return existing, False
        raise


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


def _promote_waitlist(session, now):
    """Move waiting parties that now fit into the session, oldest first.

    Runs under the session's lock. A large party that still does not fit keeps its
    turn; smaller parties behind it may be promoted past it.
    """
    left = session.capacity - selectors.places_taken(session.pk)
    promoted = []
    waiting = Booking.objects.filter(session=session, status=Booking.Status.WAITLISTED).order_by(
        "created_at", "pk"
    )
    for booking in waiting:
        if left <= 0:
            break
        if booking.party_size <= left:
            pending = session.event.requires_approval
            booking.status = Booking.Status.PENDING if pending else Booking.Status.CONFIRMED
            booking.decided_at = None if pending else now
            booking.save(update_fields=["status", "decided_at", "updated_at"])
            left -= booking.party_size
            promoted.append(booking)
            # A party that moves in but still awaits staff must not read "you're in".
            _notify(
                booking,
                Notification.Kind.PROMOTED_PENDING if pending else Notification.Kind.PROMOTED,
            )
    return promoted


def _locked_booking(booking_pk):
    """Lock the booking's session, then re-read the booking under that lock."""
    session_id = Booking.objects.values_list("session_id", flat=True).get(pk=booking_pk)
    session = lock_session(session_id)
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
        session, booking = _locked_booking(booking_pk)
        changeable = Booking.ACTIVE + ((Booking.Status.ATTENDED,) if by_staff else ())
        if booking.status not in changeable:
            raise BookingError(_("This booking can no longer be changed."))
        if not by_staff and now > selectors.change_deadline(session):
            raise BookingError(_("Changes closed before the session; please call us."))
        new_size = changes.get("party_size", booking.party_size)
        new_adults = changes.get("adults", booking.adults)
        _check_party(session.event, new_size, new_adults)
        if booking.holds_places and new_size > booking.party_size:
            taken = selectors.places_taken(session.pk)
            after_availability_check()
            if taken - booking.party_size + new_size > session.capacity:
                raise SessionFull(
                    _("Only %(n)s more places are free in this session.")
                    % {"n": max(session.capacity - taken, 0)}
                )
        for field in CHANGEABLE_FIELDS:
            if field in changes:
                setattr(booking, field, changes[field])
        booking.save()
        _notify(booking, Notification.Kind.CHANGED)
        _promote_waitlist(session, now)
        return booking


def cancel_booking(booking_pk, *, by_staff=False, reason="", now=None):
    """Cancel; before the deadline for the booker, any time for staff. Frees places.

    Returns the waiting bookings that moved into the freed places (often none).
    """
    now = now or timezone.now()
    with transaction.atomic():
        session, booking = _locked_booking(booking_pk)
        if booking.status not in Booking.ACTIVE:
            raise BookingError(_("This booking is not active."))
        if not by_staff and now > selectors.cancel_deadline(session):
            raise BookingError(_("The cancellation deadline has passed; please call us."))
        _cancel(booking, reason, now)
        return _promote_waitlist(session, now)


def _cancel(booking, reason, now):
    """Cancel one booking under its session's lock and tell the booker (and why)."""
    booking.status = Booking.Status.CANCELLED
    booking.status_reason = str(reason).strip()[:300]
    booking.decided_at = now
    booking.save(update_fields=["status", "status_reason", "decided_at", "updated_at"])
    _notify(booking, Notification.Kind.CANCELLED, booking.status_reason)


SESSION_FIELDS = ("event", "starts_at", "ends_at", "venue", "capacity", "status", "note")


def cancellation_reason(session, reason=""):
    """What the bookers of a cancelled session are told: the reason given, else the
    session's staff note (e.g. 因场地维修取消), else that it is cancelled."""
    return str(reason).strip() or session.note.strip() or str(_("The session is cancelled."))


def update_session(session_pk, changes, *, reason="", now=None):
    """Staff edit a session under the same lock as booking; return the session.

    Capacity never goes below the places held: a lower capacity is refused until
    bookings are cancelled or moved. A higher one moves waiting parties in, in
    order. Cancelling the session cancels its active bookings (the booker hears
    ``reason``, or that the session is cancelled) and frees their places; closing
    it only stops new bookings.
    """
    now = now or timezone.now()
    unknown = set(changes) - set(SESSION_FIELDS)
    if unknown:
        raise ValueError(f"Not a session field: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        session = lock_session(session_pk)
        was_cancelled = session.status == Session.Status.CANCELLED
        for field, value in changes.items():
            setattr(session, field, value)
        cancelled = session.status == Session.Status.CANCELLED
        if not cancelled and {"event", "starts_at", "ends_at", "capacity"} & set(changes):
            for field, message in session.event.venue_problems(
                session.starts_at, session.ends_at, session.capacity
            ):
                error = BookingError(message)
                error.field = field
                raise error
        if not cancelled:
            taken = selectors.places_taken(session.pk)
            if session.capacity < taken:
                raise SessionCapacityError(
                    _(
                        "%(taken)s places are held in this session, so the capacity cannot "
                        "be lower than %(taken)s. Cancel or reduce bookings first."
                    )
                    % {"taken": taken}
                )
        session.save()
        if cancelled and not was_cancelled:
            reason = cancellation_reason(session, reason)
            for booking in Booking.objects.filter(session=session, status__in=Booking.ACTIVE):
                _cancel(booking, reason, now)
        elif not cancelled:
            _promote_waitlist(session, now)
        return session


def approve_booking(booking_pk, *, now=None):
    now = now or timezone.now()
    with transaction.atomic():
        session, booking = _locked_booking(booking_pk)
        if booking.status != Booking.Status.PENDING:
            raise BookingError(_("Only bookings awaiting approval can be approved."))
        booking.status = Booking.Status.CONFIRMED
        booking.decided_at = now
        booking.save(update_fields=["status", "decided_at", "updated_at"])
        _notify(booking, Notification.Kind.CONFIRMED)
        return booking


def reject_booking(booking_pk, reason, *, now=None):
    now = now or timezone.now()
    if not str(reason).strip():
        raise BookingError(_("Give the booker a reason."))
    with transaction.atomic():
        session, booking = _locked_booking(booking_pk)
        if booking.status not in (Booking.Status.PENDING, Booking.Status.WAITLISTED):
            raise BookingError(_("Only pending or waitlisted bookings can be rejected."))
        booking.status = Booking.Status.REJECTED
        booking.status_reason = str(reason).strip()[:300]
        booking.decided_at = now
        booking.save(update_fields=["status", "status_reason", "decided_at", "updated_at"])
        _notify(booking, Notification.Kind.REJECTED, booking.status_reason)
        _promote_waitlist(session, now)
        return booking


def check_in(booking_pk, attended_count, *, now=None, override_reason=""):
    """Record the people who came at the door: no more than the party booked.

    Attendance is reach, and the places were held for the party size; a bigger group
    at the door is booked up first (the party size changed), then checked in. People
    count only on the session's own day: on another day staff must say why, and the
    reason is kept with the booking. A cancelled session has no attendance.
    """
    now = now or timezone.now()
    if attended_count < 0:
        raise BookingError(_("Enter the number of people who came."))
    override_reason = (override_reason or "").strip()
    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("session").get(pk=booking_pk)
        if booking.session.status == Session.Status.CANCELLED:
            raise BookingError(_("This session is cancelled: nobody can be checked in."))
        if booking.status not in (Booking.Status.CONFIRMED, Booking.Status.ATTENDED):
            raise BookingError(_("Only confirmed bookings can be checked in."))
        if attended_count > booking.party_size:
            raise BookingError(
                _(
                    "The booking is for %(n)s people. Change the party size first if more "
                    "came, then check in."
                )
                % {"n": booking.party_size}
            )
        session_day = timezone.localdate(booking.session.starts_at)
        fields = ["status", "attended_count", "checked_in_at", "updated_at"]
        if timezone.localdate(now) != session_day:
            if not override_reason:
                raise CheckInDayError(
                    _(
                        "This session is on %(day)s: people count as attended only on that "
                        "day. To check in anyway, give the reason."
                    )
                    % {"day": session_day.isoformat()}
                )
            booking.status_reason = _("Checked in on %(day)s: %(reason)s") % {
                "day": timezone.localdate(now).isoformat(),
                "reason": override_reason,
            }
            booking.status_reason = booking.status_reason[:300]
            fields.append("status_reason")
        booking.status = Booking.Status.ATTENDED
        booking.attended_count = attended_count
        booking.checked_in_at = now
        booking.save(update_fields=fields)
        return booking


def mark_no_show(booking_pk, *, now=None):
    now = now or timezone.now()
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking_pk)
        if booking.status != Booking.Status.CONFIRMED:
            raise BookingError(_("Only confirmed bookings can be marked as no-show."))
        if now < booking.session.starts_at:
            raise BookingError(_("A party can only be a no-show once the session has started."))
        booking.status = Booking.Status.NO_SHOW
        booking.attended_count = 0
        booking.save(update_fields=["status", "attended_count", "updated_at"])
        return booking


def send_due_reminders(*, now=None, hours=None):
    """Queue a reminder for each confirmed booking whose session starts within ``hours``.

    Each booking is claimed by a conditional update, so a reminder goes out once even
    if two workers run this at the same time.
    """
    from django.conf import settings

    now = now or timezone.now()
    hours = settings.BOOKING_REMINDER_HOURS if hours is None else hours
    due = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        session__starts_at__gt=now,
        session__starts_at__lte=now + timedelta(hours=hours),
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Booking.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if claimed:
                _notify(Booking(pk=pk), Notification.Kind.REMINDER)
                sent += 1
    return sent
