"""The session's counter of places: exact through every change, guarded by the database."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from events import selectors, services
from events.models import Booking, Session
from tests.events.factories import BookingFactory, EventFactory, SessionFactory, booking_data

pytestmark = pytest.mark.django_db


def book(session, size, **overrides):
    return services.create_booking(session.pk, data=booking_data(party_size=size, **overrides))[0]


def counted(session):
    """The counter as stored, once checked against the places the bookings hold."""
    session.refresh_from_db()
    assert session.taken == selectors.places_taken(session.pk)
    return session.taken


def test_the_counter_follows_every_change_of_held_places():
    session = SessionFactory(capacity=20, event=EventFactory(requires_approval=True))
    pending = book(session, 8)
    assert pending.status == Booking.Status.PENDING
    assert counted(session) == 8
    other = book(session, 10)
    waiting = book(session, 5)
    assert waiting.status == Booking.Status.WAITLISTED
    assert counted(session) == 18
    services.change_booking(other.pk, {"party_size": 12})  # grows into the last 2
    assert counted(session) == 20
    services.change_booking(other.pk, {"party_size": 9})  # frees 3: not enough for 5
    assert counted(session) == 17
    services.reject_booking(pending.pk, "不符合参观要求")  # frees 8: the 5 move in
    assert counted(session) == 14
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.PENDING
    services.approve_booking(waiting.pk)
    assert counted(session) == 14
    services.update_session(session.pk, {"capacity": 14})
    assert counted(session) == 14
    services.cancel_booking(other.pk)
    assert counted(session) == 5
    services.update_session(session.pk, {"status": Session.Status.CANCELLED})
    assert counted(session) == 0


def test_check_in_and_no_show_keep_the_places_held():
    session = SessionFactory(capacity=20, starts_at=timezone.now() - timezone.timedelta(hours=1))
    came = BookingFactory(session=session, party_size=6)
    stayed_away = BookingFactory(session=session, party_size=4)
    services.check_in(came.pk, 5)
    services.mark_no_show(stayed_away.pk)
    assert counted(session) == 10


def test_the_database_refuses_more_places_than_the_capacity():
    session = SessionFactory(capacity=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(taken=11)


def test_saving_a_session_read_earlier_never_writes_back_its_count():
    session = SessionFactory(capacity=30)
    stale = Session.objects.get(pk=session.pk)
    book(session, 12)
    stale.note = "带好水杯"
    stale.save()
    assert counted(session) == 12


def test_recount_repairs_a_counter_from_the_bookings():
    session = SessionFactory(capacity=30)
    book(session, 12)
    Session.objects.filter(pk=session.pk).update(taken=3)
    assert services.recount(session.pk) == 12
    assert counted(session) == 12
