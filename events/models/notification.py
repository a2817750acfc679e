from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NotificationQuerySet(models.QuerySet):
    """The outbox's states, worked out here and nowhere else.

    Each state is a plain condition on the row's own columns, so the same condition
    filters an UPDATE (a sender's claim, a staff retry) and a listing. The four states
    are exclusive and together cover every row.
    """

    @staticmethod
    def attempt_limit():
        return settings.BOOKING_OUTBOX_MAX_ATTEMPTS

    @classmethod
    def deliverable_condition(cls, limit=None):
        """Unsent with attempts left, waiting or retrying: what a sender may claim."""
        if limit is None:
            limit = cls.attempt_limit()
        return Q(sent_at__isnull=True, attempts__lt=limit)

    @classmethod
    def conditions(cls):
        """Each ``Notification.Status`` with the condition that puts a row in it."""
        limit = cls.attempt_limit()
        deliverable = cls.deliverable_condition(limit)
        status = Notification.Status
        return {
            status.SENT: Q(sent_at__isnull=False),
            status.WAITING: deliverable & Q(last_error=""),
            status.RETRYING: deliverable & ~Q(last_error=""),
            status.FAILED: Q(sent_at__isnull=True, attempts__gte=limit),
        }

    def with_status(self):
        """Annotate each row's ``status``, a ``Notification.Status`` value."""
        return self.annotate(
            status=models.Case(
                *(
                    models.When(condition, then=models.Value(status))
                    for status, condition in self.conditions().items()
                ),
                output_field=models.CharField(),
            )
        )

    def in_status(self, status):
        return self.filter(self.conditions()[status])

    def deliverable(self):
        return self.filter(self.deliverable_condition())

    def failed(self):
        """Unsent and out of attempts: given up by the outbox and left for staff."""
        return self.in_status(Notification.Status.FAILED)


class Notification(models.Model):
    """One outgoing message, written in the same transaction as the change that causes it.

    The row is the outbox of every message the site sends (bookings here, the contest
    through ``media.contest.messages``): the send task claims it with a conditional
    update, sends, then stamps ``sent_at``; the sweeper re-queues rows whose task was
    lost. A queue that drops or repeats tasks therefore neither loses nor doubles a
    message. Tasks carry the row's id only; addresses are read from the booking or
    entry at send time, or, for a recipient the change itself erased (a withdrawn
    contest entry), kept in ``phone`` until the message is sent.
    """

    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        WAITING = "waiting", _("Waiting")
        RETRYING = "retrying", _("Retrying")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        CONFIRMED = "confirmed", _("Booking confirmed")
        PENDING = "pending", _("Awaiting approval")
        WAITLISTED = "waitlisted", _("On the waitlist")
        PROMOTED = "promoted", _("Promoted from the waitlist")
        PROMOTED_PENDING = "promoted_pending", _("Promoted, awaiting approval")
        CHANGED = "changed", _("Booking changed")
        CANCELLED = "cancelled", _("Booking cancelled")
        REJECTED = "rejected", _("Booking not approved")
        REMINDER = "reminder", _("Reminder")
        ACCESS_CODE = "access_code", _("Code to find a booking")
        SESSION_NOTICE = "session_notice", _("Message about the session")
        ENTRY_RECEIVED = "entry_received", _("Contest entry received")
        ENTRY_APPROVED = "entry_approved", _("Contest entry approved")
        ENTRY_REJECTED = "entry_rejected", _("Contest entry not accepted")
        ENTRY_WITHDRAWN = "entry_withdrawn", _("Contest entry withdrawn")
        ENTRY_AWARDED = "entry_awarded", _("Contest award")

    booking = models.ForeignKey(
        "events.Booking",
        verbose_name=_("booking"),
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    # What a message not about a booking is about (a contest entry's id; its kind says
    # which model). Not a foreign key: events sits below the apps that send these.
    source_id = models.PositiveBigIntegerField(_("source"), null=True, blank=True)
    phone = models.CharField(_("mobile"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("timestamp", "created at"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The email goes before the SMS: once it is out, a retry after a failed SMS must
    # not send it again.
    email_sent_at = models.DateTimeField(_("email sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(booking__isnull=False, source_id__isnull=True)
                | Q(booking__isnull=True, source_id__isnull=False),
                name="events_notification_about_one_thing",
            ),
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
        return f"{self.get_kind_display()} · {self.booking_id or self.source_id}"
