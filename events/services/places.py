"""Places: the capacity invariant, kept by one counter on the session.

Capacity is a hard invariant: the places held by stored bookings (``Booking.HOLDING``,
pending approval included) never exceed a session's capacity. ``Session.taken`` holds
that sum, and every write that changes a booking's held places moves it in the same
transaction; a check constraint keeps it within the capacity.

A new booking takes its places with one conditional statement,
``UPDATE … SET taken = taken + n WHERE pk = … AND taken + n <= capacity``: the database
decides whether the party fits and holds the places in one step, so concurrent
bookings of one session never wait for each other's checks, only for the row during
the few statements before commit. Everything else that moves places (cancelling,
changing, promoting from the waitlist, staff edits, joining the waitlist) is rarer and
takes the session's lock first (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the
settings open write transactions IMMEDIATE, so every writer holds the database's write
lock from BEGIN).
"""

from django.db import transaction
from django.db.models import F

from core import outbox
from core.outbox import Kind

from .. import selectors
from ..models import Booking, Session
from .errors import SessionFull

# Test hooks. The concurrency tests turn the guard off (the control run, which must see
# an overbooking: places are then checked against a count read earlier and written
# back, and sessions are not locked) and inject a pause between the check and the write.
GUARD_PLACES = True


def after_availability_check():
    """Called between counting places and writing them; a no-op in production."""


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
    if GUARD_PLACES:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=session_id)


def taken_now(session_id):
    """The counter as stored now (after a refused claim, for the booker's message)."""
    return Session.objects.values_list("taken", flat=True).get(pk=session_id)


def hold(session, places):
    """Hold ``places`` more places in ``session`` if they fit; True when held.

    ``session.taken`` is the count the caller read; the guarded statement does not
    trust it and decides on the stored count.
    """
    taken = session.taken
    after_availability_check()
    rows = Session.objects.filter(pk=session.pk)
    if GUARD_PLACES:
        held = rows.filter(selectors.room_for(places)).update(taken=F("taken") + places)
    elif selectors.party_fits(session, places, taken):
        # The control run: the check-then-write the guarded statement replaces.
        held = rows.update(taken=taken + places)
    else:
        held = 0
    if held:
        session.taken = taken + places
    return bool(held)


def release(session, places):
    """Give back places a booking no longer holds (cancelled, rejected, made smaller)."""
    if places:
        Session.objects.filter(pk=session.pk).update(taken=F("taken") - places)
        session.taken -= places


def holding_status(session):
    """The status of a booking that holds places in ``session``: confirmed, or pending
    where staff approve each booking."""
    if session.event.requires_approval:
        return Booking.Status.PENDING
    return Booking.Status.CONFIRMED


def status_for(session, party_size, *, join_waitlist):
    """Hold the party's places, or queue it; the status its booking gets.

    Raises ``SessionFull`` when the party neither fits nor may wait.
    """
    holding = holding_status(session)
    if hold(session, party_size):
        return holding
    if join_waitlist and selectors.may_wait(session, party_size):
        # Join the queue under the session's lock: a cancellation promotes under the same
        # lock, so places freed meanwhile are either found here or give this party its
        # turn there. Nobody who fits is left waiting while places are free.
        session.taken = lock_session(session.pk).taken
        return holding if hold(session, party_size) else Booking.Status.WAITLISTED
    raise SessionFull.for_party(session, taken_now(session.pk), party_size)


def notify(booking, kind, reason=""):
    """Write the message to the outbox in the caller's transaction (sent after commit)."""
    outbox.record(kind, source_id=booking.pk, reason=reason)


def promote_waitlist(session, now):
    """Move waiting parties that now fit into the session, oldest first.

    Runs under the session's lock. A large party that still does not fit keeps its
    turn; smaller parties behind it may be promoted past it.
    """
    promoted = []
    waiting = Booking.objects.filter(session=session, status=Booking.Status.WAITLISTED).order_by(
        "created_at", "pk"
    )
    for booking in waiting:
        if selectors.places_left(session) <= 0:
            break
        if selectors.party_fits(session, booking.party_size) and hold(session, booking.party_size):
            pending = session.event.requires_approval
            booking.status = Booking.Status.PENDING if pending else Booking.Status.CONFIRMED
            booking.decided_at = None if pending else now
            booking.save(update_fields=["status", "decided_at", "updated_at"])
            promoted.append(booking)
            # A party that moves in but still awaits staff must not read "you're in".
            notify(
                booking,
                Kind.PROMOTED_PENDING if pending else Kind.PROMOTED,
            )
    return promoted


def recount(session_id):
    """Set the counter to the places the session's stored bookings hold; the new count.

    For rows written outside these services (demo content, fixtures, a repair): the
    services keep the counter exact themselves.
    """
    taken = selectors.places_taken(session_id)
    Session.objects.filter(pk=session_id).update(taken=taken)
    return taken
