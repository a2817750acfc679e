"""What a booking costs in SQL queries, pinned: every booking of a hot session pays it.

The budget of issue #18: the session once (read
by the view, used by the service, limited to the site in the same query), the replay
check, the booking and its message in the outbox, the one conditional UPDATE
that claims the places last, and the transaction around them (a savepoint here, since
each test runs in a transaction; BEGIN and COMMIT in production). A change that reads
the session again, or checks a replay twice, fails here with the queries listed.

The request's site costs nothing once the booking form has been shown: a session is
booked only through its own department's site, and each process keeps the site it
matched for a host while the content generation stands (``education/geography.py``).
"""

import pytest
from django.urls import reverse
from wagtail.models import Site

from education.models import SiteSettings
from events.models import Booking
from tests.events.factories import SessionFactory, form_data

pytestmark = pytest.mark.django_db

#: Queries of a booking POST that books, after its form was shown (before issue #18's
#: work: 9, and 8 while each booking looked its site up in the database).
BOOKING_QUERIES = 7


def test_a_booking_costs_its_pinned_queries(client, django_assert_num_queries):
    session = SessionFactory(capacity=60)
    url = reverse("events:book", args=[session.pk])
    SiteSettings.for_site(Site.objects.get(is_default_site=True))  # as on a site in service
    assert client.get(url).status_code == 200  # the teacher fills the form in first
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
