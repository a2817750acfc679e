"""The weekly email to reach staff: the week's figures and the campaign's progress."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

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


def weekly_summary(today=None):
    """The context of the summary: last week (Monday–Sunday) and the campaign's totals."""
    today = today or timezone.localdate()
    end = today - datetime.timedelta(days=today.weekday() + 1)
    start = end - datetime.timedelta(days=6)
    week = selectors.tallies(start=start, end=end)
    campaign = selectors.featured_campaign(public=False)
    return {
        "start": start,
        "end": end,
        "figures": selectors.totals_by_metric(week),
        "people": selectors.people_reached(week),
        "report": selectors.campaign_report(campaign, public=False) if campaign else None,
    }


def send_weekly_summary(today=None):
    """Send the summary in Chinese; returns the number of recipients."""
    to = recipients()
    if not to:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = weekly_summary(today)
        subject = render_to_string("reach/email/weekly_summary_subject.txt", context).strip()
        body = render_to_string("reach/email/weekly_summary.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    return len(to)
