"""An entry: the child's work, what the public may see, and the guardian's private data."""

import secrets

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.storage import private_storage

from .contest import Category, ContestPage, Grade

# No 0/O or 1/I/L: judges read these codes out and write them down.
JUDGING_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
JUDGING_CODE_LENGTH = 8


def new_judging_code():
    """A random code that names an entry to judges; unrelated to its id or any URL."""
    return "".join(secrets.choice(JUDGING_CODE_ALPHABET) for _ in range(JUDGING_CODE_LENGTH))


def _random_name(folder, extension):
    return f"{folder}/{timezone.now():%Y/%m}/{secrets.token_urlsafe(18)}.{extension}"


def original_upload_to(instance, filename):
    return _random_name("contest/originals", filename.rsplit(".", 1)[-1].lower())


def public_upload_to(instance, filename):
    return _random_name("contest/works", filename.rsplit(".", 1)[-1].lower())


def get_private_storage():
    """Originals live in the private storage: no URL, served to contest staff by a view."""
    return private_storage


def get_public_storage():
    return default_storage


class Entry(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        DUPLICATE = "duplicate", _("Duplicate")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Award(models.TextChoices):
        NONE = "", _("No award")
        FIRST = "first", _("First prize")
        SECOND = "second", _("Second prize")
        THIRD = "third", _("Third prize")
        EXCELLENCE = "excellence", _("Excellence award")

    class SubmittedBy(models.TextChoices):
        GUARDIAN = "guardian", _("A parent or guardian")
        SCHOOL = "school", _("The school, on the pupil's behalf")

    contest = models.ForeignKey(
        ContestPage, verbose_name=_("contest"), on_delete=models.CASCADE, related_name="entries"
    )
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    age_group = models.ForeignKey(
        "contest.AgeGroup",
        verbose_name=_("age group"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    title = models.CharField(_("title of the work"), max_length=60)
    display_name = models.CharField(_("child's given name as displayed"), max_length=20)
    school = models.CharField(_("school"), max_length=60)
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices)
    submitted_by = models.CharField(
        _("submitted by"), max_length=10, choices=SubmittedBy.choices, default="guardian"
    )

    # Private: contest staff only; erased by the retention job or on withdrawal.
    guardian_name = models.CharField(_("guardian's name"), max_length=30, blank=True)
    guardian_phone = models.CharField(_("guardian's mobile"), max_length=11, blank=True)
    consent_notice = models.ForeignKey(
        "contest.ConsentNotice",
        verbose_name=_("consent notice shown"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    consent_version = models.PositiveIntegerField(_("consent notice version"))
    consented_at = models.DateTimeField(_("consent given at"))
    personal_data_erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    # Hashes of the two withdrawal links: the one shown after submitting and the one the
    # worker mints for the SMS (so no usable link sits in the task queue).
    withdrawal_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sms_token_hash = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    # What judges see instead of the id: the id is in the public entry URL, so showing
    # it would let a judge look up the child's name and school.
    judging_code = models.CharField(
        _("judging code"),
        max_length=JUDGING_CODE_LENGTH,
        unique=True,
        default=new_judging_code,
        editable=False,
    )

    # The work. Drawings: a stripped, re-encoded original (private) and the public
    # display and thumbnail files made from it once approved. Essays: plain text.
    original = models.FileField(
        _("original (metadata removed)"),
        storage=get_private_storage,
        upload_to=original_upload_to,
        blank=True,
        max_length=200,
    )
    display_image = models.FileField(
        storage=get_public_storage, upload_to=public_upload_to, blank=True, max_length=200
    )
    thumbnail = models.FileField(
        storage=get_public_storage, upload_to=public_upload_to, blank=True, max_length=200
    )
    image_width = models.PositiveIntegerField(null=True, blank=True)
    image_height = models.PositiveIntegerField(null=True, blank=True)
    essay_text = models.TextField(_("essay"), blank=True)

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    rejection_reason = models.CharField(_("reason for rejection"), max_length=200, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    award = models.CharField(
        _("award"), max_length=10, choices=Award.choices, default="", blank=True
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = pgettext_lazy("contest", "entry")
        verbose_name_plural = pgettext_lazy("contest", "entries")
        permissions = [
            ("moderate_entry", _("Can moderate contest entries")),
            ("view_guardian_data", _("Can see guardians' contact data")),
            ("judge_entry", _("Can score contest entries")),
            ("manage_results", _("Can set awards and publish results")),
        ]
        indexes = [
            models.Index(fields=["contest", "status", "category", "age_group"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(award="") | models.Q(status="approved"),
                name="contest_entry_award_only_when_approved",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="contest_entry_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=["drawing", "essay"]),
                name="contest_entry_category_valid",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    @property
    def is_public(self):
        return self.status == self.Status.APPROVED

    @property
    def is_drawing(self):
        return self.category == Category.DRAWING

    def essay_paragraphs(self):
        return [p.strip() for p in self.essay_text.replace("\r\n", "\n").split("\n") if p.strip()]

    def public_award(self):
        """The award, but only once the contest's results are published."""
        if self.award and self.contest.results_are_public:
            return self.get_award_display()
        return ""
