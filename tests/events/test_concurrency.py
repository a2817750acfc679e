"""Capacity under real concurrent requests.

Every request is a real HTTP request to a live server, each client with its own
connection, CSRF cookie and token; the server answers each in its own thread with its
own database connection, through the full stack (middleware, form, view, service). A
pause injected between the availability check and the write widens the race window.
The control run turns the session lock off and must overbook: that proves the test can
see the race. The real run must end with places booked == capacity and every other
request on the waitlist or told "full".
"""

import re
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import override_settings
from django.urls import reverse

from events import selectors, services
from events.models import Booking
from events.services import places
from tests.events.factories import SessionFactory, form_data

REQUESTS = 30
CAPACITY = 10
PARTY = 2
PAUSE = 0.05

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the row-lock race needs PostgreSQL"
)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 to the confirmation page is the answer


def storm(live_server, session, monkeypatch, *, locked):
    monkeypatch.setattr(places, "GUARD_PLACES", locked)
    # The invariant is under test here, not the busy answer (tests/config/test_bounded_waits.py):
    # on a loaded machine SQLite's writers may queue longer than the 3 s a visitor waits.
    monkeypatch.setattr(settings, "SQLITE_WRITE_QUEUE_SECONDS", 60)
    monkeypatch.setattr(places, "after_availability_check", lambda: time.sleep(PAUSE))
    url = live_server.url + reverse("events:book", args=[session.pk])
    start = threading.Barrier(REQUESTS)

    def attempt(i):
        client = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(), NoRedirects)
        # Each client comes through the proxy from an address of its own.
        client.addheaders = [("X-Forwarded-For", f"10.0.{i // 250}.{i % 250 + 1}")]
        form = client.open(url, timeout=30).read().decode()
        data = form_data(
            csrfmiddlewaretoken=re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1],
            organization=f"第{i}小学",
            phone=f"139{i:08d}",
            party_size=str(PARTY),
            adults="0",
            idempotency_key=f"storm-{i:04d}-{'x' * 16}",
            # Half the parties would wait, half want a place or nothing.
            join_waitlist="on" if i % 2 else None,
        )
        request = urllib.request.Request(  # noqa: S310 - the live server's http URL
            url, data=urlencode(data).encode(), headers={"Referer": url}
        )
        start.wait()
        try:
            with client.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as answer:
            return answer.code

    # One proxy hop is trusted, so each client's X-Forwarded-For is its own address.
    with override_settings(TRUSTED_PROXY_HOPS=1), ThreadPoolExecutor(REQUESTS) as pool:
        return list(pool.map(attempt, range(REQUESTS)))


def outcome(session):
    statuses = list(Booking.objects.filter(session=session).values_list("status", flat=True))
    return {
        "booked": selectors.places_taken(session.pk),
        "confirmed": statuses.count(Booking.Status.CONFIRMED),
        "waitlisted": statuses.count(Booking.Status.WAITLISTED),
    }


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_control_run_without_the_lock_overbooks(live_server, monkeypatch):
    session = SessionFactory(capacity=CAPACITY)
    codes = storm(live_server, session, monkeypatch, locked=False)
    result = outcome(session)
    print(f"control run (no guard): {result}, answers {sorted(codes)}")
    assert set(codes) <= {302, 409}
    assert result["booked"] > CAPACITY, result


@pytest.mark.django_db(transaction=True)
def test_with_the_lock_places_booked_equal_capacity(live_server, monkeypatch):
    session = SessionFactory(capacity=CAPACITY)
    codes = storm(live_server, session, monkeypatch, locked=True)
    result = outcome(session)
    print(f"guarded run: {result}, answers {sorted(codes)}")
    assert result["booked"] == CAPACITY
    assert result["confirmed"] == CAPACITY // PARTY
    full = codes.count(409)
    # Every request either booked, waited or was told the session is full.
    assert codes.count(302) + full == REQUESTS
    assert result["confirmed"] + result["waitlisted"] + full == REQUESTS
    assert full > 0 and result["waitlisted"] > 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_and_bookings_keep_the_invariant(monkeypatch):
    """Cancels promote while new parties arrive: places never exceed capacity."""
    monkeypatch.setattr(places, "after_availability_check", lambda: time.sleep(0.01))
    session = SessionFactory(capacity=CAPACITY)
    from tests.events.factories import booking_data

    held = [
        services.create_booking(session.pk, data=booking_data(party_size=PARTY))[0]
        for _ in range(CAPACITY // PARTY)
    ]

    def work(i):
        try:
            if i < len(held):
                services.cancel_booking(held[i].pk)
            else:
                services.create_booking(session.pk, data=booking_data(party_size=PARTY))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(len(held) + 10)))
    assert selectors.places_taken(session.pk) <= CAPACITY
    # Nobody who fits is left waiting while places are free.
    if selectors.places_taken(session.pk) < CAPACITY:
        assert not Booking.objects.filter(session=session, status="waitlisted").exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's transaction mode")
@pytest.mark.django_db(transaction=True)
def test_sqlite_control_run_with_deferred_transactions_fails_writers(monkeypatch):
    """The control run for SQLite: with DEFERRED transactions two writers that counted
    places from the same snapshot collide, and the later one fails ("database is
    locked") instead of queueing. IMMEDIATE (the settings' mode, used by the test above)
    is what makes concurrent bookings wait their turn."""
    from django.db import OperationalError

    from tests.events.factories import booking_data

    session = SessionFactory(capacity=CAPACITY)
    options = connection.settings_dict["OPTIONS"]
    monkeypatch.setitem(options, "transaction_mode", "DEFERRED")
    monkeypatch.setattr(places, "after_availability_check", lambda: time.sleep(PAUSE))
    start = threading.Barrier(8)

    def attempt(i):
        try:
            start.wait()
            services.create_booking(session.pk, data=booking_data(party_size=PARTY))
            return "booked"
        except OperationalError:
            return "failed"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(attempt, range(8)))
    assert "failed" in results
    assert selectors.places_taken(session.pk) <= CAPACITY
