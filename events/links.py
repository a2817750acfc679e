"""The secret manage link: an HMAC of the booking's reference and a per-booking salt.

Stored rows hold only the salt, so a copy of the database gives no working link; the
link stops working 30 days after the session ends.
"""

import hmac
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

LINK_LIFETIME_AFTER_SESSION = timedelta(days=30)


def manage_token(booking):
    return salted_hmac(
        "events.manage-link", f"{booking.reference}:{booking.manage_salt}", algorithm="sha256"
    ).hexdigest()[:40]


def link_alive(booking, now=None):
    """Whether the booking's manage link still works (until 30 days after the session)."""
    now = now or timezone.now()
    return now <= booking.session.ends_at + LINK_LIFETIME_AFTER_SESSION


def token_matches(booking, token, now=None):
    if not hmac.compare_digest(manage_token(booking), str(token)):
        return False
    return link_alive(booking, now)


def manage_path(booking, name="events:manage"):
    return reverse(name, kwargs={"reference": booking.reference, "token": manage_token(booking)})
