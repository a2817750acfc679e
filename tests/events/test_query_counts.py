"""What a booking costs in SQL queries, pinned: every booking of a hot session pays it.

The budget of issue #18: the request's site (Wagtail's lookup: a session is booked only
through its own department's site, ``education/geography.py``), the session once (read
by the view, used by the service, limited to the site in the same query), the replay
check, the booking and its message in the outbox, the one conditional UPDATE
that claims the places last, and the transaction around them (a savepoint here, since
each test runs in a transaction; BEGIN and COMMIT in production). A change that reads
the session again, or checks a replay twice, fails here with the queries listed.
"""

import pytest
from django.urls import reverse

from events.models import Booking
from tests.events.factories import SessionFactory, form_data

pytestmark = pytest.mark.django_db

#: Queries of a booking POST that books (before issue #18's work: 9; 7 before a booking
#: looked up its site).
BOOKING_QUERIES = 8


def test_a_booking_costs_its_pinned_queries(client, django_assert_num_queries):
    session = SessionFactory(capacity=60)
    url = reverse("events:book", args=[session.pk])
    with django_assert_num_queries(BOOKING_QUERIES):
        response = client.post(url, form_data())
    assert response.status_code == 302
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_a_replay_costs_no_more_than_a_booking(client, django_assert_max_num_queries):
    session = SessionFactory(capacity=60)
    url = reverse("events:book", args=[session.pk])
    first = client.post(url, form_data())
    with django_assert_max_num_queries(BOOKING_QUERIES):
        again = client.post(url, form_data())
    assert again["Location"] == first["Location"]
    assert Booking.objects.count() == 1
