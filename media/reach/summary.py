"""The weekly email to reach staff: the week's figures and the campaign's progress.

It goes through the site's outbox (core/outbox/) like every other message: the
schedule writes one row per week (``record_weekly_summary``), the worker sends it. One
row per send, not per recipient: the summary is one document for the week, so its
row's ``source_id`` is the week (its Monday's ordinal) and a database constraint keeps
it to one per week, however often the schedule runs; the renderer reads the recipients
and the figures at send time, so no address is stored in the outbox, and the email goes
to all of them at once with one Message-ID, as before.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core import outbox
from core.outbox import Kind, OutboxMessage, Outgoing

from . import selectors
from .permissions import CLERKS_GROUP


def recipients():
    emails = set(getattr(settings, "REACH_SUMMARY_RECIPIENTS", []))
    emails.update(
        get_user_model()
        .objects.filter(groups__name=CLERKS_GROUP, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return sorted(emails)


def last_week(today=None):
    """The Monday and the Sunday of the week before ``today``'s."""
    today = today or timezone.localdate()
    end = today - datetime.timedelta(days=today.weekday() + 1)
    return end - datetime.timedelta(days=6), end


def weekly_summary(today=None):
    """The context of the summary: last week (Monday–Sunday) and the campaign's totals."""
    start, end = last_week(today)
    week = selectors.tallies(start=start, end=end)
    campaign = selectors.featured_campaign(public=False)
    return {
        "start": start,
        "end": end,
        "figures": selectors.totals_by_metric(week),
        "people": selectors.people_reached(week),
        "report": selectors.campaign_report(campaign, public=False) if campaign else None,
    }


def record_weekly_summary(today=None):
    """Put last week's summary in the outbox, once per week; the row, or None when there
    is nobody to send it to or it was recorded already."""
    if not recipients():
        return None
    start, _end = last_week(today)
    try:
        with transaction.atomic():
            return outbox.record(Kind.REACH_SUMMARY, source_id=start.toordinal())
    except IntegrityError:
        if OutboxMessage.objects.about([Kind.REACH_SUMMARY], [start.toordinal()]).exists():
            return None  # this week's row exists: the schedule ran twice
        raise


def render_weekly_summary(message):
    """The summary of the week the row is about, in Chinese, to today's recipients."""
    to = recipients()
    if not to:
        return None
    monday = datetime.date.fromordinal(message.source_id)
    with translation.override(settings.LANGUAGE_CODE):
        context = weekly_summary(today=monday + datetime.timedelta(days=7))
        subject = render_to_string("reach/email/weekly_summary_subject.txt", context).strip()
        body = render_to_string("reach/email/weekly_summary.txt", context)
    return Outgoing(email=to, subject=subject, body=body, phone="", sms="")


def register_renderers():
    """Called once from ``ReachConfig.ready()``; reach clerks may see these messages."""
    outbox.register(
        [Kind.REACH_SUMMARY], render_weekly_summary, staff_permission="reach.view_tally"
    )
