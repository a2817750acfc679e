from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to a booker, written in the same transaction as the booking change.

    The row is the outbox: the send task claims it with a conditional update, sends,
    then stamps ``sent_at``; the sweeper re-queues rows whose task was lost. A queue
    that drops or repeats tasks therefore neither loses nor doubles a message.
    """

    wagtail_reference_index_ignore = True

    class Kind(models.TextChoices):
        CONFIRMED = "confirmed", _("Booking confirmed")
        PENDING = "pending", _("Awaiting approval")
        WAITLISTED = "waitlisted", _("On the waitlist")
        PROMOTED = "promoted", _("Promoted from the waitlist")
        CHANGED = "changed", _("Booking changed")
        CANCELLED = "cancelled", _("Booking cancelled")
        REJECTED = "rejected", _("Booking not approved")
        REMINDER = "reminder", _("Reminder")

    booking = models.ForeignKey(
        "events.Booking",
        verbose_name=_("booking"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A booking is reminded once, whatever runs the reminder job twice.
            models.UniqueConstraint(
                fields=["booking"],
                condition=models.Q(kind="reminder"),
                name="events_notification_one_reminder",
            ),
        ]
        indexes = [
            # The sweeper's scan: only unsent rows are indexed.
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="events_notification_unsent",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.booking_id}"
