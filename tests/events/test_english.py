"""Events and sessions on the English site: their English titles, summaries and venues
where an editor gave them, else the Chinese."""

import pytest
from django.urls import reverse
from django.utils import translation

from events import demo
from tests.events.factories import BookingFactory, SessionFactory
from tests.events.test_views import manage_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    return SessionFactory(
        event__title="消防夏令营",
        event__title_en="Summer fire-safety camp",
        event__summary="每期一天。",
        event__summary_en="One day per batch.",
        venue="江阴市消防教育馆",
        venue_en="Jiangyin Fire Education Centre",
    )


def test_the_english_site_lists_and_books_events_in_english(client, session):
    from tests.education.factories import make_site

    make_site(service_hours="工作日 8:30–17:30", service_hours_en="Weekdays 8:30–17:30")
    listing = client.get("/en/booking/").content.decode()
    assert "Summer fire-safety camp" in listing and "Jiangyin Fire Education Centre" in listing
    assert "消防夏令营" not in listing and "江阴市消防教育馆" not in listing
    with translation.override("en"):
        form = client.get(reverse("events:book", args=[session.pk])).content.decode()
    assert "<h1>Summer fire-safety camp</h1>" in form and "One day per batch." in form
    assert "answered Weekdays 8:30–17:30" in form and "工作日" not in form

    chinese = client.get("/booking/").content.decode()
    assert "消防夏令营" in chinese and "Summer fire-safety camp" not in chinese


def test_an_event_without_english_falls_back_to_chinese(client):
    SessionFactory(event__title="企业消防演练", venue="培训室")
    listing = client.get("/en/booking/").content.decode()
    assert "企业消防演练" in listing and "培训室" in listing


def test_booking_details_and_calendar_file_follow_the_language(client, session):
    booking = BookingFactory(session=session)
    with translation.override("en"):
        manage = client.get(manage_url(booking)).content.decode()
        ics = client.get(manage_url(booking, "events:ics")).content.decode()
    assert "<dd>Summer fire-safety camp</dd>" in manage
    assert "<dd>Jiangyin Fire Education Centre</dd>" in manage
    assert "SUMMARY:Summer fire-safety camp" in ics
    chinese = client.get(manage_url(booking, "events:ics")).content.decode()
    assert "SUMMARY:消防夏令营" in chinese and "LOCATION:江阴市消防教育馆" in chinese


def test_demo_english_fills_only_what_is_empty():
    camp = SessionFactory(event__title="消防夏令营", venue="江阴市消防教育馆").event
    edited = SessionFactory(
        event__title="企业消防演练与培训", event__title_en="Staff drills", venue="企业现场"
    )
    assert demo.fill_english() == 3  # two events, one venue
    camp.refresh_from_db()
    edited.event.refresh_from_db()
    assert camp.title_en == "Summer fire-safety camp" and camp.summary_en
    assert camp.sessions.get().venue_en == "Jiangyin Fire Education Centre"
    assert edited.event.title_en == "Staff drills"  # an editor's English is kept
    assert edited.event.summary_en  # the empty summary is filled
    assert demo.fill_english() == 0
