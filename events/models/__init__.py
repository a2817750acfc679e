from .access_code import BookingAccessCode
from .booking import Arrival, Booking, OrganizationType
from .event import Event
from .notification import Notification
from .session import Session

__all__ = [
    "Arrival",
    "Booking",
    "BookingAccessCode",
    "Event",
    "Notification",
    "OrganizationType",
    "Session",
]
