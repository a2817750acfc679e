"""Writes: every rule about places, the waitlist and a booking's life lives here.

- ``places``: the capacity invariant (the session's counter, held and given back), the
  session lock, waitlist promotion;
- ``booking``: booking, resubmitting, changing and cancelling, as the booker does;
- ``staff``: session edits, approval, rejection, check-in and no-shows;
- ``reminders``: reminders before a session;
- ``errors``: what they raise when a rule says no.

Callers import from ``events.services``; the concurrency tests' hooks
(``GUARD_PLACES``, ``after_availability_check``) live in ``events.services.places``.
"""

from .booking import (
    BOOKER_TEXT_FIELDS,
    CHANGEABLE_FIELDS,
    cancel_booking,
    change_booking,
    create_booking,
    party_problems,
    resubmitted_booking,
    submission_digest,
)
from .errors import (
    FORM_ALREADY_USED,
    BookingError,
    CheckInDayError,
    IdempotencyConflict,
    SessionCapacityError,
    SessionFull,
)
from .places import lock_session, recount
from .reminders import send_due_reminders
from .staff import (
    SESSION_FIELDS,
    approve_booking,
    cancellation_reason,
    check_in,
    mark_no_show,
    reject_booking,
    update_session,
)

__all__ = [
    "BOOKER_TEXT_FIELDS",
    "CHANGEABLE_FIELDS",
    "FORM_ALREADY_USED",
    "SESSION_FIELDS",
    "BookingError",
    "CheckInDayError",
    "IdempotencyConflict",
    "SessionCapacityError",
    "SessionFull",
    "approve_booking",
    "cancel_booking",
    "cancellation_reason",
    "change_booking",
    "check_in",
    "create_booking",
    "lock_session",
    "mark_no_show",
    "party_problems",
    "recount",
    "reject_booking",
    "resubmitted_booking",
    "send_due_reminders",
    "submission_digest",
    "update_session",
]
