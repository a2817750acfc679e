"""Deleting an event or session that bookings hold: refused, named, never a 500."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from events.models import Event, Session
from tests.events.factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-only"))
    return client


@pytest.mark.parametrize("what", ["session", "event"])
def test_what_bookings_hold_is_not_deleted_and_the_page_says_why(admin_client, what):
    session = SessionFactory()
    BookingFactory.create_batch(3, session=session)
    target = session if what == "session" else session.event
    url = reverse(f"events_{what}:delete", args=[target.pk])
    page = admin_client.get(url).content.decode()
    assert "3 " in page and "Yes, delete" not in page and "是的，删除" not in page
    response = admin_client.post(url)
    assert response.status_code == 302
    assert Session.objects.filter(pk=session.pk).exists()
    assert Event.objects.filter(pk=session.event_id).exists()
    followed = admin_client.get(response["Location"]).content.decode()
    assert "3 " in followed


def test_a_session_without_bookings_is_deleted(admin_client):
    session = SessionFactory()
    response = admin_client.post(reverse("events_session:delete", args=[session.pk]))
    assert response.status_code == 302
    assert not Session.objects.filter(pk=session.pk).exists()
