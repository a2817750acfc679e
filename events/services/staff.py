"""Staff's side of booking: session edits, approval, rejection, check-in, no-shows.

Every change that moves places takes the session's lock (``places.lock_session``) and
moves the counter through ``places``, as the booker's own changes do.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.outbox import Kind

from .. import selectors
from ..models import Booking, Session
from . import places
from .booking import cancel_under_lock, locked_booking
from .errors import BookingError, CheckInDayError, SessionCapacityError

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
        session = places.lock_session(session_pk)
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
            taken = session.taken
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
                cancel_under_lock(session, booking, reason, now)
        elif not cancelled:
            places.promote_waitlist(session, now)
        return session


def approve_booking(booking_pk, *, now=None):
    now = now or timezone.now()
    with transaction.atomic():
        session, booking = locked_booking(booking_pk)
        if booking.status != Booking.Status.PENDING:
            raise BookingError(_("Only bookings awaiting approval can be approved."))
        booking.status = Booking.Status.CONFIRMED
        booking.decided_at = now
        booking.save(update_fields=["status", "decided_at", "updated_at"])
        places.notify(booking, Kind.CONFIRMED)
        return booking


def reject_booking(booking_pk, reason, *, now=None):
    now = now or timezone.now()
    if not str(reason).strip():
        raise BookingError(_("Give the booker a reason."))
    with transaction.atomic():
        session, booking = locked_booking(booking_pk)
        if booking.status not in (Booking.Status.PENDING, Booking.Status.WAITLISTED):
            raise BookingError(_("Only pending or waitlisted bookings can be rejected."))
        if booking.holds_places:
            places.release(session, booking.party_size)
        booking.status = Booking.Status.REJECTED
        booking.status_reason = str(reason).strip()[:300]
        booking.decided_at = now
        booking.save(update_fields=["status", "status_reason", "decided_at", "updated_at"])
        places.notify(booking, Kind.REJECTED, booking.status_reason)
        places.promote_waitlist(session, now)
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
        if not selectors.is_session_day(booking.session, now):
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
