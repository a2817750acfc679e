"""Booking messages go through an outbox: each is sent once, even when tasks repeat or die."""

import os
import signal
import smtplib
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.outbox import OutboxMessage, sending, tasks
from events import services
from events.models import Booking
from tests.config.test_worker import database_url_for_tests
from tests.events.factories import BookingFactory, SessionFactory, booking_data, messages_of


class SlowFileBackend(BaseEmailBackend):
    """For the worker subprocess: a slow mail server that logs each subject to a file."""

    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("OUTBOX_TEST_MAIL_DELAY", "0")))
        with open(os.environ["OUTBOX_TEST_MAIL_FILE"], "a", encoding="utf-8") as log:
            for message in email_messages:
                log.write(message.subject + "\n")
        return len(email_messages)


def book(session, **overrides):
    waitlist = overrides.pop("join_waitlist", True)
    return services.create_booking(
        session.pk, data=booking_data(**overrides), join_waitlist=waitlist
    )[0]


def age(notification, **delta):
    OutboxMessage.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - timedelta(**delta)
    )


@pytest.mark.django_db
def test_every_booking_change_writes_a_message_that_is_sent_once(
    django_capture_on_commit_callbacks,
):
    session = SessionFactory(
        capacity=20,
        starts_at=timezone.now() + timedelta(hours=20),
        event__lead_time_hours=2,
        event__cancel_hours=2,
    )
    approval = SessionFactory(event__requires_approval=True)
    with django_capture_on_commit_callbacks(execute=True):
        first = book(session, party_size=15)
        second = book(session, party_size=10)  # does not fit: waits
        services.change_booking(first.pk, {"party_size": 14})
        services.cancel_booking(first.pk, reason="改期")  # frees places: second promoted
        pending = book(approval, party_size=5)
        services.reject_booking(pending.pk, "名额已满")
        services.send_due_reminders(hours=24)
    kinds = list(OutboxMessage.objects.order_by("pk").values_list("source_id", "kind"))
    assert kinds == [
        (first.pk, "confirmed"),
        (second.pk, "waitlisted"),
        (first.pk, "changed"),
        (first.pk, "cancelled"),
        (second.pk, "promoted"),
        (pending.pk, "pending"),
        (pending.pk, "rejected"),
        (second.pk, "reminder"),
    ]
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
    assert len(mail.outbox) == 8
    assert OutboxMessage.objects.get(kind="cancelled").reason == "改期"


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_no_message(django_capture_on_commit_callbacks):
    session = SessionFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        book(session)
        raise RuntimeError("the request failed after booking")
    assert not Booking.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_task_delivered_twice_sends_one_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        booking = book(SessionFactory())
    assert mail.outbox == []  # the send task waits for the commit
    notification = messages_of(booking).get()
    tasks.send_outbox_message.call(notification.pk)
    tasks.send_outbox_message.call(notification.pk)
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.sent_at is not None
    assert notification.attempts == 1


@pytest.mark.django_db
def test_a_second_reminder_for_a_booking_is_refused():
    booking = BookingFactory()
    OutboxMessage.objects.create(source_id=booking.pk, kind="reminder")
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(source_id=booking.pk, kind="reminder")


@pytest.mark.django_db
def test_the_sweeper_resends_expired_claims_and_leaves_fresh_ones(
    django_capture_on_commit_callbacks,
):
    booking = BookingFactory()
    now = timezone.now()
    expired = OutboxMessage.objects.create(
        source_id=booking.pk, kind="confirmed", claimed_at=now - timedelta(minutes=6), attempts=1
    )
    fresh = OutboxMessage.objects.create(
        source_id=booking.pk, kind="changed", claimed_at=now - timedelta(seconds=20), attempts=1
    )
    lost = OutboxMessage.objects.create(source_id=booking.pk, kind="promoted")
    just_written = OutboxMessage.objects.create(source_id=booking.pk, kind="cancelled")
    for old in (expired, fresh, lost):
        age(old, minutes=7)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_outbox() == 2
    sent = set(OutboxMessage.objects.filter(sent_at__isnull=False).values_list("pk", flat=True))
    assert sent == {expired.pk, lost.pk}
    assert len(mail.outbox) == 2
    assert OutboxMessage.objects.get(pk=expired.pk).attempts == 2
    just_written.refresh_from_db()
    assert just_written.sent_at is None  # its own task is still on its way
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_outbox() == 0


@pytest.mark.django_db
def test_a_failed_send_records_the_error_and_is_retried_a_bounded_number_of_times(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    booking = BookingFactory()
    notification = OutboxMessage.objects.create(source_id=booking.pk, kind="confirmed")

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server went away")

    monkeypatch.setattr(sending.EmailMessage, "send", refuse)
    assert sending.deliver(notification.pk) is False
    notification.refresh_from_db()
    assert notification.claimed_at is None  # released for the sweeper
    assert notification.sent_at is None
    assert notification.attempts == 1
    assert "mail server went away" in notification.last_error

    age(notification, minutes=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.sweep() == 1  # second and last attempt, fails again
    notification.refresh_from_db()
    assert notification.attempts == 2
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.sweep() == 0  # given up: left for staff, not retried forever
    assert sending.deliver(notification.pk) is False
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_failed_sms_after_the_email_does_not_send_the_email_again(monkeypatch):
    booking = BookingFactory(email="teacher@example.com")
    notification = OutboxMessage.objects.create(source_id=booking.pk, kind="confirmed")
    texts = []

    def gateway_down(phone, text, *, idempotency_id):
        raise ConnectionError("SMS gateway down")

    monkeypatch.setattr(sending, "send_sms", gateway_down)
    assert sending.deliver(notification.pk) is False
    assert len(mail.outbox) == 1
    monkeypatch.setattr(sending, "send_sms", lambda phone, text, **ids: texts.append(phone))
    OutboxMessage.objects.filter(pk=notification.pk).update(claimed_at=None)
    assert sending.deliver(notification.pk) is True
    assert len(mail.outbox) == 1  # the email went once; the retry sent only the SMS
    assert texts == [booking.phone]


def start_worker(name, mail_file, delay, log):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": database_url_for_tests(),
        "Q_CLUSTER_NAME": name,
        "Q_WORKERS": "1",
        "SECRET_KEY": settings.SECRET_KEY,
        "EMAIL_BACKEND": f"{__name__}.SlowFileBackend",
        "OUTBOX_TEST_MAIL_FILE": str(mail_file),
        "OUTBOX_TEST_MAIL_DELAY": str(delay),
        "OUTBOX_LEASE_SECONDS": "2",
    }
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process, sig=signal.SIGTERM):
    if process.poll() is None:
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_for(condition, process, log, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        time.sleep(0.2)
    pytest.fail("timed out:\n" + log.read_text(errors="replace")[-3000:])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_message_lost_with_a_killed_worker_is_sent_once_by_the_sweeper(
    monkeypatch, settings, tmp_path
):
    from django_q.conf import Conf

    name = f"test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "CLUSTER_NAME", name)
    monkeypatch.setattr(Conf, "PREFIX", name)
    settings.OUTBOX_LEASE_SECONDS = 2
    settings.OUTBOX_RETRY_AFTER_SECONDS = 0
    mail_file = tmp_path / "sent.txt"
    log = tmp_path / "qcluster.log"

    booking = book(SessionFactory())  # commits: the send task goes to the broker
    notification = messages_of(booking).get()

    def sent_lines():
        return mail_file.read_text().splitlines() if mail_file.exists() else []

    def row():
        return OutboxMessage.objects.get(pk=notification.pk)

    first = start_worker(name, mail_file, delay=60, log=log)
    try:
        wait_for(lambda: row().claimed_at is not None, first, log)
        time.sleep(0.5)  # inside the slow send now
    finally:
        stop(first, signal.SIGKILL)
    assert sent_lines() == []
    assert row().sent_at is None

    # The task died with its worker; no broker will run it again soon. Before the lease
    # runs out the sweeper leaves the claim alone, after it the message is queued again.
    assert sending.sweep() == 0
    time.sleep(2.1)
    assert sending.sweep() == 1
    second = start_worker(name, mail_file, delay=0, log=log)
    try:
        wait_for(lambda: row().sent_at is not None, second, log)
        assert sending.sweep() == 0
        time.sleep(1)  # room for any duplicate to show up
    finally:
        stop(second)
    lines = sent_lines()
    assert len(lines) == 1
    assert booking.reference in lines[0]
    assert row().attempts == 2


def test_the_sweeper_is_scheduled_every_minute():
    from django.utils.module_loading import import_string

    from config.schedules import MINUTES, SCHEDULES

    (periodic,) = [p for p in SCHEDULES if p.name == "platform: message outbox"]
    assert (periodic.schedule_type, periodic.minutes) == (MINUTES, 1)
    assert import_string(periodic.func) is tasks.sweep_outbox


@pytest.mark.django_db
def test_a_deleted_booking_takes_its_messages_along_and_no_other():
    booking, other = BookingFactory(), BookingFactory()
    OutboxMessage.objects.create(source_id=booking.pk, kind="confirmed")
    OutboxMessage.objects.create(source_id=booking.pk, kind="reminder")
    # The same number about another model (a contest entry) is not the booking's.
    OutboxMessage.objects.create(source_id=booking.pk, kind="entry_received")
    OutboxMessage.objects.create(source_id=other.pk, kind="confirmed")
    pk = booking.pk
    booking.delete()
    assert set(OutboxMessage.objects.values_list("source_id", "kind")) == {
        (pk, "entry_received"),
        (other.pk, "confirmed"),
    }
    Booking.objects.filter(pk=other.pk).delete()  # a bulk delete too
    assert set(OutboxMessage.objects.values_list("kind", flat=True)) == {"entry_received"}
