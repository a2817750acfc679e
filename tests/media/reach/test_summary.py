"""The weekly summary to reach staff goes through the outbox: once a week, by the worker."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from core.outbox import Kind, OutboxMessage, idempotency_id, sending
from media.reach import demo
from media.reach.models import CampaignPage
from media.reach.permissions import ensure_clerks_group
from media.reach.summary import record_weekly_summary

pytestmark = pytest.mark.django_db

WEDNESDAY = datetime.date(2020, 8, 5)


@pytest.fixture
def campaign(home):
    demo.load()
    return CampaignPage.objects.get(slug="100-day-campaign", locale=home.locale)


@pytest.fixture
def clerk(django_user_model):
    user = django_user_model.objects.create_user("clerk", "clerk@example.cn", "pw")
    user.groups.add(ensure_clerks_group())
    return user


def test_weekly_summary_goes_to_clerks_in_chinese_through_the_outbox(
    clerk, campaign, settings, django_capture_on_commit_callbacks
):
    settings.REACH_SUMMARY_RECIPIENTS = ["office@example.cn"]
    with django_capture_on_commit_callbacks(execute=True):
        row = record_weekly_summary(today=WEDNESDAY)
    row.refresh_from_db()
    assert (row.kind, row.source_id) == (Kind.REACH_SUMMARY, datetime.date(2020, 7, 27).toordinal())
    assert row.sent_at is not None and row.phone == ""
    (message,) = mail.outbox
    assert message.to == ["clerk@example.cn", "office@example.cn"]  # one email to all
    assert message.extra_headers["Message-ID"] == f"<{idempotency_id(row.pk, 'email')}>"
    assert "宣传统计周报" in message.subject
    assert "2020-07-27" in message.body and "落后于目标" in message.body


def test_the_summary_is_recorded_once_a_week_however_often_the_job_runs(
    clerk, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert record_weekly_summary(today=WEDNESDAY) is not None
        assert record_weekly_summary(today=WEDNESDAY + datetime.timedelta(days=2)) is None
    assert len(mail.outbox) == 1
    # The database holds the rule, for a writer that skips the check too.
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(
            kind=Kind.REACH_SUMMARY, source_id=datetime.date(2020, 7, 27).toordinal()
        )
    # The next week is a new summary.
    with django_capture_on_commit_callbacks(execute=True):
        assert record_weekly_summary(today=WEDNESDAY + datetime.timedelta(days=7)) is not None
    assert len(mail.outbox) == 2


def test_a_failed_send_is_retried_by_the_outbox_without_a_second_row(
    clerk, campaign, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(sending.EmailMessage, "send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        row = record_weekly_summary(today=WEDNESDAY)
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 1 and "mail server down" in row.last_error
    monkeypatch.undo()
    assert sending.deliver(row.pk) is True
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.filter(kind=Kind.REACH_SUMMARY).count() == 1


def test_nothing_is_recorded_without_recipients(campaign, settings):
    settings.REACH_SUMMARY_RECIPIENTS = []
    assert record_weekly_summary(today=WEDNESDAY) is None
    assert not OutboxMessage.objects.exists()
