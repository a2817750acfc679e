from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from wagtail.models import Locale, Page

from events import selectors
from events.models import Booking, Event, Session
from tests.events.factories import BookingFactory, EventFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_places_taken_counts_pending_and_confirmed_not_waitlist_or_cancelled():
    session = SessionFactory(capacity=100)
    for status, size in [
        (Booking.Status.CONFIRMED, 10),
        (Booking.Status.PENDING, 7),
        (Booking.Status.WAITLISTED, 30),
        (Booking.Status.CANCELLED, 20),
        (Booking.Status.REJECTED, 5),
    ]:
        BookingFactory(session=session, status=status, party_size=size)
    assert selectors.places_taken(session.pk) == 17
    listed = selectors.sessions_listing().get(pk=session.pk)
    assert listed.taken == 17
    annotated = Session.objects.with_places_taken().get(pk=session.pk)
    assert annotated.places_taken == 17
    assert annotated.waitlisted_count == 1
    assert selectors.places_left(listed) == 83


def test_attendance_for_reach_sums_people_who_came_per_day_kind_and_venue():
    day = timezone.now() - timedelta(days=3)
    morning = SessionFactory(
        starts_at=day.replace(hour=2),
        venue="杨市社区体验室",
        event__kind=Event.Kind.EXPERIENCE_VISIT,
    )
    afternoon = SessionFactory(
        starts_at=day.replace(hour=6), venue="杨市社区体验室", event=morning.event
    )
    BookingFactory(
        session=morning, status=Booking.Status.ATTENDED, party_size=12, attended_count=11
    )
    BookingFactory(
        session=afternoon, status=Booking.Status.ATTENDED, party_size=8, attended_count=8
    )
    BookingFactory(session=afternoon, status=Booking.Status.NO_SHOW, party_size=9, attended_count=0)
    BookingFactory(session=afternoon, status=Booking.Status.CONFIRMED, party_size=5)
    rows = selectors.attendance_for_reach()
    assert rows == [
        {
            "day": timezone.localdate(morning.starts_at),
            "kind": "experience_visit",
            "place": "杨市社区体验室",
            "page_id": None,  # no page describes the event: the default site's figure
            "persons": 19,
            "sessions": 2,
        }
    ]


def test_sessions_for_page_matches_the_english_alias_too(home):
    camp = home.add_child(instance=Page(title="消防夏令营", slug="summer-camp"))
    other = home.add_child(instance=Page(title="其他", slug="other"))
    session = SessionFactory(event__page=camp)
    SessionFactory(event__page=other)
    alias = camp.copy_for_translation(Locale.objects.get(language_code="en"), alias=True)
    assert list(selectors.sessions_for_page(camp)) == [session]
    assert list(selectors.sessions_for_page(alias)) == [session]


def test_sessions_for_page_tag_shows_state_and_book_link(home):
    camp = home.add_child(instance=Page(title="消防夏令营", slug="summer-camp"))
    session = SessionFactory(event__page=camp, capacity=60)
    BookingFactory(session=session, party_size=58)
    html = Template("{% load events_tags %}{% sessions_for_page page %}").render(
        Context({"page": camp})
    )
    assert "剩余 2 个名额" in html
    assert f"/booking/session/{session.pk}/" in html
    with translation.override("en"):
        html = Template("{% load events_tags %}{% sessions_for_page page %}").render(
            Context({"page": camp})
        )
    assert "2 places left" in html
    assert f"/en/booking/session/{session.pk}/" in html


def test_upcoming_sessions_lists_only_bookable_sessions_with_places():
    open_session = SessionFactory(event__title="可预约")
    full = SessionFactory(event__title="满员", capacity=5)
    BookingFactory(session=full, party_size=5)
    SessionFactory(event__title="未发布", event=EventFactory(title="未发布", is_published=False))
    SessionFactory(event__title="已截止", starts_at=timezone.now() + timedelta(hours=2))
    html = Template("{% load events_tags %}{% upcoming_sessions limit=4 %}").render(Context())
    assert open_session.event.title in html
    for hidden in ("满员", "未发布", "已截止"):
        assert hidden not in html


def test_the_booker_may_change_and_cancel_an_active_booking_until_each_deadline():
    booking = BookingFactory(status=Booking.Status.CONFIRMED)
    session = booking.session
    change, cancel = selectors.change_deadline(session), selectors.cancel_deadline(session)
    assert selectors.booker_may_change(booking, change)
    assert not selectors.booker_may_change(booking, change + timedelta(seconds=1))
    assert selectors.booker_may_cancel(booking, cancel)
    assert not selectors.booker_may_cancel(booking, cancel + timedelta(seconds=1))
    booking.status = Booking.Status.CANCELLED
    early = min(change, cancel) - timedelta(days=1)
    assert not selectors.booker_may_change(booking, early)
    assert not selectors.booker_may_cancel(booking, early)


def test_the_session_day_is_its_local_day():
    session = SessionFactory()
    start = timezone.localtime(session.starts_at)
    midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
    assert selectors.is_session_day(session, midnight)
    assert not selectors.is_session_day(session, midnight - timedelta(seconds=1))
    assert not selectors.is_session_day(session, midnight + timedelta(days=1))
