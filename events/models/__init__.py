from .booking import Booking, OrganizationType
from .event import Event
from .session import Session

__all__ = ["Booking", "Event", "OrganizationType", "Session"]
