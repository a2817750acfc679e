from .booking import Booking, OrganizationType
from .event import Event
from .notification import Notification
from .session import Session

__all__ = ["Booking", "Event", "Notification", "OrganizationType", "Session"]
