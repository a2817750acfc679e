import io

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from events import selectors
from events.models import Booking, Event

pytestmark = pytest.mark.django_db


def test_demo_booking_content():
    # One test: the whole demo takes a while to load.
    call_command("demo", stdout=io.StringIO())

    # The summer camp: ten batches of 60 places, on ten days ahead, some booked.
    camp = Event.objects.get(kind=Event.Kind.CAMP_BATCH)
    assert camp.page is not None and camp.page.slug == "summer-camp"
    sessions = list(camp.sessions.order_by("starts_at"))
    assert len(sessions) == 10
    assert {session.capacity for session in sessions} == {60}
    assert len({timezone.localdate(session.starts_at) for session in sessions}) == 10
    assert all(session.starts_at > timezone.now() for session in sessions)
    booked = [selectors.places_taken(session.pk) for session in sessions]
    assert booked[0] == 60  # the first batch is full, with a school waiting
    assert 0 < sum(booked) < 600
    assert camp.sessions.filter(bookings__status=Booking.Status.WAITLISTED).exists()

    # Experience-room visits at the open rooms, school talks and company drills.
    rooms = Event.objects.filter(kind=Event.Kind.EXPERIENCE_VISIT)
    assert rooms.count() == 2 and all(room.page is not None for room in rooms)
    for kind in Event.Kind.values:  # every kind the filter offers has sessions
        assert selectors.sessions_listing().filter(event__kind=kind).exists(), kind

    # Sessions keep to the room's days, hours and size (杨市社区: 周二至周五, 15 people),
    # and online changes close the day before at 17:00, while the hotline answers.
    community = Event.objects.get(title__startswith="杨市社区")
    assert community.party_max == 15
    for session in community.sessions.all():
        start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        assert 1 <= start.weekday() <= 4 and session.capacity == 15
        assert (start.hour, start.minute) >= (9, 0) and (end.hour, end.minute) <= (16, 30)
        assert not ((end.hour, end.minute) > (11, 30) and (start.hour, start.minute) < (14, 0))
        deadline = timezone.localtime(selectors.cancel_deadline(session))
        assert deadline.weekday() < 5 and (deadline.hour, deadline.minute) == (17, 0)
    # The start-of-term talk falls at the start of a term, not in December.
    talk = Event.objects.get(kind=Event.Kind.SCHOOL_TALK)
    assert {timezone.localtime(s.starts_at).month for s in talk.sessions.all()} <= {3, 9}

    # Bookings in every state, none overbooking, attendance that feeds reach.
    assert set(Booking.objects.values_list("status", flat=True)) == set(Booking.Status.values)
    for session in selectors.sessions_listing(now=timezone.now() - timezone.timedelta(days=30)):
        assert session.taken == selectors.places_taken(session.pk) <= session.capacity
    attended = Booking.objects.filter(status=Booking.Status.ATTENDED)
    assert attended.aggregate(n=Sum("attended_count"))["n"] > 0

    # Every event and venue reads in English on the English site.
    for event in Event.objects.all():
        assert event.title_en and event.summary_en, event.title
    from events.models import Session

    assert not Session.objects.filter(venue_en="").exists()
