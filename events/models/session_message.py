from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SessionMessage(models.Model):
    """A message staff sent to every booker of a session (events/broadcast.py).

    ``key`` comes with the confirmation form: sending the same form twice (a double
    click, a retry) finds this row and writes no second round of messages.
    """

    wagtail_reference_index_ignore = True

    class Audience(models.TextChoices):
        HOLDING = "holding", _("Bookings holding places")
        ALL_ACTIVE = "active", _("Bookings holding places and the waitlist")

    session = models.ForeignKey(
        "events.Session",
        verbose_name=pgettext_lazy("event session", "session"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    key = models.CharField(max_length=64, unique=True)
    text = models.CharField(_("message"), max_length=200)
    audience = models.CharField(
        _("recipients"), max_length=10, choices=Audience.choices, default=Audience.HOLDING
    )
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(pgettext_lazy("timestamp", "created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message to a session's bookers")
        verbose_name_plural = _("messages to a session's bookers")
        ordering = ["-created_at"]

    def __str__(self):
        return self.text
