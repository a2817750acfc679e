"""The contest's SMS go through the site's outbox; tasks and their results hold no
personal data or secret link, whatever kind of message was sent."""

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core.outbox import OutboxMessage, sending
from events import broadcast, find
from events import services as booking_services
from events.links import manage_token
from events.models import Booking, SessionMessage
from media.contest import services
from media.contest.models import Entry
from media.reach.permissions import ensure_clerks_group
from media.reach.summary import record_weekly_summary
from tests.events.factories import SessionFactory, booking_data
from tests.media.contest.factories import make_entry, staff

Kind = OutboxMessage.Kind
PHONE = re.compile(r"1[3-9]\d{9}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def sms_log(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "firebreak.sms"]


def submit(contest, notice, phone="13912345678"):
    data = {
        "category": "essay",
        "age_group": contest.age_groups.first(),
        "title": "我家的逃生图",
        "display_name": "小雨",
        "school": "实验小学",
        "grade": 2,
        "guardian_name": "王芳",
        "guardian_phone": phone,
        "essay_text": "内容",
    }
    return services.submit_entry(contest=contest, data=data, notice=notice)


def link_token(text):
    return text.rsplit("/contest/withdraw/", 1)[1].strip("/").split()[0]


def test_the_receipt_is_written_with_the_entry_and_its_link_is_the_same_on_a_resend(
    contest, notice, phone, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry, page_token = submit(contest, notice)
    (row,) = OutboxMessage.objects.filter(source_id=entry.pk)
    assert (row.kind, row.phone) == (Kind.ENTRY_RECEIVED, "")
    assert row.sent_at is not None
    (first,) = phone
    token = link_token(first)
    assert services.find_by_token(token) == entry  # the SMS link works
    assert services.find_by_token(page_token) == entry  # and so does the page's

    # A re-send after a fault (the stamp lost) carries the same link: the one a
    # guardian may already hold keeps working.
    OutboxMessage.objects.filter(pk=row.pk).update(sent_at=None, claimed_at=None)
    assert sending.deliver(row.pk) is True
    assert link_token(phone[-1]) == token
    assert services.find_by_token(token) == entry


def test_a_failed_submission_leaves_no_message(contest, notice):
    with pytest.raises(services.TransitionError):
        services.submit_entry(contest=contest, data={"guardian_phone": "13912345678"}, notice=None)
    assert not OutboxMessage.objects.exists()


def test_the_withdrawal_confirmation_keeps_the_number_only_until_it_is_sent(
    contest, caplog, django_capture_on_commit_callbacks
):
    entry = make_entry(contest, guardian_phone="13912345678")
    caplog.set_level("INFO", logger="firebreak.sms")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.withdraw(entry)
    row = OutboxMessage.objects.get(source_id=entry.pk, kind=Kind.ENTRY_WITHDRAWN)
    assert row.phone == "13912345678"  # the entry no longer holds it
    assert Entry.objects.get(pk=entry.pk).guardian_phone == ""
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.sent_at is not None and row.phone == ""
    (text,) = sms_log(caplog)
    assert "139****5678" in text


def test_retention_erases_the_number_of_a_confirmation_that_never_went(
    contest, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "tests.media.contest.test_messages.DownBackend"
    entry = make_entry(contest)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(entry)
    row = OutboxMessage.objects.get(source_id=entry.pk)
    assert row.sent_at is None and row.phone
    services.apply_retention(now=contest.retention_ends_at() + timedelta(days=1))
    row.refresh_from_db()
    assert row.phone == ""


class DownBackend:
    def send(self, phone, message, *, idempotency_id):
        raise ConnectionError("gateway down")


def queued_text():
    from django_q.models import Task

    tasks = list(Task.objects.all())
    assert tasks, "no task reached django-q2"
    return json.dumps(
        [[repr(task.args), repr(task.kwargs), repr(task.result)] for task in tasks],
        ensure_ascii=False,
    )


def award_and_text(entry):
    contest = services.start_judging(entry.contest)
    services.set_award(entry, Entry.Award.FIRST)
    contest = services.publish_results(contest)
    return services.send_award_messages(now=contest.results_published_at + services.UNDO_WINDOW)


def test_no_task_argument_or_result_holds_a_number_an_address_or_a_secret(
    contest, notice, phone, django_user_model, django_capture_on_commit_callbacks
):
    """Every kind of message, booking, contest and reach, sent through django-q2."""
    moderator = staff()
    clerk = django_user_model.objects.create_user("clerk", "clerk@example.cn", "pw-123456789")
    clerk.groups.add(ensure_clerks_group())
    session = SessionFactory(
        capacity=20,
        starts_at=timezone.now() + timedelta(hours=20),
        event__lead_time_hours=2,
        event__cancel_hours=2,
    )
    approval = SessionFactory(event__requires_approval=True)
    changes = [
        lambda: booking_services.create_booking(
            session.pk, data=booking_data(party_size=15, email="teacher@example.com")
        )[0],
        lambda: booking_services.create_booking(
            session.pk, data=booking_data(party_size=10, phone="13700001111")
        )[0],
        lambda: booking_services.change_booking(made[0].pk, {"party_size": 14}),
        lambda: booking_services.cancel_booking(made[0].pk, reason="改期"),
        lambda: booking_services.create_booking(
            approval.pk, data=booking_data(party_size=5, phone="13600002222")
        )[0],
        lambda: booking_services.reject_booking(made[4].pk, "名额已满"),
        lambda: booking_services.send_due_reminders(hours=24),
        lambda: submit(contest, notice, phone="13511112222"),
        lambda: services.approve(make_entry(contest, guardian_phone="13522223333"), by=moderator),
        lambda: services.reject(
            make_entry(contest, guardian_phone="13533334444"), by=moderator, reason="不是原创"
        ),
        lambda: services.withdraw(services.find_by_token(made[7][1])),
        lambda: find.request_code(made[1].reference, "13700001111"),
        lambda: award_and_text(made[8]),
        lambda: broadcast.send(
            session,
            text="请穿运动鞋，入口改到北门。",
            audience=SessionMessage.Audience.HOLDING,
            key="notice-1",
        ),
        record_weekly_summary,
    ]
    made = []
    for change in changes:  # each change commits, then its messages go out
        with django_capture_on_commit_callbacks(execute=True):
            made.append(change())
    page_token = made[7][1]

    kinds = set(OutboxMessage.objects.filter(sent_at__isnull=False).values_list("kind", flat=True))
    assert kinds == set(Kind) - {Kind.PROMOTED_PENDING}  # every kind but one was sent
    texts = phone
    assert len(texts) == OutboxMessage.objects.exclude(kind=Kind.REACH_SUMMARY).count()
    assert [m.to for m in mail.outbox if m.to == [clerk.email]]  # the summary, by email

    queued = queued_text()
    assert not PHONE.search(queued)
    assert not EMAIL.search(queued)
    secrets = [manage_token(b) for b in Booking.objects.all()]
    secrets += [page_token] + [link_token(t) for t in texts if "/contest/withdraw/" in t]
    secrets += [b.manage_salt for b in Booking.objects.all()]
    secrets += [made[11].code(), made[11].salt]
    assert all(secret and secret not in queued for secret in secrets)
    # What the queue does hold: outbox row ids.
    assert "core.outbox.tasks.send_outbox_message" in queued
