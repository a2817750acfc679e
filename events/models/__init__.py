from .access_code import BookingAccessCode
from .booking import Arrival, Booking, OrganizationType
from .event import Event
from .session import Session
from .session_message import SessionMessage

__all__ = [
    "Arrival",
    "Booking",
    "BookingAccessCode",
    "Event",
    "OrganizationType",
    "Session",
    "SessionMessage",
]
