from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.i18n import ENGLISH_HELP, EnglishFields


class SessionQuerySet(models.QuerySet):
    def with_places_taken(self):
        """Annotate ``places_taken`` and ``waitlisted_count`` for staff listings, in the
        same query (no query per row)."""
        from .booking import Booking

        return self.annotate(
            places_taken=models.F("taken"),
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
    # The places held by this session's bookings (Booking.HOLDING), moved only by
    # events.services.places in the transaction that changes a booking.
    taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)

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
            models.CheckConstraint(
                condition=models.Q(taken__lte=models.F("capacity")),
                name="events_session_taken_within_capacity",
            ),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.event} · {local:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        """Never write back ``taken`` from an instance read earlier: bookings may have
        moved it since. Only ``events.services.places`` moves it, by its own updates."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "taken"
            ]
        super().save(*args, **kwargs)

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
