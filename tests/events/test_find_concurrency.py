"""A one-time code opens a booking once, however many requests present it at the same time."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from events import find
from tests.events.factories import BookingFactory

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTS = 6


def test_the_right_code_sent_at_once_from_several_places_opens_once():
    booking = BookingFactory(phone="13812345678")
    access = find.request_code(booking.reference, "13812345678")
    digest = find.phone_digest("13812345678")
    start = threading.Barrier(REQUESTS)

    def attempt(_i):
        try:
            start.wait(timeout=10)
            return find.redeem_code(booking.reference, digest, access.code())
        finally:
            connections.close_all()

    with ThreadPoolExecutor(REQUESTS) as pool:
        opened = [result for result in pool.map(attempt, range(REQUESTS)) if result]
    assert len(opened) == 1
