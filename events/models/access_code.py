import hmac
import secrets
from datetime import timedelta

from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

CODE_DIGITS = 6


def new_code_salt():
    return secrets.token_hex(16)


class BookingAccessCode(models.Model):
    """The one-time code that opens a booking's manage page for someone who lost the link.

    The code itself is never stored: it is an HMAC of a per-code random salt under
    ``SECRET_KEY`` (the manage link's scheme, events/links.py), so the row holds only a
    keyed hash's input and a copy of the database gives no working code. The send task
    and the check both derive it again. One code per booking at a time (a new request
    replaces the row, voiding the old code); a used code and a code with too many wrong
    tries are deleted (events/find.py).
    """

    wagtail_reference_index_ignore = True
    LIFETIME = timedelta(minutes=10)

    booking = models.OneToOneField(
        "events.Booking",
        verbose_name=_("booking"),
        on_delete=models.CASCADE,
        related_name="access_code",
    )
    salt = models.CharField(max_length=32, default=new_code_salt, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    failed_attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)

    class Meta:
        verbose_name = _("booking access code")
        verbose_name_plural = _("booking access codes")

    def __str__(self):
        return f"{self.booking_id} · {self.expires_at:%Y-%m-%d %H:%M}"

    def code(self):
        """The six digits sent by SMS, derived again whenever needed."""
        digest = salted_hmac(
            "events.booking-access-code", f"{self.booking_id}:{self.salt}", algorithm="sha256"
        ).digest()
        return f"{int.from_bytes(digest[:8]) % 10**CODE_DIGITS:0{CODE_DIGITS}d}"

    def matches(self, code):
        return hmac.compare_digest(self.code(), str(code))
