"""SMS behind a small interface; the default writes the message to the log.

A backend is a class whose instances have ``send(phone, message, *, idempotency_id)``.
``idempotency_id`` is the same string on every send of one message (a re-send after a
crash or a failed database write included): pass it to the gateway as its client-side
sequence or request id, which real gateways use to drop a repeat, so that a message is
delivered once. ``send`` raises on failure; the outbox retries it.

The log backend is the default in development and tests; production refuses to start
unless ``SMS_BACKEND`` names a backend explicitly (config/settings/production.py):
``core.sms.LogSMSBackend`` to choose it.
Whatever it runs under, it never writes a live secret: phone numbers, link tokens and
one-time codes are masked (``mask()``).
"""

import logging
import re

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

logger = logging.getLogger("firebreak.sms")

# A mainland mobile number, alone or inside text.
PHONE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
# A secret in a link or text: a long run of URL-safe characters (manage and withdrawal
# tokens are 32–43 of them). Booking references (FB-XXXXXX) are shorter and stay.
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,}")
# A one-time code: 4 to 8 digits standing alone, not inside a word of Latin letters and
# digits (a booking reference such as FB-E6634B stays readable).
CODE = re.compile(r"(?<![A-Za-z\d_:.-])\d{4,8}(?![A-Za-z\d_:.-])")


def mask(text):
    """``text`` with phone numbers, tokens and one-time codes made unusable."""
    text = TOKEN.sub(lambda match: match.group()[:4] + "…", text)
    text = CODE.sub(lambda match: "*" * len(match.group()), text)
    return PHONE.sub(r"\1****\3", text)


class LogSMSBackend:
    def send(self, phone, message, *, idempotency_id):
        logger.info("SMS to %s [%s]: %s", mask(phone), idempotency_id, mask(message))


@checks.register()
def sms_backend_imports(app_configs=None, **kwargs):
    """A backend path that does not import would fail every SMS, one by one, in the worker."""
    try:
        import_string(settings.SMS_BACKEND)
    except ImportError as error:
        return [
            checks.Error(
                f"SMS_BACKEND {settings.SMS_BACKEND!r} cannot be imported: {error}",
                hint="The log backend is core.sms.LogSMSBackend (it was events.sms).",
                id="core.E102",
            )
        ]
    return []


def send_sms(phone, message, *, idempotency_id):
    import_string(settings.SMS_BACKEND)().send(phone, message, idempotency_id=idempotency_id)
