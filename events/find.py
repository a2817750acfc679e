"""Find my booking: reference and mobile phone, then a one-time code by SMS, then the
booking's manage page.

The rules, here and nowhere else:

- Asking never tells whether a reference exists or matches the phone: the caller shows
  the same answer either way, and a code goes out only when both match a booking whose
  manage link still works and whose contact data is not erased.
- A code is six digits, valid for ``BookingAccessCode.LIFETIME``, single use, and void after
  ``MAX_WRONG_TRIES`` wrong tries; a new request voids the previous code (one row per
  booking, replaced). The code is never stored (``BookingAccessCode``).
- The SMS goes through the outbox, whose task carries the outbox row's id only.
- A check only counts against a code when the phone the person gave matches the
  booking, so someone who knows a reference alone cannot burn a teacher's code.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from core import outbox
from core.outbox import Kind

from .links import link_alive
from .models import Booking, BookingAccessCode

MAX_WRONG_TRIES = 5


def phone_digest(phone):
    """What a visitor's session keeps of the phone they typed: a keyed hash, not the number."""
    return salted_hmac("events.find-booking-phone", phone, algorithm="sha256").hexdigest()


def request_code(reference, phone, *, now=None):
    """Send a new code if ``reference`` and ``phone`` match a findable booking.

    Returns the new ``BookingAccessCode`` or None; callers must not show the difference.
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("session")
            .filter(reference=reference, phone=phone, personal_data_erased_at__isnull=True)
            .first()
        )
        if booking is None or not link_alive(booking, now):
            return None
        # Under the booking's lock: two requests at once leave exactly one live code.
        BookingAccessCode.objects.filter(booking=booking).delete()
        access = BookingAccessCode.objects.create(
            booking=booking, expires_at=now + BookingAccessCode.LIFETIME
        )
        outbox.record(Kind.ACCESS_CODE, source_id=access.pk)
    return access


def redeem_code(reference, digest, code, *, now=None):
    """The booking whose live code this is, spending the code; None when it does not open.

    ``digest`` is ``phone_digest()`` of the phone given when the code was asked for.
    A wrong code counts one try; the try that reaches ``MAX_WRONG_TRIES`` voids it.
    """
    now = now or timezone.now()
    access = (
        BookingAccessCode.objects.select_related("booking__session")
        .filter(booking__reference=reference, expires_at__gt=now)
        .first()
    )
    if access is None or not constant_time_compare(phone_digest(access.booking.phone), digest):
        return None
    live = BookingAccessCode.objects.filter(
        pk=access.pk, expires_at__gt=now, failed_attempts__lt=MAX_WRONG_TRIES
    )
    if access.matches(code):
        # Deleting is the spending: of two requests with the right code, one deletes it.
        if live.delete()[0] and link_alive(access.booking, now):
            return access.booking
        return None
    live.update(failed_attempts=F("failed_attempts") + 1)
    BookingAccessCode.objects.filter(pk=access.pk, failed_attempts__gte=MAX_WRONG_TRIES).delete()
    return None
