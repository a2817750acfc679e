"""The session's counter of places: exact through every change, guarded by the database."""

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.outbox import OutboxMessage
from events import selectors, services
from events.models import Booking, Session
from events.services import places
from tests.events.factories import (
    BookingFactory,
    EventFactory,
    SessionFactory,
    booking_data,
    messages_of_session,
)

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
    # An hour after a morning start, on the session's own local day, whatever the clock says.
    starts = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    session = SessionFactory(capacity=20, starts_at=starts)
    came = BookingFactory(session=session, party_size=6)
    stayed_away = BookingFactory(session=session, party_size=4)
    later = starts + timezone.timedelta(hours=1)
    services.check_in(came.pk, 5, now=later)
    services.mark_no_show(stayed_away.pk, now=later)
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


def test_the_places_are_claimed_last_so_the_session_row_is_held_only_until_commit():
    """Every booking of a hot session waits for the session's row: nothing but the
    commit comes after the statement that holds it."""
    session = SessionFactory(capacity=30)
    with CaptureQueriesContext(connection) as queries:
        booking = book(session, 6)
    assert booking.status == Booking.Status.CONFIRMED
    # Savepoints are the test's own transaction at work, not statements of the booking.
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    last = statements[-1]
    assert last.startswith('UPDATE "events_session" SET "taken"'), last
    assert counted(session) == 6


def test_a_claim_that_finds_the_places_gone_leaves_nothing_behind_and_books_again(monkeypatch):
    """The booking's rows were written before the claim; a refused claim rolls them back
    and the party is booked again the careful way (here the places are free again)."""
    session = SessionFactory(capacity=10)
    real_hold = places.hold
    refused = []

    def refuse_once(target, size):
        if not refused:
            refused.append(size)
            return False  # what the guarded statement answers when the places went
        return real_hold(target, size)

    monkeypatch.setattr(places, "hold", refuse_once)
    booking = book(session, 4)
    assert refused == [4]
    assert booking.status == Booking.Status.CONFIRMED
    assert list(Booking.objects.filter(session=session)) == [booking]
    assert list(messages_of_session(session).values_list("kind", flat=True)) == [
        OutboxMessage.Kind.CONFIRMED
    ]
    assert counted(session) == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once")
@pytest.mark.django_db(transaction=True)
def test_a_rival_that_claims_first_sends_the_party_to_the_waitlist(monkeypatch):
    """Another booker's claim commits between this party's read and its claim: the
    party's claim is refused by the database, and it joins the waitlist in turn."""
    session = SessionFactory(capacity=10)
    real_hold = places.hold
    rivals = []

    def rival_first(target, size):
        if not rivals:
            rivals.append(None)

            def rival():
                try:
                    rivals[0] = book(session, 8, organization="对手小学", phone="13900000008")
                finally:
                    connections.close_all()

            thread = threading.Thread(target=rival)
            thread.start()
            thread.join(30)
        return real_hold(target, size)

    monkeypatch.setattr(places, "hold", rival_first)
    waiting = book(session, 5)
    assert rivals[0].status == Booking.Status.CONFIRMED
    assert waiting.status == Booking.Status.WAITLISTED
    assert Booking.objects.filter(session=session).count() == 2
    kinds = messages_of_session(session).values_list("kind", flat=True)
    assert sorted(kinds) == sorted([OutboxMessage.Kind.CONFIRMED, OutboxMessage.Kind.WAITLISTED])
    assert counted(session) == 8
