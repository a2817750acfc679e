"""A session's roster: notes and accompanying adults on screen, in print and in the
CSV/XLSX file, with Shanghai times, labels and formula-safe cells."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from events.models import Booking
from events.permissions import ensure_booking_staff_group
from tests.events.factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def staff(client):
    user = User.objects.create_user("desk", password="pw")
    user.groups.add(ensure_booking_staff_group())
    client.force_login(user)
    return client


@pytest.fixture
def session():
    session = SessionFactory(
        capacity=60, starts_at=datetime(2026, 12, 20, 10, 0, tzinfo=SHANGHAI), venue="消防科普馆"
    )
    BookingFactory(
        session=session,
        organization="=HYPERLINK(1)",
        party_size=32,
        adults=3,
        group="三年级二班",
        notes="两名学生使用轮椅",
    )
    BookingFactory(session=session, organization="取消的学校", status=Booking.Status.CANCELLED)
    return session


def test_roster_screen_and_print_view_show_notes_and_adults(staff, session):
    url = reverse("events_admin:roster", args=[session.pk])
    html = staff.get(url).content.decode()
    for text in ("两名学生使用轮椅", "三年级二班", "陪同成人", "?print=1", "?export=xlsx"):
        assert text in html
    assert "取消的学校" not in html
    printed = staff.get(url, {"print": "1"}).content.decode()
    assert "两名学生使用轮椅" in printed and "2026-12-20" in printed and "10:00" in printed
    assert "预计 32 人，其中陪同成人 3 人" in printed
    assert "wagtail" not in printed.lower()  # a plain page, no admin shell to print


def test_roster_file_in_shanghai_time_with_labels_and_safe_cells(staff, session):
    url = reverse("events_admin:roster", args=[session.pk])
    response = staff.get(url, {"export": "csv"})
    assert 'filename="roster-' in response["Content-Disposition"]
    assert "20261220-1000" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["预约编号", "状态"] and "陪同成人" in rows[0] and "备注" in rows[0]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["状态"] == "已确认" and row["单位类型"] == "学校或幼儿园"
    assert row["陪同成人"] == "3" and row["备注"] == "两名学生使用轮椅"
    assert "'=HYPERLINK(1)" in rows[1]
    assert len(rows) == 2  # the cancelled booking is not on the roster

    response = staff.get(url, {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][values[0].index("状态")] == "已确认"


def test_people_without_the_permission_get_no_roster(client, session):
    user = User.objects.create_user("visitor", password="pw", is_staff=True)
    client.force_login(user)
    url = reverse("events_admin:roster", args=[session.pk])
    for query in ({}, {"print": "1"}, {"export": "csv"}):
        assert client.get(url, query).status_code in (302, 403)


def test_booking_staff_home_lists_todays_sessions_with_their_rosters(staff):
    from django.utils import timezone

    today = SessionFactory(
        # 10:00 on today's local date: the home lists the sessions of the department's day.
        capacity=40,
        starts_at=timezone.localtime().replace(hour=10, minute=0),
        venue="科普馆",
    )
    BookingFactory(session=today, party_size=25)
    SessionFactory(starts_at=timezone.now() + timezone.timedelta(days=3), venue="明天以后")
    html = staff.get(reverse("wagtailadmin_home")).content.decode()
    assert "今天的场次" in html and "已占 25 / 40 个名额" in html
    assert reverse("events_admin:roster", args=[today.pk]) in html
    assert "明天以后" not in html
