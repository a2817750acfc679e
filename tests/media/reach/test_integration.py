"""Derived tallies from the real sources: bookings' attendance and contest entries."""

import pytest
from django.utils import timezone

from events import services as booking_services
from media.reach.models import Tally
from tests.events.factories import BookingFactory

pytestmark = pytest.mark.django_db


def test_check_in_turns_into_an_attendance_tally(django_capture_on_commit_callbacks):
    booking = BookingFactory(party_size=40, session__starts_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.check_in(booking.pk, 37)
    tally = Tally.objects.get(metric__code="attendance", source="derived")
    assert tally.count == 37

    # Correcting the count at the door corrects the tally; nothing is typed twice.
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.check_in(booking.pk, 38)
    assert Tally.objects.get(metric__code="attendance", source="derived").count == 38


def test_booking_changes_that_are_not_attendance_queue_no_recompute(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        BookingFactory()
    assert not any("request_derivation" in repr(cb) for cb in callbacks)
    assert not Tally.objects.exists()


def test_contest_entries_turn_into_entry_tallies(home, django_capture_on_commit_callbacks):
    from tests.media.contest.factories import make_contest, make_entry

    contest = make_contest(home)
    with django_capture_on_commit_callbacks(execute=True):
        make_entry(contest, category="drawing")
        make_entry(contest, category="drawing")
        make_entry(contest, category="essay")
    counts = dict(Tally.objects.filter(source="derived").values_list("channel__code", "count"))
    assert counts == {"drawing": 2, "essay": 1}
