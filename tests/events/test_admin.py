import csv
import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import Booking
from events.permissions import BOOKING_STAFF, ensure_booking_staff_group
from tests.events.factories import BookingFactory, SessionFactory, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = User.objects.create_user("desk", password="pw", is_staff=False)
    user.groups.add(ensure_booking_staff_group())
    client.force_login(user)
    return client


def test_booking_staff_group_exists_after_migrate_with_its_permissions():
    group = Group.objects.get(name=BOOKING_STAFF)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"access_admin", "manage_booking", "view_booking", "change_session"} <= codenames
    assert "delete_booking" not in codenames


def test_staff_see_bookings_filtered_and_searched(staff):
    wanted = BookingFactory(organization="江阴中专", phone="13912340000")
    BookingFactory(organization="华士实验小学", status=Booking.Status.CANCELLED)
    url = reverse("events_booking:index")
    assert wanted.reference in staff.get(url, {"q": "13912340000"}).content.decode()
    html = staff.get(url, {"status": "cancelled"}).content.decode()
    assert "华士实验小学" in html and "江阴中专" not in html
    assert staff.get(url, {"status": "nonsense", "date_after": "x"}).status_code == 200


def test_the_booking_detail_shows_local_times_and_not_the_manage_secret(staff):
    booking = BookingFactory()
    Booking.objects.filter(pk=booking.pk).update(
        created_at=timezone.make_aware(timezone.datetime(2026, 7, 1, 3, 55), timezone.UTC)
    )
    html = staff.get(reverse("events_booking:inspect", args=[booking.pk])).content.decode()
    assert booking.reference in html
    assert "2026-07-01 11:55:00" in html  # Asia/Shanghai, not the stored UTC
    assert booking.manage_salt not in html
    assert "Idempotency" not in html
    assert not re.search(r"<dd[^>]*>\s*None\s*</dd>", html)  # blanks are blank


def test_exports_neutralise_formulas(staff):
    BookingFactory(organization='=HYPERLINK("http://evil")', notes="@SUM(A1)", group="+1")
    url = reverse("events_booking:index")
    rows = list(csv.reader(io.StringIO(staff.get(url, {"export": "csv"}).getvalue().decode())))
    assert '\'=HYPERLINK("http://evil")' in rows[1]
    assert "'@SUM(A1)" in rows[1]
    assert "'+1" in rows[1]
    workbook = openpyxl.load_workbook(io.BytesIO(staff.get(url, {"export": "xlsx"}).getvalue()))
    values = [cell.value for cell in next(workbook.active.iter_rows(min_row=2))]
    assert '\'=HYPERLINK("http://evil")' in values


def test_approve_and_reject_from_the_actions_screen(staff, django_capture_on_commit_callbacks):
    session = SessionFactory(event__requires_approval=True)
    first = BookingFactory(session=session, status=Booking.Status.PENDING)
    second = BookingFactory(session=session, status=Booking.Status.PENDING)
    url = reverse("events_admin:booking_actions", args=[first.pk])
    assert staff.post(url, {"action": "approve"}).status_code == 302
    first.refresh_from_db()
    assert first.status == Booking.Status.CONFIRMED
    url = reverse("events_admin:booking_actions", args=[second.pk])
    assert staff.post(url, {"action": "reject", "reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url, {"action": "reject", "reason": "人数超出场地安全容量"})
    second.refresh_from_db()
    assert second.status == Booking.Status.REJECTED
    assert "人数超出场地安全容量" in mail.outbox[-1].body


def test_check_in_by_reference_records_people(staff):
    booking = BookingFactory(party_size=30, session__starts_at=timezone.now())
    url = reverse("events_admin:check_in")
    found = staff.get(url, {"reference": booking.reference.lower().replace("fb-", "")})
    assert found.status_code == 200
    assert booking.organization in found.content.decode()
    assert staff.get(url, {"reference": "FB-ZZZZZZ"}).status_code == 404
    response = staff.post(url, {"reference": booking.reference, "attended_count": "27"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.attended_count) == (Booking.Status.ATTENDED, 27)


def test_no_show_from_the_actions_screen_after_the_start(staff):
    session = SessionFactory(starts_at=timezone.now() - timezone.timedelta(minutes=30))
    booking = BookingFactory(session=session)
    url = reverse("events_admin:booking_actions", args=[booking.pk])
    assert staff.post(url, {"action": "no_show"}).status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW


def test_roster_shows_availability(staff):
    session = SessionFactory(capacity=60)
    BookingFactory(session=session, party_size=45, organization="江阴市实验小学")
    html = staff.get(reverse("events_admin:roster", args=[session.pk])).content.decode()
    assert "江阴市实验小学" in html
    assert "剩余 15 人" in html
    sessions = staff.get(reverse("events_session:index")).content.decode()
    assert "45" in sessions


def test_people_without_the_permission_are_kept_out(client):
    user = User.objects.create_user("visitor", password="pw")
    client.force_login(user)
    booking = BookingFactory()
    for url in (
        reverse("events_admin:check_in"),
        reverse("events_admin:booking_actions", args=[booking.pk]),
    ):
        assert client.get(url).status_code in (302, 403)


def test_check_in_refuses_more_people_than_booked_with_the_way_out(staff):
    booking = BookingFactory(party_size=30, session__starts_at=timezone.now())
    url = reverse("events_admin:check_in")
    response = staff.post(url, {"reference": booking.reference, "attended_count": "33"})
    assert response.status_code == 400
    assert "请先修改团体人数" in response.content.decode()
    actions = reverse("events_admin:booking_actions", args=[booking.pk])
    assert staff.post(actions, {"action": "party_size", "party_size": "33"}).status_code == 302
    assert (
        staff.post(url, {"reference": booking.reference, "attended_count": "33"}).status_code == 302
    )
    booking.refresh_from_db()
    assert (booking.party_size, booking.status, booking.attended_count) == (
        33,
        Booking.Status.ATTENDED,
        33,
    )


# The session edit form goes through services.update_session


def session_form(session, **changes):
    def local(moment):
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")

    data = {
        "event": session.event_id,
        "starts_at": local(session.starts_at),
        "ends_at": local(session.ends_at),
        "venue": session.venue,
        "capacity": session.capacity,
        "status": session.status,
        "note": session.note,
    }
    return {**data, **changes}


def edit_session(client, session, **changes):
    url = reverse("events_session:edit", args=[session.pk])
    return client.post(url, session_form(session, **changes))


def test_session_form_refuses_a_capacity_below_the_places_held(staff):
    session = SessionFactory(capacity=60)
    BookingFactory(session=session, party_size=45)
    response = edit_session(staff, session, capacity=40, venue="新场馆")
    assert response.status_code == 200
    assert "本场次已有 45 个名额被预约占用，容量不能低于 45" in response.content.decode()
    session.refresh_from_db()
    assert (session.capacity, session.venue) == (60, "江阴市消防教育馆")


def test_session_form_raising_capacity_moves_the_waitlist_in(staff):
    session = SessionFactory(capacity=20)
    BookingFactory(session=session, party_size=20)
    waiting = BookingFactory(session=session, party_size=10, status=Booking.Status.WAITLISTED)
    assert edit_session(staff, session, capacity=30).status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED
    assert messages_of(waiting).get().kind == "promoted"


def test_cancelling_a_session_first_says_what_it_will_do_then_tells_the_note(
    staff, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=20)
    booking = BookingFactory(session=session, party_size=10, email="t@example.cn")
    BookingFactory(session=session, party_size=5, email="")
    first = edit_session(staff, session, status="cancelled", note="因场地维修取消")
    html = first.content.decode()
    assert first.status_code == 200
    assert "取消 2 个预约" in html and "2 条短信" in html and "1 封邮件" in html
    assert "因场地维修取消" in html and booking.reference in html
    booking.refresh_from_db()
    session.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and session.status != "cancelled"

    confirmed = session_form(session, status="cancelled", note="因场地维修取消")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("events_session:edit", args=[session.pk]),
            {**confirmed, "confirm_cancellation": "1"},
        )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert "因场地维修取消" in mail.outbox[-1].body


def test_event_list_says_yes_and_no_not_true_and_false(client):
    from tests.events.factories import EventFactory

    EventFactory(title="消防主题公园参观", requires_approval=True, is_published=False)
    client.force_login(User.objects.create_superuser("boss", password="pw"))
    html = client.get(reverse("events_event:index")).content.decode()
    cells = [re.sub(r"\s+", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]
    assert "是" in cells and "否" in cells
    assert not {"True", "False"} & set(cells)


def test_cancelling_a_booking_takes_a_reason_and_says_truly_who_moved_in(
    staff, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=20)
    booking = BookingFactory(session=session, party_size=10, email="t@example.cn")
    url = reverse("events_admin:booking_actions", args=[booking.pk])
    refused = staff.post(url, {"action": "cancel"})
    assert refused.status_code == 400
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED

    with django_capture_on_commit_callbacks(execute=True):
        done = staff.post(url, {"action": "cancel", "cancel-reason": "学校临时停课"}, follow=True)
    html = done.content.decode()
    assert "没有候补团体转入" in html and "已转为正式预约" not in html
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert "学校临时停课" in mail.outbox[-1].body


def test_cancelling_a_booking_counts_the_parties_that_moved_in(staff):
    session = SessionFactory(capacity=20)
    booking = BookingFactory(session=session, party_size=20)
    BookingFactory(session=session, party_size=8, status=Booking.Status.WAITLISTED)
    url = reverse("events_admin:booking_actions", args=[booking.pk])
    html = staff.post(url, {"action": "cancel", "cancel-reason": "改期"}, follow=True)
    assert "1 个候补团体已转入" in html.content.decode()


def test_bookings_export_reads_local_times_and_labels(staff):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    ten = datetime(2026, 12, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    BookingFactory(session=SessionFactory(starts_at=ten), organization="江阴中专")
    url = reverse("events_booking:index")
    text = staff.get(url, {"export": "csv"}).getvalue().decode()
    assert "2026-12-20 10:00" in text and "+00:00" not in text
    assert "confirmed" not in text and "school" not in text
    workbook = openpyxl.load_workbook(io.BytesIO(staff.get(url, {"export": "xlsx"}).getvalue()))
    values = [cell.value for cell in next(workbook.active.iter_rows(min_row=2))]
    assert datetime(2026, 12, 20, 10, 0) in values
    assert "confirmed" not in values
