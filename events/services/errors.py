"""What the booking services raise when a rule says no: each carries a message that is
safe to show to the booker or the member of staff."""

from django.utils.translation import gettext_lazy as _

from .. import selectors


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
