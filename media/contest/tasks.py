"""Background work of the contest; each task is a thin call into services or SMS."""

from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from events.sms import send_sms

from . import held, services
from .models import Entry


@task()
def make_entry_renditions(entry_id):
    return services.build_renditions(entry_id)


@task()
def notify_guardian(entry_id, kind):
    entry = Entry.objects.select_related("contest").filter(pk=entry_id).first()
    if entry is None or not entry.guardian_phone:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        if kind == "approved":
            message = _("“%(title)s” has been approved and is now in the %(contest)s gallery.")
        elif kind == "rejected":
            message = _("“%(title)s” was not accepted for %(contest)s. Reason: %(reason)s")
        else:
            return False
        send_sms(
            entry.guardian_phone,
            message
            % {
                "title": entry.title,
                "contest": entry.contest.title,
                "reason": entry.rejection_reason,
            },
        )
    return True


@task()
def send_submission_receipt(entry_id):
    entry = Entry.objects.select_related("contest").filter(pk=entry_id).first()
    if entry is None or not entry.guardian_phone or entry.status == Entry.Status.WITHDRAWN:
        return False
    token = services.mint_sms_token(entry)
    with translation.override(settings.LANGUAGE_CODE):
        message = _(
            "We received “%(title)s” for %(contest)s. To withdraw it and delete the data: %(url)s"
        ) % {
            "title": entry.title,
            "contest": entry.contest.title,
            "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + withdrawal_path(token),
        }
        send_sms(entry.guardian_phone, message)
    return True


@task()
def send_withdrawal_confirmation(phone, title):
    with translation.override(settings.LANGUAGE_CODE):
        send_sms(
            phone,
            _("“%(title)s” has been withdrawn; the work and your contact details are deleted.")
            % {"title": title},
        )
    return True


def withdrawal_path(token):
    return reverse("contest:withdraw", kwargs={"token": token})


def run_retention():
    """The daily django-q2 schedule ("contest: retention")."""
    return services.apply_retention()


def sweep_held_drawings():
    """The hourly django-q2 schedule ("contest: held drawings")."""
    return held.sweep()
