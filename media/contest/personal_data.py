"""Contest entries as a source of a guardian's personal data (core/personal_data.py)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.outbox import OutboxMessage
from core.personal_data import Holding, Source

from . import services
from .messages import CONTEST_KINDS
from .models import Entry


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class GuardianSource(Source):
    key = "contest"
    label = gettext_lazy("Contest entries (as guardian)")

    def find(self, *, phone="", email=""):
        if not phone:  # guardians give a mobile number, never an email
            return []
        entries = list(
            Entry.objects.filter(guardian_phone=phone)
            .select_related("contest")
            .order_by("-submitted_at")
        )
        messages = {}
        for message in OutboxMessage.objects.about(
            CONTEST_KINDS, [entry.pk for entry in entries]
        ).order_by("created_at"):
            messages.setdefault(message.source_id, []).append(
                f"{message.get_kind_display()} {_local(message.sent_at) or _('not sent')}"
            )
        return [
            Holding(
                source=self.key,
                pk=entry.pk,
                title=f"{entry.contest.title} · {entry.title}",
                fields={
                    _("Status"): entry.get_status_display(),
                    _("Guardian's name"): entry.guardian_name,
                    _("Guardian's mobile"): entry.guardian_phone,
                    _("Child's name as shown"): entry.display_name,
                    _("School"): entry.school,
                    _("Submitted at"): _local(entry.submitted_at),
                    _("Messages sent"): "; ".join(messages.get(entry.pk, [])) or "—",
                },
            )
            for entry in entries
        ]

    def erase(self, pks, *, now=None):
        entries = Entry.objects.filter(pk__in=pks)
        for entry in entries:
            services.erase_guardian_data(entry, now)
        return len(entries)
