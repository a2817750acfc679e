"""The contest's SMS to guardians, sent through the site's one outbox (core/outbox/).

``record()`` is called by the services inside the transaction of the change that causes
the message; the send task gets the outbox row's id only. The renderer reads the entry
at send time, so a number erased meanwhile (retention) is not texted. The withdrawal
confirmation is the one message whose recipient the change itself erases: its row
keeps the number until it is sent.

The receipt's withdrawal link is derived from the outbox row's id with the site's
secret key: every send of that message (a re-send after a fault included) carries the
same link, and only its hash is stored.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from core import outbox
from core.outbox import Kind, Outgoing

from .models import Entry
from .services import hash_token

CONTEST_KINDS = (
    Kind.ENTRY_RECEIVED,
    Kind.ENTRY_APPROVED,
    Kind.ENTRY_REJECTED,
    Kind.ENTRY_WITHDRAWN,
    Kind.ENTRY_AWARDED,
)


def record(entry, kind, *, phone=""):
    """Write a message about ``entry`` to the outbox, if there is a number to text."""
    if not (phone or entry.guardian_phone):
        return None
    return outbox.record(kind, source_id=entry.pk, phone=phone)


def withdrawal_path(token):
    return reverse("contest:withdraw", kwargs={"token": token})


def sms_withdrawal_token(notification):
    return salted_hmac(
        "contest.sms-withdrawal-link", str(notification.pk), algorithm="sha256"
    ).hexdigest()[:40]


def results_url(contest):
    """The contest page's address, where the published results are."""
    _site_id, _root, page_path = contest.get_url_parts()
    return settings.SITE_URL.rstrip("/") + page_path


def award_sms(entry):
    """The award text exactly as the guardian gets it; also shown before publishing."""
    values = {
        "title": entry.title,
        "contest": entry.contest.title,
        "award": Entry.Award(entry.award).label,
        "url": results_url(entry.contest),
    }
    with translation.override(settings.LANGUAGE_CODE):
        return (
            _(
                "Congratulations: “%(title)s” has won the %(award)s in %(contest)s. "
                "The results: %(url)s"
            )
            % values
        )


def render(notification):
    entry = Entry.objects.select_related("contest").filter(pk=notification.source_id).first()
    if entry is None:
        return None
    kind = Kind(notification.kind)
    phone = notification.phone if kind == Kind.ENTRY_WITHDRAWN else entry.guardian_phone
    if not phone or (kind != Kind.ENTRY_WITHDRAWN and entry.status == Entry.Status.WITHDRAWN):
        return None
    if kind == Kind.ENTRY_AWARDED:
        # An award taken back meanwhile, or results hidden again, is not texted.
        if not entry.award or not entry.contest.results_are_public:
            return None
        return Outgoing(email="", subject="", body="", phone=phone, sms=award_sms(entry))
    values = {
        "title": entry.title,
        "contest": entry.contest.title,
        "reason": entry.rejection_reason,
    }
    if kind == Kind.ENTRY_RECEIVED:
        token = sms_withdrawal_token(notification)
        Entry.objects.filter(pk=entry.pk).update(sms_token_hash=hash_token(token))
        values["url"] = settings.SITE_URL.rstrip("/") + withdrawal_path(token)
    with translation.override(settings.LANGUAGE_CODE):
        texts = {
            Kind.ENTRY_RECEIVED: _(
                "We received “%(title)s” for %(contest)s. "
                "To withdraw it and delete the data: %(url)s"
            ),
            Kind.ENTRY_APPROVED: _(
                "“%(title)s” has been approved and is now in the %(contest)s gallery."
            ),
            Kind.ENTRY_REJECTED: _(
                "“%(title)s” was not accepted for %(contest)s. Reason: %(reason)s"
            ),
            Kind.ENTRY_WITHDRAWN: _(
                "“%(title)s” has been withdrawn; the work and your contact details are deleted."
            ),
        }
        sms = texts[kind] % values
    return Outgoing(email="", subject="", body="", phone=phone, sms=sms)


def register_renderers():
    """Called once from ``ContestConfig.ready()``; contest staff may see these messages."""
    outbox.register(CONTEST_KINDS, render, staff_permission="contest.view_guardian_data")
