from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.outbox import OutboxMessage
from events.models import Booking, Session
from events.permissions import ensure_booking_staff_group
from tests.events.factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db
S = Booking.Status


@pytest.fixture
def staff(client):
    user = User.objects.create_user("desk", password="pw")
    user.groups.add(ensure_booking_staff_group())
    client.force_login(user)
    return client


def bulk_url(model, action, objects):
    query = urlencode([("id", obj.pk) for obj in objects] + [("next", "/admin/")])
    return reverse("wagtail_bulk_action", args=["events", model, action]) + "?" + query


def statuses(*bookings):
    return [Booking.objects.get(pk=booking.pk).status for booking in bookings]


def test_the_listings_offer_the_bulk_actions(staff):
    booking = BookingFactory()
    html = staff.get(reverse("events_booking:index")).content.decode()
    assert f'data-object-id="{booking.pk}"' in html
    for action in ("approve", "reject", "no_show", "cancel"):
        assert reverse("wagtail_bulk_action", args=["events", "booking", action]) in html
    html = staff.get(reverse("events_session:index")).content.decode()
    assert f'data-object-id="{booking.session.pk}"' in html
    for action in ("close", "cancel"):
        assert reverse("wagtail_bulk_action", args=["events", "session", action]) in html


def test_bulk_approve_approves_pending_and_leaves_the_rest_with_a_warning(staff):
    session = SessionFactory(event__requires_approval=True)
    first = BookingFactory(session=session, status=S.PENDING)
    second = BookingFactory(session=session, status=S.PENDING)
    cancelled = BookingFactory(session=session, status=S.CANCELLED)
    url = bulk_url("booking", "approve", [first, second, cancelled])
    confirmation = staff.get(url).content.decode()
    assert "江阴市实验小学" in confirmation  # the confirmation lists them, and says how many
    assert "已选择 3 项。" in confirmation
    response = staff.post(url, follow=True)
    assert statuses(first, second, cancelled) == [S.CONFIRMED, S.CONFIRMED, S.CANCELLED]
    html = response.content.decode()
    assert "已批准 2 个预约" in html
    assert "只有待审核的预约可以批准" in html
    assert OutboxMessage.objects.filter(kind="confirmed").count() == 2


def test_bulk_no_show_after_the_start(staff):
    session = SessionFactory(starts_at=timezone.now() - timezone.timedelta(minutes=20))
    absent = BookingFactory(session=session)
    came = BookingFactory(session=session, status=S.ATTENDED, attended_count=10)
    staff.post(bulk_url("booking", "no_show", [absent, came]))
    assert statuses(absent, came) == [S.NO_SHOW, S.ATTENDED]


def test_bulk_cancel_needs_a_reason_sends_it_and_promotes_the_waitlist(
    staff, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=20)
    first = BookingFactory(session=session, party_size=10)
    second = BookingFactory(session=session, party_size=10)
    waiting = BookingFactory(session=session, party_size=15, status=S.WAITLISTED)
    url = bulk_url("booking", "cancel", [first, second])
    assert staff.post(url, {"reason": ""}).status_code == 200  # the form again
    assert statuses(first, second) == [S.CONFIRMED, S.CONFIRMED]
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(url, {"reason": "场馆临时检修"}).status_code == 302
    assert statuses(first, second, waiting) == [S.CANCELLED, S.CANCELLED, S.CONFIRMED]
    cancelled_mail = [m for m in mail.outbox if "取消" in m.subject]
    assert len(cancelled_mail) == 2
    assert all("场馆临时检修" in m.body for m in cancelled_mail)


def test_bulk_reject_sends_the_reason(staff, django_capture_on_commit_callbacks):
    booking = BookingFactory(status=S.PENDING, session__event__requires_approval=True)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(bulk_url("booking", "reject", [booking]), {"reason": "不在服务范围"})
    assert statuses(booking) == [S.REJECTED]
    assert "不在服务范围" in mail.outbox[-1].body


def test_select_all_in_listing_acts_on_nothing(staff):
    booking = BookingFactory(status=S.PENDING)
    url = reverse("wagtail_bulk_action", args=["events", "booking", "approve"])
    staff.post(url + "?id=all&status=pending")
    assert statuses(booking) == [S.PENDING]


def test_bulk_close_and_cancel_sessions(staff, django_capture_on_commit_callbacks):
    closing = SessionFactory()
    kept = BookingFactory(session=closing)
    cancelling = SessionFactory()
    booked = BookingFactory(session=cancelling)
    waiting = BookingFactory(session=cancelling, status=S.WAITLISTED)
    staff.post(bulk_url("session", "close", [closing]))
    closing.refresh_from_db()
    assert closing.status == Session.Status.CLOSED
    assert statuses(kept) == [S.CONFIRMED]
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(bulk_url("session", "cancel", [cancelling]), {"reason": "台风预警"})
    cancelling.refresh_from_db()
    assert cancelling.status == Session.Status.CANCELLED
    assert statuses(booked, waiting) == [S.CANCELLED, S.CANCELLED]
    assert {m.to[0] for m in mail.outbox} == {booked.email}
    assert len(mail.outbox) == 2 and all("台风预警" in m.body for m in mail.outbox)


def test_bulk_actions_need_the_single_item_permissions(client):
    user = User.objects.create_user("viewer", password="pw")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "view_booking", "view_session"])
    )
    client.force_login(user)
    booking = BookingFactory(status=S.PENDING)
    # Wagtail turns the refusal into a redirect to the dashboard with a message.
    assert client.post(bulk_url("booking", "approve", [booking])).status_code in (302, 403)
    assert client.post(bulk_url("session", "close", [booking.session])).status_code in (302, 403)
    assert statuses(booking) == [S.PENDING]
    booking.session.refresh_from_db()
    assert booking.session.status == Session.Status.OPEN
    html = client.get(reverse("events_booking:index")).content.decode()
    assert "data-bulk-action-checkbox" not in html
