"""A message goes out once: stable ids on every send, stamps retried, claims renewed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import OperationalError
from django.db.models.query import QuerySet
from django.utils import timezone

from core.outbox import OutboxMessage, sending
from tests.events.factories import BookingFactory


class Gateway:
    """An SMS gateway that drops a repeat of an id it has delivered, as real ones do."""

    sends = []  # (phone, idempotency_id) of every call
    delivered = {}  # idempotency_id -> text actually delivered
    fail_after_send = None  # an exception raised once the message has gone out


class GatewayBackend:
    def send(self, phone, message, *, idempotency_id):
        Gateway.sends.append((phone, idempotency_id))
        Gateway.delivered.setdefault(idempotency_id, message)
        if Gateway.fail_after_send is not None:
            error, Gateway.fail_after_send = Gateway.fail_after_send, None
            raise error


class Killed(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs, no handler sees it."""


@pytest.fixture
def gateway(settings):
    settings.SMS_BACKEND = f"{__name__}.GatewayBackend"
    Gateway.sends, Gateway.delivered, Gateway.fail_after_send = [], {}, None
    return Gateway


@pytest.fixture
def no_backoff(monkeypatch):
    monkeypatch.setattr(sending, "STAMP_BACKOFF_SECONDS", 0)


def failing_stamps(monkeypatch, times):
    """The database refuses the next ``times`` writes of ``sent_at`` (a lock, a cut)."""
    real_update = QuerySet.update
    left = {"n": times}

    def update(self, **fields):
        if "sent_at" in fields and self.model is OutboxMessage and left["n"]:
            left["n"] -= 1
            raise OperationalError("database is locked")
        return real_update(self, **fields)

    monkeypatch.setattr(QuerySet, "update", update)
    return left


def message_ids():
    return [message.extra_headers["Message-ID"] for message in mail.outbox]


def after_lease(now):
    return now + sending.lease() + timedelta(seconds=1)


@pytest.mark.django_db
def test_every_send_carries_the_rows_id_per_channel(gateway):
    booking = BookingFactory(email="teacher@example.com")
    notification = OutboxMessage.objects.create(source_id=booking.pk, kind="confirmed")
    assert sending.deliver(notification.pk) is True
    sms_id = sending.idempotency_id(notification.pk, "sms")
    assert gateway.sends == [(booking.phone, sms_id)]
    assert message_ids() == [f"<{sending.idempotency_id(notification.pk, 'email')}>"]
    assert sms_id != sending.idempotency_id(notification.pk, "email")
    other = OutboxMessage.objects.create(source_id=booking.pk, kind="changed")
    assert sending.idempotency_id(other.pk, "sms") != sms_id


@pytest.mark.django_db
def test_a_stamp_that_fails_is_retried_and_nothing_goes_twice(gateway, monkeypatch, no_backoff):
    booking = BookingFactory(email="teacher@example.com")
    notification = OutboxMessage.objects.create(source_id=booking.pk, kind="confirmed")
    left = failing_stamps(monkeypatch, 3)  # a lock held for a moment
    now = timezone.now()
    assert sending.deliver(notification.pk, now=now) is True
    assert left["n"] == 0  # the database did refuse, and the stamp was asked again
    notification.refresh_from_db()
    assert notification.sent_at is not None
    # Nothing is left to send, even after the lease: one SMS, one email.
    assert sending.deliver(notification.pk, now=after_lease(now)) is False
    assert len(gateway.sends) == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_stamp_that_never_succeeds_keeps_the_claim_and_the_resend_has_the_same_ids(
    gateway, monkeypatch, no_backoff
):
    booking = BookingFactory(email="teacher@example.com")
    notification = OutboxMessage.objects.create(source_id=booking.pk, kind="confirmed")
    failing_stamps(monkeypatch, 10**6)
    now = timezone.now()
    assert sending.deliver(notification.pk, now=now) is False
    notification.refresh_from_db()
    assert notification.sent_at is None
    assert notification.claimed_at is not None  # held: not sent again at once
    assert sending.deliver(notification.pk, now=now) is False
    monkeypatch.undo()
    assert sending.deliver(notification.pk, now=after_lease(now)) is True
    assert len(gateway.sends) == 2
    assert gateway.sends[0] == gateway.sends[1]  # the same id: the gateway drops the repeat
    assert len(gateway.delivered) == 1
    assert len(set(message_ids())) == 1  # the email's repeat carries the same Message-ID


@pytest.mark.django_db
@pytest.mark.parametrize("channel", ["email", "sms"])
def test_a_sender_killed_mid_send_is_resent_with_the_same_id(gateway, monkeypatch, channel):
    booking = BookingFactory(email="teacher@example.com")
    notification = OutboxMessage.objects.create(source_id=booking.pk, kind="confirmed")
    if channel == "sms":
        gateway.fail_after_send = Killed()
    else:
        real_send = sending.EmailMessage.send

        def send_then_die(self, *args, **kwargs):
            real_send(self, *args, **kwargs)
            monkeypatch.setattr(sending.EmailMessage, "send", real_send)
            raise Killed

        monkeypatch.setattr(sending.EmailMessage, "send", send_then_die)
    now = timezone.now()
    with pytest.raises(Killed):
        sending.deliver(notification.pk, now=now)
    notification.refresh_from_db()
    assert notification.sent_at is None and notification.claimed_at is not None
    assert sending.sweep(now=now + timedelta(hours=1)) == 1  # its lease ran out
    assert sending.deliver(notification.pk, now=after_lease(now)) is True
    if channel == "sms":
        assert len(gateway.sends) == 2 and len(set(gateway.sends)) == 1
        assert len(gateway.delivered) == 1
        assert len(mail.outbox) == 1  # the email was stamped before the SMS went
    else:
        assert len(mail.outbox) == 2 and len(set(message_ids())) == 1
        assert len(gateway.sends) == 1


@pytest.mark.django_db
def test_a_sender_whose_lease_ran_out_stops_when_another_has_taken_over(gateway, monkeypatch):
    booking = BookingFactory(email="")
    notification = OutboxMessage.objects.create(source_id=booking.pk, kind="confirmed")
    now = timezone.now()
    render = sending.renderer(OutboxMessage.Kind.CONFIRMED)
    took_over = []

    def slow_render(row):
        # While the first sender stalls, its lease runs out and a second one sends.
        if row.claimed_at == now:
            took_over.append(sending.deliver(row.pk, now=after_lease(now)))
        return render(row)

    monkeypatch.setattr(sending, "renderer", lambda kind: slow_render)
    assert sending.deliver(notification.pk, now=now) is False
    assert took_over == [True]
    assert len(gateway.sends) == 1


def test_the_outbox_is_tuned_by_settings(settings):
    settings.OUTBOX_LEASE_SECONDS = 42
    settings.OUTBOX_RETRY_AFTER_SECONDS = 7
    settings.OUTBOX_MAX_ATTEMPTS = 3
    assert sending.lease() == timedelta(seconds=42)
    assert sending.retry_after() == timedelta(seconds=7)
    assert OutboxMessage.objects.attempt_limit() == 3
