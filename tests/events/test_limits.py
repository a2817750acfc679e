"""The booking form's rate limits and idempotency: count what reaches the service,
keep what was typed, return a re-submitted booking, never someone else's."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from events.links import manage_path
from events.models import Booking
from tests.events.factories import BookingFactory, SessionFactory, form_data

pytestmark = pytest.mark.django_db


def post_booking(client, session, **overrides):
    extra = {key: overrides.pop(key) for key in list(overrides) if key.isupper()}
    return client.post(reverse("events:book", args=[session.pk]), form_data(**overrides), **extra)


@override_settings(BOOKING_RATE_LIMIT_PER_PHONE=2)
def test_over_the_phone_limit_the_form_comes_back_filled_in_with_when_to_retry(client):
    session = SessionFactory(capacity=100)
    for i in range(2):
        assert post_booking(client, session, idempotency_key=f"{i}" * 32).status_code == 302
    response = post_booking(client, session, idempotency_key="z" * 32, notes="第三次")
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 3600
    page = response.content.decode()
    assert "请在" in page and re.search(r"\d\d:\d\d", page)
    assert 'value="江阴市实验小学"' in page and "第三次" in page
    assert Booking.objects.count() == 2


@override_settings(BOOKING_RATE_LIMIT_PER_PHONE=2, BOOKING_RATE_LIMIT_PER_IP=2)
def test_mistakes_in_the_form_do_not_count(client):
    session = SessionFactory(capacity=100)
    for _ in range(5):
        assert post_booking(client, session, phone="1").status_code == 400
        assert post_booking(client, session, party_size="0").status_code == 400
    assert post_booking(client, session).status_code == 302


@override_settings(BOOKING_RATE_LIMIT_PER_PHONE=1)
def test_a_resubmitted_successful_form_returns_its_booking_not_a_429(client):
    session = SessionFactory(capacity=100)
    first = post_booking(client, session)
    assert first.status_code == 302
    for _ in range(3):
        again = post_booking(client, session)
        assert again.status_code == 302
        assert again["Location"] == first["Location"]
    assert Booking.objects.count() == 1


@override_settings(BOOKING_RATE_LIMIT_PER_IP=2, TRUSTED_PROXY_HOPS=0)
def test_a_blocked_address_cannot_book_more_by_claiming_another(client):
    session = SessionFactory(capacity=100)
    for i in range(2):
        response = post_booking(
            client, session, idempotency_key=f"{i}" * 32, phone=f"1381234567{i}"
        )
        assert response.status_code == 302
    for i, claimed in enumerate(["203.0.113.1", "203.0.113.2", "203.0.113.3"]):
        response = post_booking(
            client,
            session,
            idempotency_key=f"x{i}" * 16,
            phone=f"1390000000{i}",
            HTTP_X_FORWARDED_FOR=claimed,
        )
        assert response.status_code == 429
    assert Booking.objects.count() == 2


@override_settings(BOOKING_RATE_LIMIT_PER_IP=2, TRUSTED_PROXY_HOPS=1)
def test_behind_a_trusted_proxy_the_address_it_saw_is_counted(client):
    session = SessionFactory(capacity=100)
    for i in range(2):
        response = post_booking(
            client,
            session,
            idempotency_key=f"{i}" * 32,
            phone=f"1381234567{i}",
            HTTP_X_FORWARDED_FOR=f"6.6.6.{i}, 203.0.113.7",
        )
        assert response.status_code == 302
    # The same client behind the proxy, whatever it claims to the left.
    blocked = post_booking(
        client, session, idempotency_key="b" * 32, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7"
    )
    assert blocked.status_code == 429
    # Another client behind the same proxy is not blocked by the first.
    other = post_booking(
        client,
        session,
        idempotency_key="c" * 32,
        phone="13700000000",
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert other.status_code == 302


def test_the_same_key_with_other_data_is_a_409_and_reveals_nothing(client):
    session = SessionFactory(capacity=100)
    first = post_booking(client, session)
    booking = Booking.objects.get()
    response = post_booking(client, session, organization="别的学校", contact_name="李老师")
    assert response.status_code == 409
    page = response.content.decode()
    assert "已被用于提交另一份预约" in page
    assert booking.reference not in page
    assert manage_path(booking) not in page and first["Location"] not in page
    assert "江阴市实验小学" not in page
    assert Booking.objects.count() == 1


def test_the_same_key_on_another_session_is_a_409(client):
    session, other = SessionFactory(capacity=100), SessionFactory(capacity=100)
    post_booking(client, session)
    response = post_booking(client, other)
    assert response.status_code == 409
    assert Booking.objects.count() == 1
    assert not Booking.objects.filter(session=other).exists()


def test_the_conflict_page_speaks_english_under_en(client):
    session = SessionFactory(capacity=100)
    post_booking(client, session)
    response = client.post(
        "/en" + reverse("events:book", args=[session.pk]), form_data(organization="Other school")
    )
    assert response.status_code == 409
    assert "already been used to send a different booking" in response.content.decode()


@override_settings(BOOKING_RATE_LIMIT_PER_IP=1)
def test_changing_a_booking_over_the_limit_keeps_the_change_and_says_when(client):
    booking = BookingFactory(party_size=10)
    url = manage_path(booking, "events:change")
    data = {"contact_name": "李老师", "phone": "13812345678", "party_size": "12", "adults": "1"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "contact_name": "赵老师"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert 'value="赵老师"' in response.content.decode()
