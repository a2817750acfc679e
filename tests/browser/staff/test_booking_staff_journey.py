"""Booking staff, as a member of "Booking staff" (never a superuser), run a day at the desk.

From the admin home's "today's sessions" they open today's roster, check a school party
in at the check-in desk, message next week's bookers with a preview, and cancel a
booking with a reason through the bulk action's confirmation screen. Afterwards each
booker's text and email say what staff wrote, the waiting party moved into the freed
places and was told, and the public booking page shows the places left.

axe checks every booking-desk screen on the way; the 375 px screenshots go to
var/screenshots/booking_staff_journey/.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, SCREENSHOTS, assert_accessible
from tests.browser.staff.accounts import log_in, member

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = SCREENSHOTS / "booking_staff_journey"
PHONE_WIDTH = {"width": 375, "height": 667}
NOTICE = "下周三请从东门进入，带好室内鞋"
REASON = "学校临时调整课程，改约下月"


class Phones:
    """The SMS gateway of these journeys: keeps (number, text) of every message sent."""

    received = []

    def send(self, phone, message, *, idempotency_id):
        Phones.received.append((phone, message))


def texts_to(number):
    return [text for phone, text in Phones.received if phone == number]


def phone_shot(page, folder, name):
    """The screen as it is now at 375 px wide, full page; the desktop width is restored."""
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(PHONE_WIDTH)
    page.screenshot(path=str(folder / f"{name}-375.png"), full_page=True)
    page.set_viewport_size(DESKTOP["viewport"])


def test_booking_staff_check_in_message_bookers_and_cancel_with_a_reason(
    browser, live_server, settings, mailoutbox, django_user_model
):
    from events.models import Booking
    from events.permissions import BOOKING_STAFF, ensure_booking_staff_group
    from tests.education.factories import make_site
    from tests.events.factories import BookingFactory, EventFactory, SessionFactory

    settings.SMS_BACKEND = f"{__name__}.Phones"
    Phones.received = []
    make_site()
    ensure_booking_staff_group()
    event = EventFactory(title="消防体验室参观")
    # Today's session began at the top of this hour: still today, wherever the day is.
    today_start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    today = SessionFactory(event=event, starts_at=today_start, capacity=60)
    school = BookingFactory(
        session=today,
        organization="江阴市实验小学",
        party_size=28,
        adults=3,
        notes="两名学生坐轮椅，请预留坡道",
        phone="13800000001",
    )
    BookingFactory(session=today, organization="澄江街道社区", party_size=12, phone="13800000002")
    week = SessionFactory(
        event=event, starts_at=timezone.now() + datetime.timedelta(days=7), capacity=20
    )
    leaving = BookingFactory(
        session=week, organization="华士中心小学", party_size=12, phone="13800000011"
    )
    staying = BookingFactory(
        session=week, organization="青阳实验小学", party_size=8, phone="13800000012"
    )
    waiting = BookingFactory(
        session=week,
        organization="周庄中心小学",
        party_size=10,
        phone="13800000013",
        status=Booking.Status.WAITLISTED,
    )
    desk = member(django_user_model, "booking-desk", BOOKING_STAFF)
    base = live_server.url
    public_url = base + reverse("events:book", args=[week.pk])

    visitor = browser.new_context(locale="zh-CN").new_page()
    visitor.goto(public_url)
    expect(visitor.locator("main .badge").first).to_have_text("已满，可候补")

    # Today's roster, from the admin home: every party with its adults and notes.
    page = log_in(browser, base, desk.username)
    page.get_by_role("link", name="消防体验室参观", exact=False).first.click()
    page.wait_for_url(base + reverse("events_admin:roster", args=[today.pk]))
    roster = page.locator("main table")
    expect(roster).to_contain_text("两名学生坐轮椅，请预留坡道")
    expect(roster.locator("tbody tr", has_text="江阴市实验小学")).to_contain_text("3")
    assert_accessible(page)
    phone_shot(page, SHOTS, "1-roster")

    # The check-in desk: the reference finds the booking; today, no reason is asked.
    page.goto(base + reverse("events_admin:check_in"))
    assert_accessible(page)
    page.fill("#id_reference", school.reference)
    page.get_by_role("button", name="查找预约").click()
    expect(page.get_by_test_id("session-day")).not_to_contain_text("不是今天")
    expect(page.locator("#id_override_reason")).to_have_count(0)
    assert_accessible(page)
    phone_shot(page, SHOTS, "2-check-in")
    page.fill("#id_attended_count", "27")
    page.get_by_role("button", name="签到").click()
    expect(page.get_by_text(f"{school.reference} 已签到：27 人。")).to_be_visible()
    school.refresh_from_db()
    assert (school.status, school.attended_count) == (Booking.Status.ATTENDED, 27)

    # Next week's bookers get a notice: previewed exactly, then sent once.
    page.goto(base + reverse("events_admin:roster", args=[week.pk]))
    page.get_by_role("link", name="给本场次的预约人发消息").click()
    assert_accessible(page)
    page.fill("#id_text", NOTICE)
    page.get_by_role("button", name="预览").click()
    preview = page.locator("section[aria-labelledby=preview-title]")
    expect(preview).to_contain_text("2")
    expect(preview.locator("blockquote")).to_contain_text(NOTICE)
    expect(preview.locator("blockquote")).to_contain_text(leaving.reference)
    assert_accessible(page)
    phone_shot(page, SHOTS, "3-message-preview")
    assert not texts_to(leaving.phone)  # the preview sent nothing
    page.get_by_role("button", name="发送给他们全部").click()
    page.wait_for_url(base + reverse("events_admin:roster", args=[week.pk]))
    for booking in (leaving, staying):
        [text] = texts_to(booking.phone)
        assert NOTICE in text and booking.reference in text
    assert not texts_to(waiting.phone)  # the waitlist was not among the recipients
    assert any(NOTICE in mail.body for mail in mailoutbox)

    # Cancelling one booking with a reason, through the confirmation screen.
    page.goto(base + reverse("events_booking:index") + f"?session={week.pk}")
    expect(page.locator("main table")).to_contain_text(leaving.reference)
    assert_accessible(page)
    page.locator(f"input[data-bulk-action-checkbox][data-object-id='{leaving.pk}']").check()
    page.locator("[data-bulk-action-footer] a[href*='/booking/cancel/']").click()
    page.wait_for_url(lambda url: "/bulk/events/booking/cancel/" in url)
    expect(page.locator("main")).to_contain_text("华士中心小学")
    assert_accessible(page)
    phone_shot(page, SHOTS, "4-cancel-confirmation")
    page.locator("main textarea").fill(REASON)
    page.get_by_role("button", name="确定执行").click()
    expect(page.get_by_text("已取消 1 个预约。")).to_be_visible()
    page.context.close()

    # The booker is told why, by text and by email; the waiting party moved in.
    leaving.refresh_from_db()
    waiting.refresh_from_db()
    assert leaving.status == Booking.Status.CANCELLED
    assert waiting.status == Booking.Status.CONFIRMED
    assert any(REASON in text for text in texts_to(leaving.phone))
    assert any(REASON in mail.body and leaving.reference in mail.subject for mail in mailoutbox)
    [promoted] = texts_to(waiting.phone)
    assert waiting.reference in promoted
    # 20 places: 8 staying + 10 moved in from the waitlist leaves 2.
    visitor.goto(public_url)
    expect(visitor.locator("main .badge").first).to_have_text("剩余 2 个名额")
    phone_shot(visitor, SHOTS, "5-public-session")
    visitor.context.close()
