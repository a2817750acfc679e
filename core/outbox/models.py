"""The outbox's one table: every message the site sends, one row each."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    """Every kind of message the site sends. The kind also says what ``source_id`` is
    about: a booking, a booking's access code, a contest entry, a reach week."""

    # About a booking (events)
    CONFIRMED = "confirmed", _("Booking confirmed")
    PENDING = "pending", _("Awaiting approval")
    WAITLISTED = "waitlisted", _("On the waitlist")
    PROMOTED = "promoted", _("Promoted from the waitlist")
    PROMOTED_PENDING = "promoted_pending", _("Promoted, awaiting approval")
    CHANGED = "changed", _("Booking changed")
    CANCELLED = "cancelled", _("Booking cancelled")
    REJECTED = "rejected", _("Booking not approved")
    REMINDER = "reminder", _("Reminder")
    SESSION_NOTICE = "session_notice", _("Message about the session")
    # About a booking's one-time access code (events)
    ACCESS_CODE = "access_code", _("Code to find a booking")
    # About a contest entry (media.contest)
    ENTRY_RECEIVED = "entry_received", _("Contest entry received")
    ENTRY_APPROVED = "entry_approved", _("Contest entry approved")
    ENTRY_REJECTED = "entry_rejected", _("Contest entry not accepted")
    ENTRY_WITHDRAWN = "entry_withdrawn", _("Contest entry withdrawn")
    ENTRY_AWARDED = "entry_awarded", _("Contest award")
    # About a week of reach figures (media.reach), to staff
    REACH_SUMMARY = "reach_summary", _("Weekly reach summary")


# Kinds sent at most once per thing they are about, whoever asks twice.
ONCE_PER_SOURCE = (Kind.REMINDER, Kind.REACH_SUMMARY)


class Status(models.TextChoices):
    SENT = "sent", _("Sent")
    WAITING = "waiting", _("Waiting")
    RETRYING = "retrying", _("Retrying")
    FAILED = "failed", _("Failed")


class OutboxMessageQuerySet(models.QuerySet):
    """The outbox's states, worked out here and nowhere else.

    Each state is a plain condition on the row's own columns, so the same condition
    filters an UPDATE (a sender's claim, a staff retry) and a listing. The four states
    are exclusive and together cover every row.
    """

    @staticmethod
    def attempt_limit():
        return settings.OUTBOX_MAX_ATTEMPTS

    @classmethod
    def deliverable_condition(cls, limit=None):
        """Unsent with attempts left, waiting or retrying: what a sender may claim."""
        if limit is None:
            limit = cls.attempt_limit()
        return Q(sent_at__isnull=True, attempts__lt=limit)

    @classmethod
    def conditions(cls):
        """Each ``Status`` with the condition that puts a row in it."""
        limit = cls.attempt_limit()
        deliverable = cls.deliverable_condition(limit)
        return {
            Status.SENT: Q(sent_at__isnull=False),
            Status.WAITING: deliverable & Q(last_error=""),
            Status.RETRYING: deliverable & ~Q(last_error=""),
            Status.FAILED: Q(sent_at__isnull=True, attempts__gte=limit),
        }

    def with_status(self):
        """Annotate each row's ``status``, a ``Status`` value."""
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
        return self.in_status(Status.FAILED)

    def about(self, kinds, source_ids):
        """The messages of these kinds about these things (ids or a subquery of ids)."""
        return self.filter(kind__in=kinds, source_id__in=source_ids)

    def visible_to(self, user):
        """The rows of the kinds whose staff permission ``user`` holds (core/outbox/registry.py)."""
        from .registry import kinds_visible_to

        return self.filter(kind__in=kinds_visible_to(user))


class OutboxMessage(models.Model):
    """One outgoing message, written in the same transaction as the change that causes it.

    The send task claims the row with a conditional update, sends, then stamps
    ``sent_at``; the sweeper re-queues rows whose task was lost. A queue that drops or
    repeats tasks therefore neither loses nor doubles a message. Tasks carry the row's
    id only; the renderer of the row's kind (registered by the app that sends it) reads
    the addresses at send time, or, for a recipient the change itself erased (a withdrawn
    contest entry), from ``phone``, kept until the message is sent.
    """

    wagtail_reference_index_ignore = True

    Kind = Kind
    Status = Status

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # What the message is about; its kind says which model (a booking's id, a contest
    # entry's id …). Not a foreign key: core sits below the apps whose rows these are.
    source_id = models.PositiveBigIntegerField(_("about"))
    phone = models.CharField(_("mobile"), max_length=20, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("timestamp", "created at"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The email goes before the SMS: once it is out, a retry after a failed SMS must
    # not send it again.
    email_sent_at = models.DateTimeField(_("email sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A booking is reminded once, and a week summed up once, whatever runs the
            # job twice.
            models.UniqueConstraint(
                fields=["kind", "source_id"],
                condition=Q(kind__in=ONCE_PER_SOURCE),
                name="core_outbox_once_per_source",
            ),
        ]
        indexes = [
            # The sweeper's scan: only unsent rows are indexed.
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True),
                name="core_outbox_unsent",
            ),
            # A thing's messages (a booking's, an entry's) for personal-data requests
            # and the staff listing.
            models.Index(fields=["source_id", "kind"], name="core_outbox_about"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.source_id}"
