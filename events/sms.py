"""SMS behind a small interface; the default writes the message to the log."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("firebreak.sms")


class LogSMSBackend:
    def send(self, phone, message):
        masked = f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "***"
        logger.info("SMS to %s: %s", masked, message)


def send_sms(phone, message):
    import_string(settings.SMS_BACKEND)().send(phone, message)
