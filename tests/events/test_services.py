"""Booking services: confirm, approve, wait, cancel, check in, and the rules a booking
keeps (party size, window, deadlines, one booking per key). What staff change on a
session is in test_session_changes.py."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core.outbox import OutboxMessage
from events import selectors, services
from events.models import Booking, Session
from tests.events.factories import (
    BookingFactory,
    EventFactory,
    SessionFactory,
    book,
    booking_data,
    left,
    messages_of,
)

pytestmark = pytest.mark.django_db


def test_booking_confirms_when_places_are_free_and_tells_the_booker(
    django_capture_on_commit_callbacks,
):
    session = SessionFactory(capacity=20)
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(session, party_size=12)
    assert booking.status == Booking.Status.CONFIRMED
    assert left(session) == 8
    assert len(mail.outbox) == 1
    assert booking.reference in mail.outbox[0].subject
    assert "确认" in mail.outbox[0].subject
    assert "/booking/manage/" in mail.outbox[0].body


def test_pending_approval_holds_places_until_decided():
    session = SessionFactory(capacity=20, event__requires_approval=True)
    pending = book(session, party_size=15)
    assert pending.status == Booking.Status.PENDING
    assert book(session, party_size=10).status == Booking.Status.WAITLISTED
    services.approve_booking(pending.pk)
    pending.refresh_from_db()
    assert pending.status == Booking.Status.CONFIRMED


def test_reject_sends_the_reason_and_promotes_the_waitlist(django_capture_on_commit_callbacks):
    session = SessionFactory(capacity=20, event__requires_approval=True)
    pending = book(session, party_size=15)
    waiting = book(session, party_size=10)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_booking(pending.pk, "该时段已安排其他学校")
    pending.refresh_from_db()
    waiting.refresh_from_db()
    assert pending.status == Booking.Status.REJECTED
    # The event needs approval, so a promoted party waits for staff again.
    assert waiting.status == Booking.Status.PENDING
    rejected_mail = next(m for m in mail.outbox if pending.reference in m.subject)
    assert "该时段已安排其他学校" in rejected_mail.body


def test_reject_needs_a_reason():
    session = SessionFactory(event__requires_approval=True)
    booking = book(session)
    with pytest.raises(services.BookingError):
        services.reject_booking(booking.pk, "  ")


def test_a_party_that_does_not_fit_waits_or_is_told_full():
    session = SessionFactory(capacity=10)
    book(session, party_size=8)
    assert book(session, party_size=5).status == Booking.Status.WAITLISTED
    with pytest.raises(services.SessionFull):
        book(session, party_size=5, join_waitlist=False)
    session.event.waitlist_enabled = False
    session.event.save()
    with pytest.raises(services.SessionFull):
        book(session, party_size=5)


def test_cancellation_promotes_waiting_parties_that_fit_in_order(
    django_capture_on_commit_callbacks,
):
    session = SessionFactory(capacity=30)
    first = book(session, party_size=25)
    big = book(session, party_size=20)  # waits; does not fit after the cancel either
    small_a = book(session, party_size=4)  # fits already
    assert small_a.status == Booking.Status.CONFIRMED
    small_b = book(session, party_size=6)
    small_c = book(session, party_size=5)
    assert [big.status, small_b.status, small_c.status] == [Booking.Status.WAITLISTED] * 3
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(first.pk)
    for booking in (first, big, small_b, small_c):
        booking.refresh_from_db()
    # 26 left after the cancel: big (20) first, then small_b (6); small_c no longer fits.
    assert big.status == Booking.Status.CONFIRMED
    assert small_b.status == Booking.Status.CONFIRMED
    assert small_c.status == Booking.Status.WAITLISTED
    assert left(session) == 0
    subjects = {m.subject for m in mail.outbox}
    assert f"候补成功：{big.reference}" in subjects
    assert f"候补成功：{small_b.reference}" in subjects
    assert f"候补成功：{small_c.reference}" not in subjects


def test_a_large_waiting_party_does_not_block_smaller_ones_behind_it():
    session = SessionFactory(capacity=30)
    first = book(session, party_size=10)
    book(session, party_size=20)
    big = book(session, party_size=25)
    small = book(session, party_size=8)
    services.cancel_booking(first.pk)
    big.refresh_from_db()
    small.refresh_from_db()
    assert big.status == Booking.Status.WAITLISTED
    assert small.status == Booking.Status.CONFIRMED


def test_reducing_a_party_promotes_the_waitlist():
    session = SessionFactory(capacity=20)
    booking = book(session, party_size=20)
    waiting = book(session, party_size=5)
    services.change_booking(booking.pk, {"party_size": 15})
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED


def test_growing_a_party_beyond_the_places_left_is_refused():
    session = SessionFactory(capacity=20)
    booking = book(session, party_size=10)
    book(session, party_size=8)
    with pytest.raises(services.SessionFull):
        services.change_booking(booking.pk, {"party_size": 13})
    services.change_booking(booking.pk, {"party_size": 12})
    assert left(session) == 0


def test_party_size_limits_and_adult_ratio():
    session = SessionFactory(event__party_min=10, event__party_max=40, event__children_per_adult=10)
    with pytest.raises(services.BookingError, match="10"):
        book(session, party_size=5)
    with pytest.raises(services.BookingError):
        book(session, party_size=41)
    with pytest.raises(services.BookingError):
        book(session, party_size=30, adults=2)  # 28 children need 3 adults
    assert book(session, party_size=30, adults=3).status == Booking.Status.CONFIRMED


def test_booking_window_opens_and_closes():
    now = timezone.now()
    too_early = SessionFactory(starts_at=now + timedelta(days=90))
    too_late = SessionFactory(starts_at=now + timedelta(hours=10))
    with pytest.raises(services.BookingError):
        book(too_early)
    with pytest.raises(services.BookingError):
        book(too_late)
    closed = SessionFactory(status="closed")
    with pytest.raises(services.BookingError):
        book(closed)


def test_bookings_per_organization_limit_counts_active_bookings_only():
    event = EventFactory(bookings_per_organization=1)
    first_session, second_session = SessionFactory(event=event), SessionFactory(event=event)
    first = book(first_session, organization="江阴中专")
    with pytest.raises(services.BookingError):
        book(second_session, organization="  江阴中专 ")
    services.cancel_booking(first.pk)
    assert book(second_session, organization="江阴中专").status == Booking.Status.CONFIRMED


def test_same_idempotency_key_makes_one_booking():
    session = SessionFactory(capacity=60)
    first = book(session, key="same-key-0123456789")
    again = book(session, key="same-key-0123456789")
    assert again.pk == first.pk
    assert Booking.objects.count() == 1


@pytest.mark.parametrize("other", [{"party_size": 30}, {"phone": "13900000000"}, {"session": True}])
def test_same_idempotency_key_with_other_data_or_session_is_refused(other):
    other = dict(other)
    session = SessionFactory(capacity=60)
    book(session, key="same-key-0123456789")
    target = SessionFactory(capacity=60) if other.pop("session", False) else session
    with pytest.raises(services.IdempotencyConflict):
        book(target, key="same-key-0123456789", **other)
    assert Booking.objects.count() == 1


def test_cancel_after_the_deadline_is_refused_for_the_booker_but_not_staff():
    session = SessionFactory(starts_at=timezone.now() + timedelta(days=3))
    booking = book(session)
    later = session.starts_at - timedelta(hours=2)
    with pytest.raises(services.BookingError):
        services.cancel_booking(booking.pk, now=later)
    services.cancel_booking(booking.pk, by_staff=True, now=later)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_check_in_records_the_people_who_came_and_no_show():
    session = SessionFactory(starts_at=timezone.now() + timedelta(days=2))
    came = BookingFactory(session=session, party_size=30)
    absent = BookingFactory(session=session, party_size=10)
    services.check_in(came.pk, 28, now=session.starts_at)
    came.refresh_from_db()
    assert (came.status, came.attended_count) == (Booking.Status.ATTENDED, 28)
    with pytest.raises(services.BookingError):
        services.mark_no_show(absent.pk)  # not started yet
    services.mark_no_show(absent.pk, now=session.starts_at + timedelta(minutes=30))
    absent.refresh_from_db()
    assert absent.status == Booking.Status.NO_SHOW
    with pytest.raises(services.BookingError):
        services.check_in(
            BookingFactory(session=session, status="waitlisted").pk, 5, now=session.starts_at
        )


def test_cancelled_booking_cannot_be_cancelled_or_approved_again():
    booking = BookingFactory(status=Booking.Status.CANCELLED)
    with pytest.raises(services.BookingError):
        services.cancel_booking(booking.pk)
    with pytest.raises(services.BookingError):
        services.approve_booking(booking.pk)


def test_reminders_go_out_once(django_capture_on_commit_callbacks):
    soon = SessionFactory(starts_at=timezone.now() + timedelta(hours=20))
    later = SessionFactory(starts_at=timezone.now() + timedelta(days=5))
    due = BookingFactory(session=soon)
    BookingFactory(session=soon, status=Booking.Status.WAITLISTED)
    BookingFactory(session=later)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders(hours=24) == 1
    assert [m.subject for m in mail.outbox] == [f"提醒：您的活动即将开始（{due.reference}）"]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders(hours=24) == 0
    assert len(mail.outbox) == 1


def test_sms_goes_to_the_log_backend(caplog, django_capture_on_commit_callbacks):
    session = SessionFactory()
    with (
        caplog.at_level("INFO", logger="firebreak.sms"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        booking = book(session, phone="13912345678")
    assert "139****5678" in caplog.text
    assert booking.reference in caplog.text


def test_a_promoted_party_awaiting_approval_is_told_it_still_waits_for_staff(
    django_capture_on_commit_callbacks,
):
    session = SessionFactory(capacity=20, event__requires_approval=True)
    pending = book(session, party_size=15)
    waiting = book(session, party_size=10)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(pending.pk)
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.PENDING
    assert messages_of(waiting).latest("pk").kind == OutboxMessage.Kind.PROMOTED_PENDING
    message = next(m for m in mail.outbox if waiting.reference in m.subject)
    assert message.subject == f"候补转入，等待审核：{waiting.reference}"
    assert "仍需工作人员审核" in message.body
    assert "转为正式预约" not in message.body


def test_check_in_refuses_more_people_than_the_party_until_staff_change_its_size():
    session = SessionFactory(capacity=40)
    booking = BookingFactory(session=session, party_size=30)
    with pytest.raises(services.BookingError, match="该预约为 30 人"):
        services.check_in(booking.pk, 31, now=session.starts_at)
    booking.refresh_from_db()
    assert (booking.status, booking.attended_count) == (Booking.Status.CONFIRMED, None)
    later = session.starts_at + timedelta(minutes=5)  # past the booker's change deadline
    services.change_booking(booking.pk, {"party_size": 31}, by_staff=True, now=later)
    services.check_in(booking.pk, 31, now=later)
    booking.refresh_from_db()
    assert (booking.status, booking.attended_count) == (Booking.Status.ATTENDED, 31)


def test_staff_cannot_grow_a_party_beyond_the_capacity_at_the_door():
    session = SessionFactory(capacity=30)
    booking = BookingFactory(session=session, party_size=30)
    with pytest.raises(services.SessionFull):
        services.change_booking(booking.pk, {"party_size": 31}, by_staff=True)


@pytest.mark.parametrize(
    ("deadline", "write"),
    [
        (selectors.change_deadline, lambda pk, now: services.change_booking(pk, {}, now=now)),
        (selectors.cancel_deadline, lambda pk, now: services.cancel_booking(pk, now=now)),
    ],
    ids=["change", "cancel"],
)
def test_the_booker_deadlines_are_enforced_to_the_second(deadline, write):
    session = SessionFactory(event__lead_time_hours=72, event__cancel_hours=24)
    booking = BookingFactory(session=session)
    with pytest.raises(services.BookingError):
        write(booking.pk, deadline(session) + timedelta(seconds=1))
    write(booking.pk, deadline(session))


# Staff editing a session


def test_a_party_that_does_not_fit_is_refused_with_the_numbers():
    session = SessionFactory(capacity=15)
    BookingFactory(session=session, party_size=10)
    with pytest.raises(services.SessionFull) as refused:
        book(session, party_size=10, join_waitlist=False)
    assert (refused.value.left, refused.value.party_size, refused.value.may_wait) == (5, 10, True)
    assert str(refused.value.message) == "只剩 5 个名额，您的团体 10 人。"


def test_a_party_bigger_than_the_session_never_waits():
    session = SessionFactory(capacity=20)
    with pytest.raises(services.SessionFull) as refused:
        book(session, party_size=25)
    assert refused.value.may_wait is False
    assert not Booking.objects.exists()


def test_party_problems_names_every_broken_rule_at_once():
    event = EventFactory(party_min=5, party_max=20, children_per_adult=10)
    problems = dict(services.party_problems(event, 30, 0))
    assert set(problems) == {"party_size", "adults"}
    assert services.party_problems(event, 12, 2) == []


def test_the_waitlist_position_follows_the_promotion_order():
    session = SessionFactory(capacity=10)
    held = BookingFactory(session=session, party_size=10)
    first = book(session, party_size=4)
    second = book(session, party_size=6)
    assert [selectors.waitlist_position(b) for b in (first, second)] == [1, 2]
    services.cancel_booking(held.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == Booking.Status.CONFIRMED
    assert selectors.waitlist_position(first) is None


def test_admit_is_asked_once_for_a_new_booking_and_never_for_a_replay(monkeypatch):
    """The view's rate limits: counted once, even when the places went meanwhile and
    the booking is made again the careful way; a replay is never counted."""
    from events.services import places

    session = SessionFactory(capacity=10)
    admitted, claims = [], []

    def places_go_meanwhile():
        # The first claim finds the places taken (rolled back with its transaction).
        if not claims:
            Session.objects.filter(pk=session.pk).update(taken=10)
        claims.append(1)

    monkeypatch.setattr(places, "after_availability_check", places_go_meanwhile)
    data = booking_data(party_size=5)
    booking, created = services.create_booking(
        session.pk, data=data, idempotency_key="k" * 32, admit=lambda: admitted.append(1)
    )
    assert created and booking.status == Booking.Status.CONFIRMED
    assert len(claims) == 2  # claimed last, then made again the careful way
    assert admitted == [1]
    again, created = services.create_booking(
        session.pk, data=data, idempotency_key="k" * 32, admit=lambda: admitted.append(2)
    )
    assert (again, created) == (booking, False)
    assert admitted == [1]


def test_a_session_the_caller_read_is_used_and_places_still_decided_on_the_stored_count():
    session = SessionFactory(capacity=10)
    stale = Session.objects.select_related("event").get(pk=session.pk)
    book(session, party_size=8, phone="13800000001")
    with pytest.raises(services.SessionFull):
        services.create_booking(
            session.pk,
            data=booking_data(party_size=5, phone="13800000002"),
            join_waitlist=False,
            session=stale,  # read when 10 places were free
        )
    assert left(session) == 2
