"""What staff change on a session: capacity (never below the places held; raising it
moves waiting parties in, in order), cancelling or closing it, and the venue's days,
hours and room it must keep."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from events import services
from events.models import Booking, Session
from tests.events.factories import BookingFactory, EventFactory, SessionFactory, book, left

pytestmark = pytest.mark.django_db


def test_session_capacity_cannot_go_below_the_places_held():
    session = SessionFactory(capacity=30)
    BookingFactory(session=session, party_size=20)
    BookingFactory(session=session, party_size=5, status=Booking.Status.PENDING)
    with pytest.raises(services.BookingError, match="容量不能低于 25"):
        services.update_session(session.pk, {"capacity": 24})
    session.refresh_from_db()
    assert session.capacity == 30
    services.update_session(session.pk, {"capacity": 25})
    session.refresh_from_db()
    assert (session.capacity, left(session)) == (25, 0)


def test_raising_capacity_moves_waiting_parties_in_in_order(django_capture_on_commit_callbacks):
    session = SessionFactory(capacity=20)
    book(session, party_size=20)
    first = book(session, party_size=8)
    second = book(session, party_size=6)
    third = book(session, party_size=4)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_session(session.pk, {"capacity": 34})
    for booking in (first, second, third):
        booking.refresh_from_db()
    # 14 new places: first (8), then second (6); third still waits.
    assert [first.status, second.status, third.status] == [
        Booking.Status.CONFIRMED,
        Booking.Status.CONFIRMED,
        Booking.Status.WAITLISTED,
    ]
    assert {m.subject for m in mail.outbox} == {
        f"候补成功：{first.reference}",
        f"候补成功：{second.reference}",
    }


def test_cancelling_a_session_cancels_its_active_bookings_and_tells_them(
    django_capture_on_commit_callbacks,
):
    session = SessionFactory(capacity=20)
    confirmed = book(session, party_size=12)
    waiting = book(session, party_size=10)
    came = BookingFactory(session=session, status=Booking.Status.ATTENDED, party_size=3)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_session(session.pk, {"status": Session.Status.CANCELLED})
    for booking in (confirmed, waiting, came):
        booking.refresh_from_db()
    assert [confirmed.status, waiting.status, came.status] == [
        Booking.Status.CANCELLED,
        Booking.Status.CANCELLED,
        Booking.Status.ATTENDED,
    ]
    assert confirmed.status_reason == "本场次已取消。"
    assert len(mail.outbox) == 2
    assert all("本场次已取消。" in m.body for m in mail.outbox)
    # Saving the cancelled session again tells nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        services.update_session(session.pk, {"note": "改期另行通知"})
    assert len(mail.outbox) == 2


def test_closing_a_session_keeps_its_bookings():
    session = SessionFactory()
    booking = book(session)
    services.update_session(session.pk, {"status": Session.Status.CLOSED})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    with pytest.raises(services.BookingError):
        book(session)


def test_a_session_keeps_to_the_venues_days_hours_and_room():
    from datetime import datetime, time

    from django.core.exceptions import ValidationError

    event = EventFactory(
        room_capacity=15, open_days="2345", opens_at=time(9, 0), closes_at=time(16, 30)
    )
    today = timezone.localdate()
    tuesday = today + timedelta(days=(1 - today.weekday()) % 7 + 7)
    saturday = tuesday + timedelta(days=4)

    def at(day, hour, minute=0):
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    fine = Session(
        event=event, starts_at=at(tuesday, 9, 30), ends_at=at(tuesday, 11), venue="x", capacity=15
    )
    fine.full_clean()
    for starts, ends, capacity, field in [
        (at(tuesday, 9, 30), at(tuesday, 11), 20, "capacity"),  # room 15
        (at(saturday, 9, 30), at(saturday, 11), 15, "starts_at"),  # closed on Saturdays
        (at(tuesday, 8), at(tuesday, 9, 30), 15, "starts_at"),  # before opening
        (at(tuesday, 16), at(tuesday, 17), 15, "starts_at"),  # after closing
    ]:
        session = Session(event=event, starts_at=starts, ends_at=ends, venue="x", capacity=capacity)
        with pytest.raises(ValidationError) as refused:
            session.full_clean()
        assert field in refused.value.message_dict
    fine.save()
    with pytest.raises(services.BookingError) as refused:
        services.update_session(fine.pk, {"capacity": 20})
    assert refused.value.field == "capacity"
    fine.refresh_from_db()
    assert fine.capacity == 15
