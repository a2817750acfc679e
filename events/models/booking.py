import secrets

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# No 0/O, 1/I/L: a reference read out over the phone cannot be misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 6


def new_reference():
    return "FB-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def new_manage_salt():
    return secrets.token_hex(16)


class OrganizationType(models.TextChoices):
    SCHOOL = "school", _("School or kindergarten")
    COMPANY = "company", _("Company")
    COMMUNITY = "community", _("Community group")
    OTHER = "other", _("Other organization")
    FAMILY = "family", _("Family")


class Arrival(models.TextChoices):
    ON_FOOT = "on_foot", _("On foot")
    COACH = "coach", _("By coach")
    PUBLIC = "public", _("By public transport")
    CARS = "cars", _("In our own cars")


class Booking(models.Model):
    """An organization's places for a party in one session."""

    # Rows that reference no content: keep Wagtail's reference index (and the task it
    # queues on every save) out of the booking hot path.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")
        REJECTED = "rejected", _("Rejected")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("No-show")

    # Statuses that hold places in the session: the capacity invariant sums these.
    HOLDING = (Status.PENDING, Status.CONFIRMED, Status.ATTENDED, Status.NO_SHOW)
    # Statuses the booker may still change or cancel.
    ACTIVE = (Status.PENDING, Status.CONFIRMED, Status.WAITLISTED)

    session = models.ForeignKey(
        "events.Session",
        verbose_name=pgettext_lazy("event session", "session"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    reference = models.CharField(_("reference"), max_length=12, unique=True, default=new_reference)
    # The manage link is an HMAC of the reference and this salt under SECRET_KEY; the
    # database alone therefore never holds a working link.
    manage_salt = models.CharField(max_length=32, default=new_manage_salt, editable=False)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    # Binds the key to its session and submitted data (events.services.submission_digest).
    idempotency_digest = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    organization = models.CharField(_("organization"), max_length=120)
    organization_type = models.CharField(
        _("organization type"), max_length=12, choices=OrganizationType.choices
    )
    contact_name = models.CharField(_("contact name"), max_length=60)
    phone = models.CharField(_("mobile phone"), max_length=11)
    email = models.EmailField(_("email"), blank=True)
    party_size = models.PositiveIntegerField(_("party size"))
    adults = models.PositiveIntegerField(_("accompanying adults"), default=0)
    group = models.CharField(_("grade or age group"), max_length=60, blank=True)
    # What the event's kind asks: a talk comes to the school, a visit comes to us.
    address = models.CharField(_("school address"), max_length=200, blank=True)
    preferred_dates = models.CharField(_("preferred dates"), max_length=200, blank=True)
    arrival = models.CharField(
        _("how the group arrives"), max_length=12, choices=Arrival.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True, validators=[MaxLengthValidator(1000)])
    privacy_consent_at = models.DateTimeField(_("privacy consent given at"))
    attended_count = models.PositiveIntegerField(_("people who came"), null=True, blank=True)
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("timestamp", "created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    # Set when the contact's name, phone, email and notes were erased (retention, or the
    # person's request: events/retention.py); the booking itself stays for the counts.
    personal_data_erased_at = models.DateTimeField(
        _("personal data erased at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="events_booking_idempotency"),
            models.CheckConstraint(
                condition=models.Q(party_size__gte=1)
                & models.Q(adults__lte=models.F("party_size")),
                name="events_booking_party",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status"]),
            models.Index(fields=["phone"]),
        ]
        permissions = [("manage_booking", _("Can approve, reject and check in bookings"))]

    def __str__(self):
        return f"{self.reference} · {self.organization}"

    @property
    def holds_places(self):
        return self.status in self.HOLDING
