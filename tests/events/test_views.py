import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import selectors, services
from events.links import manage_path, manage_token
from events.models import Booking
from tests.events.factories import BookingFactory, SessionFactory, form_data

pytestmark = pytest.mark.django_db


def post_booking(client, session, **overrides):
    return client.post(reverse("events:book", args=[session.pk]), form_data(**overrides))


def test_the_form_shows_the_rules_before_the_fields(client):
    session = SessionFactory(
        event__party_min=10,
        event__party_max=50,
        event__children_per_adult=8,
        event__cancel_hours=48,
    )
    html = client.get(reverse("events:book", args=[session.pk])).content.decode()
    rules = html.index("预约须知")
    assert rules < html.index('name="organization"')
    assert "10 至 50 人" in html
    assert "每 8 名儿童" in html
    assert "48 小时" in html
    assert re.search(r'name="idempotency_key" value="[\w-]{24,}"', html)


def test_a_school_books_and_lands_on_the_confirmation(client):
    session = SessionFactory(capacity=60)
    response = post_booking(client, session)
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == manage_path(booking, "events:done")
    assert booking.phone == "13812345678"  # normalised
    assert booking.status == Booking.Status.CONFIRMED
    assert re.fullmatch(r"FB-[2-9A-HJKMNP-Z]{6}", booking.reference)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert booking.reference in page.content.decode()
    assert manage_path(booking) in page.content.decode()
    assert page["Cache-Control"].startswith("no-store")
    assert page["Referrer-Policy"] == "same-origin"


def test_double_submit_makes_one_booking(client):
    session = SessionFactory()
    first = post_booking(client, session)
    second = post_booking(client, session)
    assert Booking.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("organization", "", "请填写单位名称。"),
        ("organization_type", "embassy", "请从列表中选择单位类型。"),
        ("contact_name", "", "请填写联系人姓名。"),
        ("phone", "12345", "11 位"),
        ("phone", "2381234567a", "11 位"),
        ("email", "not-an-email", "有效的 Email"),
        ("party_size", "abc", "团体人数请填写整数。"),
        ("party_size", "0", "团体人数至少为 1。"),
        ("adults", "-1", "陪同成人至少为 0。"),
        ("adults", "11", "陪同成人不能多于"),
        ("group", "年" * 61, "不超过 60 字符"),
        ("notes", "字" * 1001, "不超过 1000 字符"),
        ("privacy_consent", None, "请同意隐私说明"),
        ("idempotency_key", "<script>alert(1)</script>1234", "表单已过期"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_keeps_what_was_typed(client, field, value, message):
    session = SessionFactory()
    response = post_booking(client, session, **{field: value})
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert 'value="江阴市实验小学"' in html or field == "organization"
    assert "乘大巴前来" in html or field == "notes"
    assert not Booking.objects.exists()


def test_english_messages_under_en(client):
    session = SessionFactory()
    response = client.post("/en" + reverse("events:book", args=[session.pk]), form_data(phone="12"))
    assert response.status_code == 400
    assert "mainland China mobile number" in response.content.decode()


def test_rule_violation_is_a_400_with_the_rule(client):
    session = SessionFactory(event__party_max=20)
    response = post_booking(client, session, party_size="25")
    assert response.status_code == 400
    assert "1 至 20 人" in response.content.decode()


def test_full_session_without_waitlist_answers_409_full(client):
    session = SessionFactory(capacity=10)
    BookingFactory(session=session, party_size=10)
    response = post_booking(client, session, party_size="6", adults="1", join_waitlist=None)
    assert response.status_code == 409
    assert "已满" in response.content.decode()
    waiting = post_booking(client, session, party_size="6", adults="1", idempotency_key="w" * 32)
    assert waiting.status_code == 302
    assert Booking.objects.filter(status=Booking.Status.WAITLISTED).count() == 1


@pytest.mark.parametrize(
    "query", ["?page=abc", "?page=99999", "?kind=<b>", "?page=-1&kind=school_talk"]
)
def test_session_list_survives_hostile_query_strings(client, query):
    SessionFactory()
    assert client.get(reverse("events:sessions") + query).status_code == 200


@pytest.mark.parametrize("month", ["2026-13", "abc", "99999-01", "", "2026-07-01"])
def test_calendar_survives_hostile_months(client, month):
    assert client.get(reverse("events:calendar"), {"month": month}).status_code == 200


def test_list_and_calendar_show_places_left_full_waitlist_and_closed(client):
    now = timezone.now()
    open_session = SessionFactory(capacity=60, event__title="第一期")
    BookingFactory(session=open_session, party_size=45)
    full = SessionFactory(capacity=10, event__title="第二期", event__waitlist_enabled=False)
    BookingFactory(session=full, party_size=10)
    waitlist = SessionFactory(capacity=10, event__title="第三期")
    BookingFactory(session=waitlist, party_size=10)
    SessionFactory(event__title="第四期", starts_at=now + timedelta(hours=3))  # past lead time
    html = client.get(reverse("events:sessions")).content.decode()
    assert "剩余 15 个名额" in html
    assert "已满" in html
    assert "已满，可候补" in html
    assert "已截止" in html
    month = timezone.localdate(open_session.starts_at).strftime("%Y-%m")
    calendar = client.get(reverse("events:calendar"), {"month": month}).content.decode()
    assert "剩余 15 个名额" in calendar


def test_session_list_does_not_query_per_row(client):
    def queries_for_listing():
        # Warm the caches (site, settings, the shell): the first request creates the
        # site settings, which starts a new public generation, so it takes two.
        client.get(reverse("events:sessions"))
        client.get(reverse("events:sessions"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("events:sessions")).status_code == 200
        return len(captured)

    BookingFactory(session=SessionFactory())
    few = queries_for_listing()
    for _ in range(8):
        BookingFactory(session=SessionFactory())
    assert queries_for_listing() == few


def test_unknown_or_past_session_is_404(client):
    past = SessionFactory(starts_at=timezone.now() - timedelta(days=1))
    assert client.get(reverse("events:book", args=[past.pk])).status_code == 404
    assert client.get(reverse("events:book", args=[999999])).status_code == 404


# The manage link


def manage_url(booking, name="events:manage"):
    return manage_path(booking, name)


def test_manage_link_shows_the_booking(client):
    booking = BookingFactory()
    response = client.get(manage_url(booking))
    assert response.status_code == 200
    assert booking.reference in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_wrong_token_reveals_nothing(client):
    booking = BookingFactory(organization="江阴中专")
    token = manage_token(booking)
    wrong = ("0" if token[0] != "0" else "1") + token[1:]
    for url in (
        f"/booking/manage/{booking.reference}/{wrong}/",
        f"/booking/manage/{booking.reference}/{wrong}/booking.ics",
        f"/booking/manage/FB-222222/{token}/",
        f"/booking/manage/{booking.reference}/short/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        # The 404 echoes only the address the visitor typed, nothing of the booking.
        assert "江阴中专" not in response.content.decode()
        assert booking.phone not in response.content.decode()


def test_expired_link_is_404(client):
    session = SessionFactory(
        starts_at=timezone.now() - timedelta(days=40),
    )
    booking = BookingFactory(session=session)
    assert client.get(manage_url(booking)).status_code == 404


def test_changing_the_party_and_contact(client):
    booking = BookingFactory(party_size=10)
    data = {
        "contact_name": "李老师",
        "phone": "13900001111",
        "email": "",
        "party_size": "12",
        "adults": "2",
        "group": "四年级",
        "notes": "",
    }
    response = client.post(manage_url(booking, "events:change"), data)
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.contact_name, booking.party_size, booking.phone) == (
        "李老师",
        12,
        "13900001111",
    )


def test_change_beyond_capacity_is_refused_and_keeps_input(client):
    session = SessionFactory(capacity=12)
    booking = BookingFactory(session=session, party_size=10)
    data = {"contact_name": "李老师", "phone": "13900001111", "party_size": "20", "adults": "2"}
    response = client.post(manage_url(booking, "events:change"), data)
    assert response.status_code == 409
    assert 'value="李老师"' in response.content.decode()
    booking.refresh_from_db()
    assert booking.party_size == 10


def test_cancel_through_the_link_frees_the_places(client):
    session = SessionFactory(capacity=10)
    booking = BookingFactory(session=session, party_size=10)
    waiting = BookingFactory(session=session, party_size=4, status=Booking.Status.WAITLISTED)
    assert client.post(manage_url(booking, "events:cancel"), {}).status_code == 400
    response = client.post(manage_url(booking, "events:cancel"), {"confirm": "on"})
    assert response.status_code == 302
    booking.refresh_from_db()
    waiting.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert waiting.status == Booking.Status.CONFIRMED


def test_cancel_after_deadline_is_refused(client):
    session = SessionFactory(starts_at=timezone.now() + timedelta(hours=5))
    booking = BookingFactory(session=session)
    page = client.get(manage_url(booking)).content.decode()
    assert "请致电" in page
    response = client.post(manage_url(booking, "events:cancel"), {"confirm": "on"})
    assert response.status_code == 400
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_ics_download_is_valid_icalendar(client):
    booking = BookingFactory(organization="江阴中专, 机电; 系")
    response = client.get(manage_url(booking, "events:ics"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert "江阴中专\\, 机电\\; 系" in body.replace("\r\n ", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert f"UID:{booking.reference}@firebreak" in body


def test_printable_confirmation_has_a_qr_code_of_the_reference(client):
    booking = BookingFactory()
    page = client.get(manage_url(booking, "events:print")).content.decode()
    assert manage_url(booking, "events:qr") in page
    svg = client.get(manage_url(booking, "events:qr"))
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<svg")
    assert b'xmlns="http://www.w3.org/2000/svg"' in svg.content


def test_calendar_shows_places_left_full_waitlist_open_and_closed(client):
    starts_at = timezone.now() + timedelta(days=7)
    open_session = SessionFactory(starts_at=starts_at, capacity=60, event__title="第一期")
    BookingFactory(session=open_session, party_size=45)
    full = SessionFactory(
        starts_at=starts_at, capacity=10, event__title="第二期", event__waitlist_enabled=False
    )
    BookingFactory(session=full, party_size=10)
    waitlist = SessionFactory(starts_at=starts_at, capacity=10, event__title="第三期")
    BookingFactory(session=waitlist, party_size=10)
    SessionFactory(starts_at=starts_at, event__title="第四期", status="closed")
    month = timezone.localdate(starts_at).strftime("%Y-%m")
    html = client.get(reverse("events:calendar"), {"month": month}).content.decode()

    def state_of(title):
        entry = re.search(rf"{title}</a>\s*<span class=\"badge[^\"]*\">([^<]+)</span>", html)
        return entry and entry.group(1)

    assert state_of("第一期") == "剩余 15 个名额"
    assert state_of("第二期") == "已满"
    assert state_of("第三期") == "已满，可候补"
    assert state_of("第四期") == "已截止"


def test_the_rules_shown_are_the_deadlines_enforced(client):
    # Two days ahead: changes closed (72 hours), cancelling still open (24 hours).
    session = SessionFactory(
        starts_at=timezone.now() + timedelta(days=2),
        event__lead_time_hours=72,
        event__cancel_hours=24,
    )
    booking = BookingFactory(session=session)

    def local(moment):
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")

    change_rule = (
        f"开始前 72 小时（{local(selectors.change_deadline(session))}）之前"
        "可在线修改团体人数或联系方式"
    )
    cancel_rule = f"开始前 24 小时（{local(selectors.cancel_deadline(session))}）之前可免费取消"
    for url in (reverse("events:book", args=[session.pk]), manage_url(booking)):
        html = client.get(url).content.decode()
        assert change_rule in html and cancel_rule in html, url
    # The manage page offers what the rules promise, and the services agree.
    assert 'id="change-title"' not in html
    assert 'id="cancel-title"' in html
    assert client.post(manage_url(booking, "events:change"), {}).status_code == 400
    with pytest.raises(services.BookingError):
        services.change_booking(booking.pk, {})
    services.cancel_booking(booking.pk)


def wrong_token_url(booking, name):
    token = manage_token(booking)
    wrong = ("0" if token[0] != "0" else "1") + token[1:]
    return reverse(name, kwargs={"reference": booking.reference, "token": wrong})


MANAGE_ENDPOINTS = [
    ("events:manage", "get"),
    ("events:done", "get"),
    ("events:change", "post"),
    ("events:cancel", "post"),
    ("events:print", "get"),
    ("events:qr", "get"),
    ("events:ics", "get"),
]


@pytest.mark.parametrize(("name", "method"), MANAGE_ENDPOINTS)
@pytest.mark.parametrize("link", ["wrong", "expired"])
def test_every_manage_endpoint_is_404_for_a_wrong_or_expired_link(client, name, method, link):
    session = SessionFactory(capacity=60)
    if link == "expired":
        session.starts_at = timezone.now() - timedelta(days=40)
        session.ends_at = session.starts_at + timedelta(hours=3)
        session.save()
    booking = BookingFactory(session=session, organization="江阴中专", party_size=10)
    url = wrong_token_url(booking, name) if link == "wrong" else manage_path(booking, name)
    data = {"confirm": "on", "contact_name": "李老师", "phone": "13900001111", "party_size": "12"}
    response = getattr(client, method)(url, data if method == "post" else None)
    assert response.status_code == 404
    body = response.content.decode(errors="replace")
    for secret in ("江阴中专", booking.phone, booking.contact_name, booking.session.venue):
        assert secret not in body
    booking.refresh_from_db()
    assert (booking.status, booking.party_size, booking.contact_name) == (
        Booking.Status.CONFIRMED,
        10,
        "王老师",
    )
