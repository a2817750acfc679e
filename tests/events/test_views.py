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


# The form that tells the truth before and after (issue 16).


def test_a_party_that_does_not_fit_hears_the_numbers_and_its_alternatives(client):
    session = SessionFactory(capacity=15, event__party_min=2)
    BookingFactory(session=session, party_size=10)
    roomy = SessionFactory(event=session.event, starts_at=session.starts_at + timedelta(hours=3))
    tight = SessionFactory(
        event=session.event, starts_at=session.starts_at + timedelta(hours=5), capacity=3
    )
    elsewhere = SessionFactory(starts_at=session.starts_at + timedelta(hours=1))
    response = post_booking(client, session, party_size="10", join_waitlist=None)
    html = response.content.decode()
    assert response.status_code == 409
    assert "只剩 5 个名额，您的团体 10 人。" in html
    assert "最多 5 人" in html  # the smaller party
    assert f'formaction="{reverse("events:book", args=[roomy.pk])}"' in html
    assert reverse("events:book", args=[tight.pk]) not in html
    assert reverse("events:book", args=[elsewhere.pk]) not in html
    assert 'name="join_waitlist" value="on"' in html
    assert 'id="booking-offers" tabindex="-1"' in html
    assert 'value="江阴市实验小学"' in html  # what was typed goes with every offer
    assert Booking.objects.count() == 1


def test_the_waitlist_is_joined_only_when_asked(client):
    session = SessionFactory(capacity=15)
    BookingFactory(session=session, party_size=10)
    form = client.get(reverse("events:book", args=[session.pk])).content.decode()
    checkbox = re.search(r'<input[^>]*name="join_waitlist"[^>]*>', form).group(0)
    assert "checked" not in checkbox
    unticked = post_booking(client, session, party_size="10", join_waitlist=None)
    assert unticked.status_code == 409
    assert not Booking.objects.filter(status=Booking.Status.WAITLISTED).exists()


def test_a_party_bigger_than_the_session_is_not_parked_on_its_waitlist(client):
    session = SessionFactory(capacity=20)
    response = post_booking(client, session, party_size="25")
    html = response.content.decode()
    assert response.status_code == 409
    assert "本场次最多容纳 20 人，您的团体 25 人。" in html
    assert 'name="join_waitlist" value="on"' not in html
    assert not Booking.objects.exists()


def test_the_waitlist_page_and_message_give_the_queue_position(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    from events import notifications

    texts = []
    monkeypatch.setattr(notifications, "send_sms", lambda phone, text, **kwargs: texts.append(text))
    session = SessionFactory(capacity=10)
    BookingFactory(session=session, party_size=10)
    BookingFactory(session=session, party_size=4, status=Booking.Status.WAITLISTED)
    review = post_booking(client, session, party_size="6", confirm=None)
    assert review.status_code == 200
    assert "确认并加入候补名单" in review.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_booking(client, session, party_size="6", email="")
    booking = Booking.objects.get(party_size=6)
    assert booking.status == Booking.Status.WAITLISTED
    done = client.get(response["Location"]).content.decode()
    assert "排第 2 位" in done
    assert "请只分享给同事。我们也已通过短信发送给您。" in done and "短信和邮件" not in done
    assert "候补第 2 位" in texts[-1]


def test_every_field_error_shows_in_one_round(client):
    session = SessionFactory(event__party_max=60)
    response = post_booking(client, session, phone="12345", party_size="80", contact_name="")
    html = response.content.decode()
    assert response.status_code == 400
    assert "11 位" in html
    assert "1 至 60 人" in html
    assert "请填写联系人姓名。" in html
    assert "必需字段" not in html and "This field is required" not in html
    summary = html[html.index('id="error-summary"') :]
    assert "1 至 60 人" in summary[: summary.index("</div>")]
    assert '<script defer src="/static/events/booking.js">' in html


def test_check_your_answers_books_nothing_until_confirmed(client):
    session = SessionFactory()
    review = post_booking(client, session, confirm=None, idempotency_key="r" * 32)
    html = review.content.decode()
    assert review.status_code == 200
    assert "核对预约信息" in html
    assert not Booking.objects.exists()
    assert re.search(r'type="hidden" name="idempotency_key" value="r{32}"', html)
    assert f'formaction="{reverse("events:book_edit", args=[session.pk])}#id_phone"' in html
    back = client.post(
        reverse("events:book_edit", args=[session.pk]), form_data(confirm=None, party_size="12")
    )
    assert back.status_code == 200
    assert 'name="party_size" value="12"' in back.content.decode()
    assert "error-summary" not in back.content.decode()
    confirmed = post_booking(client, session, idempotency_key="r" * 32)
    assert confirmed.status_code == 302
    assert Booking.objects.get().idempotency_key == "r" * 32


def test_a_cancelled_booking_offers_booking_again_not_its_calendar_or_ticket(client):
    booking = BookingFactory(status=Booking.Status.CANCELLED)
    token = manage_token(booking)
    html = client.get(manage_path(booking)).content.decode()
    assert reverse("events:ics", args=[booking.reference, token]) not in html
    assert reverse("events:print", args=[booking.reference, token]) not in html
    assert "再次预约" in html
    ics = client.get(reverse("events:ics", args=[booking.reference, token])).content.decode()
    assert "STATUS:CANCELLED" in ics
    ticket = client.get(reverse("events:print", args=[booking.reference, token])).content.decode()
    assert "此预约已失效" in ticket


def test_a_size_change_says_the_new_size(client, monkeypatch, django_capture_on_commit_callbacks):
    from events import notifications

    texts = []
    monkeypatch.setattr(notifications, "send_sms", lambda phone, text, **kwargs: texts.append(text))
    booking = BookingFactory(party_size=10)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("events:change", args=[booking.reference, manage_token(booking)]),
            {"contact_name": "王老师", "phone": "13812345678", "party_size": "8", "adults": "1"},
        )
    assert response.status_code == 302
    assert "预约现为 8 人" in client.get(response["Location"]).content.decode()
    assert "已修改：现为 8 人" in texts[-1]


def test_online_changes_close_at_the_events_time_and_name_the_hotline(client):
    from wagtail.models import Site

    from education.models import SiteSettings

    SiteSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True),
        defaults={"service_hotline": "0510-8686 0119", "service_hours": "工作日 8:30–17:30"},
    )
    saturday = timezone.localdate() + timedelta(days=(5 - timezone.localdate().weekday()) % 7 + 7)
    starts = timezone.make_aware(timezone.datetime.combine(saturday, timezone.datetime.min.time()))
    session = SessionFactory(
        starts_at=starts + timedelta(hours=14),
        event__cancel_hours=12,
        event__lead_time_hours=12,
        event__online_close_days_before=1,
        event__online_close_time=timezone.datetime.strptime("17:00", "%H:%M").time(),
    )
    friday_five = starts - timedelta(hours=7)
    assert selectors.cancel_deadline(session) == friday_five
    assert selectors.change_deadline(session) == friday_five
    html = client.get(reverse("events:book", args=[session.pk])).content.decode()
    assert f"网上免费取消截至 {friday_five.astimezone(starts.tzinfo):%Y-%m-%d} 星期五 17:00" in html
    assert 'href="tel:051086860119"' in html and "工作日 8:30–17:30" in html
    booking = BookingFactory(session=session)
    with pytest.raises(services.BookingError):
        services.cancel_booking(booking.pk, now=friday_five + timedelta(minutes=1))
    services.cancel_booking(booking.pk, now=friday_five - timedelta(minutes=1))


def test_a_family_books_a_visit_without_an_organization(client):
    from events.models import Event, OrganizationType

    family = SessionFactory(event__kind=Event.Kind.FAMILY_VISIT, event__party_max=6)
    form = client.get(reverse("events:book", args=[family.pk])).content.decode()
    assert re.search(r'<option value="family" selected>', form)
    assert not re.search(r'name="organization"[^>]*required', form)
    response = post_booking(
        client, family, organization="", organization_type="family", party_size="3", group=""
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.organization, booking.organization_type) == ("", OrganizationType.FAMILY)

    group = SessionFactory()
    assert (
        'value="family"' not in client.get(reverse("events:book", args=[group.pk])).content.decode()
    )
    refused = post_booking(client, group, organization="", idempotency_key="g" * 32)
    assert refused.status_code == 400
    assert "请填写单位名称。" in refused.content.decode()


def test_each_kind_of_event_asks_its_own_questions(client):
    from events.models import Event

    talk = SessionFactory(event__kind=Event.Kind.SCHOOL_TALK, event__party_max=600)
    form = client.get(reverse("events:book", args=[talk.pk])).content.decode()
    assert 'name="address"' in form and 'name="preferred_dates"' in form
    assert 'name="arrival"' not in form and "大巴" not in form  # nobody travels to a talk
    missing = post_booking(client, talk, party_size="40")
    assert missing.status_code == 400
    assert "请填写学校地址。" in missing.content.decode()
    assert "请填写希望的日期。" in missing.content.decode()
    booked = post_booking(
        client, talk, party_size="40", address="澄江中路 1 号", preferred_dates="9 月第一周"
    )
    assert booked.status_code == 302
    assert Booking.objects.get().address == "澄江中路 1 号"

    visit = SessionFactory(event__kind=Event.Kind.EXPERIENCE_VISIT)
    form = client.get(reverse("events:book", args=[visit.pk])).content.decode()
    assert 'name="arrival"' in form and 'name="address"' not in form
    assert post_booking(client, visit, arrival="coach", idempotency_key="v" * 32).status_code == 302
    assert Booking.objects.get(session=visit).arrival == "coach"
