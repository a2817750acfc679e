"""Booking staff message all bookers of a session: a preview with the exact text, one
outbox message per booking, never twice for one form, errors in both languages."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils import translation

from core.outbox import OutboxMessage
from events import broadcast
from events.models import Booking, SessionMessage
from events.permissions import ensure_booking_staff_group
from tests.events.factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db
KEY = "0123456789abcdef0123456789abcdef"
TEXT = "明天请从北门进入，并穿运动鞋。"


@pytest.fixture
def staff(client):
    user = User.objects.create_user("desk", password="pw")
    user.groups.add(ensure_booking_staff_group())
    client.force_login(user)
    return client


@pytest.fixture
def session():
    session = SessionFactory(capacity=40)
    BookingFactory(session=session, organization="实验小学", phone="13812345678")
    BookingFactory(session=session, organization="第二小学", email="", phone="13912345678")
    BookingFactory(session=session, status=Booking.Status.WAITLISTED, organization="候补学校")
    BookingFactory(session=session, status=Booking.Status.CANCELLED, organization="已取消")
    return session


def post(client, session, action, follow=False, **data):
    url = reverse("events_admin:message_bookers", args=[session.pk])
    return client.post(
        url,
        {"text": TEXT, "audience": "holding", "key": KEY, **data, "action": action},
        follow=follow,
    )


def test_preview_shows_counts_and_the_exact_text_and_sends_nothing(staff, session):
    response = post(staff, session, "preview")
    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview["bookings"], preview["sms"], preview["emails"]) == (2, 2, 1)
    assert TEXT in preview["text"] and preview["text"] in response.content.decode()
    # One sentence in the reader's punctuation; a long link wraps at phone width.
    html = response.content.decode()
    assert "2 个预约：2 条短信，1 封电子邮件。" in html
    assert 'class="fb-preview-text"' in html and "events/admin.css" in html
    assert not OutboxMessage.objects.exists() and not SessionMessage.objects.exists()
    waitlist_too = post(staff, session, "preview", audience="active").context["preview"]
    assert waitlist_too["bookings"] == 3


def test_send_goes_through_the_outbox_once_per_booking_and_once_per_form(
    staff, session, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level("INFO", logger="firebreak.sms")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(staff, session, "send")
    assert response.status_code == 302
    rows = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.SESSION_NOTICE)
    organizations = Booking.objects.filter(pk__in=[n.source_id for n in rows])
    assert set(organizations.values_list("organization", flat=True)) == {"实验小学", "第二小学"}
    assert all(n.sent_at for n in rows)
    texts = [r.getMessage() for r in caplog.records if r.name == "firebreak.sms"]
    assert len(texts) == 2 and all(TEXT in t for t in texts)
    assert [m.to for m in mail.outbox] == [["teacher@example.cn"]]
    assert TEXT in mail.outbox[0].body and "Reason" not in mail.outbox[0].body
    # The same form again (a double click): nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        again = post(staff, session, "send", follow=True)
    assert [str(m) for m in again.context["messages"]][-1] == "这条消息已经发送过，没有重复发送。"
    assert rows.count() == 2 and SessionMessage.objects.get().recipients == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": "   "}, "text"),
        ({"text": "长" * 201}, "text"),
        ({"audience": "everyone"}, "audience"),
        ({"key": "not-a-key"}, "key"),
    ],
)
def test_bad_input_is_a_400_with_a_message_and_sends_nothing(staff, session, data, field):
    response = post(staff, session, "send", **data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not OutboxMessage.objects.exists()


def test_service_errors_are_bilingual(session):
    for language, expected in (("zh-hans", "请填写消息内容。"), ("en", "Write the message.")):
        with translation.override(language):
            with pytest.raises(broadcast.BroadcastError) as error:
                broadcast.send(session, text=" ", audience="holding", key=KEY)
            assert str(error.value.message) == expected


def test_people_without_manage_permission_cannot_message(client, session):
    user = User.objects.create_user("viewer", password="pw", is_staff=True)
    client.force_login(user)
    assert post(client, session, "send").status_code in (302, 403)
    assert not OutboxMessage.objects.exists()
