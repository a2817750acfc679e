"""The shared layer's tables: the audit trail of requests about a person's data, and the
outbox of outgoing messages (core/outbox/models.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .outbox.models import OutboxMessage

__all__ = ["OutboxMessage", "PersonalDataAction"]


class PersonalDataAction(models.Model):
    """Who looked up, exported or erased the data held about one phone number or email.

    The subject is kept as a keyed digest and a masked hint (138****5678), never in
    full: the audit trail must not become one more copy of the data it audits.
    """

    class Action(models.TextChoices):
        LOOKUP = "lookup", pgettext_lazy("personal data", "Looked up")
        EXPORT = "export", pgettext_lazy("personal data", "Exported")
        ERASE = "erase", pgettext_lazy("personal data", "Erased")

    created_at = models.DateTimeField(
        pgettext_lazy("personal data", "when"), auto_now_add=True, db_index=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("personal data", "staff member"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(pgettext_lazy("personal data", "staff username"), max_length=150)
    action = models.CharField(
        pgettext_lazy("personal data", "action"), max_length=10, choices=Action.choices
    )
    subject_digest = models.CharField(max_length=64, db_index=True, editable=False)
    subject_hint = models.CharField(
        pgettext_lazy("personal data", "phone or email (masked)"), max_length=80
    )
    found = models.JSONField(pgettext_lazy("personal data", "records"), default=dict)
    reason = models.CharField(pgettext_lazy("personal data", "reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        permissions = [
            ("handle_personal_data", _("Can look up, export and erase a person's data")),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.subject_hint}"
