from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.i18n import ENGLISH_HELP, EnglishFields


class SessionQuerySet(models.QuerySet):
    def with_places_taken(self):
        """Annotate ``places_taken`` in the same query (no query per row)."""
        from .booking import Booking

        return self.annotate(
            places_taken=models.functions.Coalesce(
                models.Sum(
                    "bookings__party_size",
                    filter=models.Q(bookings__status__in=Booking.HOLDING),
                ),
                0,
            ),
            waitlisted_count=models.Count(
                "bookings", filter=models.Q(bookings__status=Booking.Status.WAITLISTED)
            ),
        )


class Session(EnglishFields, models.Model):
    """When and where an event happens, and how many people fit."""

    # Rows that reference no content: keep Wagtail's reference index (and the task it
    # queues on every save) out of the booking hot path.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("session status", "Open")
        CLOSED = "closed", _("Closed for booking")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(
        "events.Event", verbose_name=_("event"), on_delete=models.CASCADE, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=160)
    venue_en = models.CharField(
        _("venue in English"), max_length=160, blank=True, help_text=ENGLISH_HELP
    )
    capacity = models.PositiveIntegerField(_("capacity (persons)"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("event session", "session")
        verbose_name_plural = pgettext_lazy("event session", "sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="events_session_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.event} · {local:%Y-%m-%d %H:%M}"

    def clean(self):
        """A session keeps to its venue's open days, hours and room size."""
        if self.event_id is None:
            return
        problems = {}
        for field, message in self.event.venue_problems(
            self.starts_at, self.ends_at, self.capacity
        ):
            problems.setdefault(field, []).append(message)
        if problems:
            raise ValidationError(problems)
