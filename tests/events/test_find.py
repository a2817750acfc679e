"""Find my booking: reference and phone, a one-time code by SMS, then the manage page."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.outbox import OutboxMessage
from events import find, views_find
from events.links import manage_path
from events.models import Booking, BookingAccessCode
from tests.events.factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db

FIND = "/booking/find/"
CODE = "/booking/find/code/"


class Phone:
    """An SMS gateway that keeps what it delivers, as the teacher's phone does."""

    received = []

    def send(self, phone, message, *, idempotency_id):
        Phone.received.append((phone, message))


@pytest.fixture(autouse=True)
def _messages_go_out(django_capture_on_commit_callbacks, monkeypatch):
    """Each request and service call commits, then its outbox message is sent, as live."""
    global committed

    def committed(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)


@pytest.fixture(autouse=True)
def sms(settings, monkeypatch):
    settings.SMS_BACKEND = f"{__name__}.Phone"
    Phone.received = []
    monkeypatch.setattr(views_find, "ANSWER_FLOOR_SECONDS", 0)
    return Phone.received


@pytest.fixture
def booking():
    return BookingFactory(phone="13812345678")


def request_code(reference, phone):
    return committed(find.request_code, reference, phone)


def sent_code(sms):
    (_phone, text) = sms[-1]
    return re.search(r"(?<!\d)\d{6}(?!\d)", text).group()


def ask(client, reference, phone="138 1234 5678"):
    return committed(client.post, FIND, {"reference": reference, "phone": phone})


def test_a_teacher_finds_the_booking_by_reference_phone_and_code(client, booking, sms):
    response = ask(client, booking.reference.lower())
    assert response.status_code == 302 and response["Location"] == CODE
    assert [phone for phone, _text in sms] == ["13812345678"]
    assert booking.reference in sms[0][1]
    response = client.post(CODE, {"code": sent_code(sms)})
    assert response.status_code == 302
    assert response["Location"] == manage_path(booking)
    assert client.get(response["Location"]).status_code == 200


def test_the_answer_never_reveals_whether_a_reference_exists_or_matches(client, booking, sms):
    other = BookingFactory(phone="13900001111")
    answers = []
    for reference, phone in [
        (booking.reference, "13812345678"),  # matches
        (other.reference, "13812345678"),  # exists, another phone
        ("FB-ZZZZZZ", "13812345678"),  # no such booking
    ]:
        client.cookies.clear()
        response = ask(client, reference, phone)
        page = client.get(CODE)
        text = page.content.decode().replace(reference, "REF")
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
        answers.append((response.status_code, response["Location"], page.status_code, text))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][:3] == (302, CODE, 200)
    assert "如果信息与预约 REF 相符" in answers[0][3]
    assert len(sms) == 1 and BookingAccessCode.objects.count() == 1


def test_the_answer_takes_as_long_whether_or_not_a_code_went_out(client, booking, monkeypatch):
    monkeypatch.setattr(views_find, "ANSWER_FLOOR_SECONDS", 0.2)
    slept = []
    monkeypatch.setattr(views_find.time, "sleep", slept.append)
    ask(client, booking.reference)
    ask(client, "FB-ZZZZZZ")
    assert len(slept) == 2 and all(0 < seconds <= 0.2 for seconds in slept)


def test_the_code_is_not_stored_and_a_database_copy_cannot_make_it(booking, settings):
    access = request_code(booking.reference, "13812345678")
    code = access.code()
    assert re.fullmatch(r"\d{6}", code)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM events_bookingaccesscode")
        row = cursor.fetchall()
        cursor.execute("SELECT * FROM core_outboxmessage")
        row += cursor.fetchall()
    assert code not in json.dumps(row, default=str)
    settings.SECRET_KEY = "another-key-another-code"
    assert access.code() != code


def test_a_spent_code_does_not_open_again(booking):
    access = request_code(booking.reference, "13812345678")
    digest = find.phone_digest("13812345678")
    assert find.redeem_code(booking.reference, digest, access.code()) == booking
    assert find.redeem_code(booking.reference, digest, access.code()) is None


def test_a_code_expires_after_ten_minutes(booking):
    access = request_code(booking.reference, "13812345678")
    digest = find.phone_digest("13812345678")
    late = timezone.now() + timedelta(minutes=10, seconds=1)
    assert find.redeem_code(booking.reference, digest, access.code(), now=late) is None
    in_time = timezone.now() + timedelta(minutes=9, seconds=50)
    assert find.redeem_code(booking.reference, digest, access.code(), now=in_time) == booking


def test_a_new_request_voids_the_previous_code(booking):
    first = request_code(booking.reference, "13812345678")
    old_code = first.code()
    second = request_code(booking.reference, "13812345678")
    digest = find.phone_digest("13812345678")
    if second.code() != old_code:  # one chance in a million they coincide
        assert find.redeem_code(booking.reference, digest, old_code) is None
    assert find.redeem_code(booking.reference, digest, second.code()) == booking


def test_five_wrong_tries_void_the_code(booking):
    access = request_code(booking.reference, "13812345678")
    digest = find.phone_digest("13812345678")
    wrong = f"{(int(access.code()) + 1) % 10**6:06d}"
    for _try in range(find.MAX_WRONG_TRIES):
        assert find.redeem_code(booking.reference, digest, wrong) is None
    assert find.redeem_code(booking.reference, digest, access.code()) is None
    assert not BookingAccessCode.objects.exists()


def test_four_wrong_tries_leave_the_code_usable(booking):
    access = request_code(booking.reference, "13812345678")
    digest = find.phone_digest("13812345678")
    wrong = f"{(int(access.code()) + 1) % 10**6:06d}"
    for _try in range(find.MAX_WRONG_TRIES - 1):
        find.redeem_code(booking.reference, digest, wrong)
    assert find.redeem_code(booking.reference, digest, access.code()) == booking


def test_someone_with_the_reference_but_not_the_phone_cannot_use_or_burn_the_code(booking):
    access = request_code(booking.reference, "13812345678")
    stranger = find.phone_digest("13900001111")
    wrong = f"{(int(access.code()) + 1) % 10**6:06d}"
    for _try in range(find.MAX_WRONG_TRIES):
        find.redeem_code(booking.reference, stranger, wrong)
    assert find.redeem_code(booking.reference, stranger, access.code()) is None
    assert BookingAccessCode.objects.get().failed_attempts == 0


def test_no_code_for_an_erased_booking_or_one_whose_link_has_ended(booking):
    old = BookingFactory(
        phone="13812345678",
        session=SessionFactory(starts_at=timezone.now() - timedelta(days=40)),
    )
    assert request_code(old.reference, "13812345678") is None
    Booking.objects.filter(pk=booking.pk).update(personal_data_erased_at=timezone.now())
    assert request_code(booking.reference, "13812345678") is None


def test_a_wrong_code_says_so_in_chinese_with_a_400(client, booking, sms):
    ask(client, booking.reference)
    wrong = f"{(int(sent_code(sms)) + 1) % 10**6:06d}"
    response = client.post(CODE, {"code": wrong})
    assert response.status_code == 400
    assert "验证码无法打开预约" in response.content.decode()
    response = client.post("/en" + CODE, {"code": wrong})
    assert response.status_code == 400
    assert "This code does not open a booking" in response.content.decode()


def test_bad_input_is_a_400_with_messages_never_a_500(client, booking):
    response = client.post(FIND, {"reference": "<script>", "phone": "12"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "FB-" in page and "&lt;script&gt;" in page
    assert client.get(CODE).status_code == 302  # no question asked yet: back to the form
    ask(client, booking.reference)
    assert client.post(CODE, {"code": "12ab"}).status_code == 400
    assert client.post(CODE, {"code": "x" * 5000}).status_code == 400


def test_requests_for_a_code_are_rate_limited_per_phone(client, booking, sms):
    for _request in range(views_find.REQUESTS_PER_PHONE):
        assert ask(client, booking.reference).status_code == 302
    response = ask(client, booking.reference)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= views_find.LIMIT_WINDOW
    assert "尝试次数过多" in response.content.decode()
    assert len(sms) == views_find.REQUESTS_PER_PHONE


def test_requests_for_a_code_are_rate_limited_per_address(client):
    for n in range(views_find.REQUESTS_PER_IP):
        assert ask(client, "FB-ZZZZZZ", f"1380000{n:04d}").status_code == 302
    assert ask(client, "FB-ZZZZZZ", "13900009999").status_code == 429


def test_code_tries_are_rate_limited(client, booking, sms):
    ask(client, booking.reference)
    wrong = f"{(int(sent_code(sms)) + 1) % 10**6:06d}"
    statuses = [
        client.post(CODE, {"code": wrong}).status_code
        for _try in range(views_find.TRIES_PER_PHONE + 1)
    ]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {400}
    assert int(client.post(CODE, {"code": wrong})["Retry-After"]) > 0


def test_the_code_sms_is_masked_in_the_log(settings, booking, caplog):
    settings.SMS_BACKEND = "core.sms.LogSMSBackend"
    caplog.set_level("INFO", logger="firebreak.sms")
    access = request_code(booking.reference, "13812345678")
    text = " ".join(r.getMessage() for r in caplog.records if r.name == "firebreak.sms")
    assert "验证码" in text  # the message was logged (a reference may be partly masked)
    assert access.code() not in text and "******" in text
    assert "13812345678" not in text


def test_the_queue_holds_no_phone_and_no_code(booking):
    from django_q.models import Task

    access = request_code(booking.reference, "13812345678")
    queued = json.dumps(
        [[repr(t.args), repr(t.kwargs), repr(t.result)] for t in Task.objects.all()],
        ensure_ascii=False,
    )
    assert Task.objects.exists()
    notification = OutboxMessage.objects.get(kind=OutboxMessage.Kind.ACCESS_CODE)
    assert f"send_outbox_message', [{notification.pk}]" in queued
    for secret in ("13812345678", access.code(), access.salt, booking.reference):
        assert secret not in queued


def test_the_pages_are_never_cached_and_never_indexed(client, booking):
    response = client.get(FIND)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_the_booking_list_rules_and_manage_pages_link_to_find_my_booking(client, booking):
    find_url = reverse("events:find")
    assert find_url in client.get("/booking/").content.decode()
    assert find_url in client.get(manage_path(booking)).content.decode()
    assert find_url in client.get(f"/booking/session/{booking.session_id}/").content.decode()
    assert find_url in client.get(manage_path(booking, "events:done")).content.decode()
