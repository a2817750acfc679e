"""Reach from the staff's side, each actor in their own group (never a superuser).

A reach clerk imports a CSV whose dry run shows the figure it overwrites (old → new);
an approver previews and approves the campaign's period; booking staff check a party
in after the session's day, with the reason, which changes a derived figure inside the
approved period: the approvals screen and the dashboard show it as a pending
correction, the public page does not; the approver approves again and the public
campaign page shows the new figure.

Screenshots of the key screens, at 375 px and on a desktop, go to
var/screenshots/reach_journey/; axe checks every reach admin screen the journey visits.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, SCREENSHOTS, assert_accessible
from tests.browser.staff.accounts import log_in, member

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = SCREENSHOTS / "reach_journey"
PHONE_WIDTH = {"width": 375, "height": 667}
# Every column of a table can be seen: it ends inside the window, or it scrolls inside a
# box of its own that does.
FITS = """s => {
    const table = document.querySelector(s);
    if (table.getBoundingClientRect().right <= innerWidth) return true;
    for (let box = table.parentElement; box && box !== document.body; box = box.parentElement) {
        const overflow = getComputedStyle(box).overflowX;
        if (overflow === "auto" || overflow === "scroll") {
            return box.getBoundingClientRect().right <= innerWidth;
        }
    }
    return false;
}"""


def _shoot(page, name):
    """The screen as it is now on a desktop and at 375 px wide (full page, both)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE_WIDTH)
    page.screenshot(path=str(SHOTS / f"{name}-375.png"), full_page=True)
    page.set_viewport_size(DESKTOP["viewport"])


def _approve(page, base, campaign, start, end, name):
    """Preview the period's public figures, check them, approve; returns the preview's
    figure for attendance (None when it has none)."""
    page.goto(base + "/admin/reach_approvals/new/")
    page.select_option("#id_campaign", label=campaign.title)
    page.fill("#id_start", start.isoformat())
    page.fill("#id_end", end.isoformat())
    page.locator("main form button[type=submit]").first.click()
    preview = page.get_by_test_id("approval-preview")
    expect(preview).to_be_visible()
    assert_accessible(page)
    _shoot(page, name)
    figures = {
        cell.get_attribute("data-metric"): cell.inner_text()
        for cell in preview.locator("td[data-metric]").all()
    }
    page.get_by_role("button", name="审核通过这些数字").click()
    page.wait_for_url(base + "/admin/reach_approvals/")
    return figures


def test_clerk_imports_approver_approves_late_check_in_waits_for_reapproval(
    browser, live_server, tmp_path, settings, django_user_model
):
    from events.models import Booking
    from events.permissions import BOOKING_STAFF
    from media.reach import demo, services
    from media.reach.models import Channel, Metric, Place, Tally
    from media.reach.permissions import APPROVERS_GROUP, CLERKS_GROUP, ensure_groups
    from tests.education.factories import make_site
    from tests.events.factories import BookingFactory, SessionFactory
    from tests.media.reach.factories import campaign

    settings.MEDIA_ROOT = tmp_path / "media"
    home = make_site()
    demo.ensure_places()
    demo.ensure_metrics()
    ensure_groups()
    today = timezone.localdate()
    start, overwritten_day = today - datetime.timedelta(days=20), today - datetime.timedelta(days=2)
    running = campaign(home, start=start, end=today + datetime.timedelta(days=20))
    running.save_revision().publish()
    leaflets = Metric.objects.get(code="leaflets")
    place = Place.objects.get(name="澄江街道")
    services.record_tally(
        metric=leaflets,
        channel=Channel.objects.get(metric=leaflets, code="crowded"),
        place=place,
        campaign=running,
        day=overwritten_day,
        count=200,
    )
    # A school party came to a session three days ago; nobody checked them in then.
    session = SessionFactory(
        starts_at=timezone.now() - datetime.timedelta(days=3),
        venue="澄江街道",
    )
    booking = BookingFactory(session=session, party_size=28)
    clerk = member(django_user_model, "clerk", CLERKS_GROUP)
    approver = member(django_user_model, "approver", APPROVERS_GROUP)
    desk = member(django_user_model, "desk", BOOKING_STAFF)
    base = live_server.url

    # The clerk: the dry run says which figure the file overwrites, before anything is saved.
    page = log_in(browser, base, clerk.username)
    csv = tmp_path / "leaflets.csv"
    csv.write_text(
        "日期,指标,渠道,地点,数量,活动\n"
        f"{overwritten_day.isoformat()},leaflets,crowded,澄江街道,999,100-day-campaign\n"
        f"{(today - datetime.timedelta(days=1)).isoformat()},leaflets,crowded,澄江街道,150,"
        "100-day-campaign\n",
        encoding="utf-8",
    )
    page.goto(base + "/admin/reach_import/")
    assert_accessible(page)
    _shoot(page, "1-import")
    page.set_input_files("#id_file", str(csv))
    page.get_by_role("button", name="检查文件（试运行）").click()
    plan = page.get_by_test_id("import-plan")
    expect(plan).to_contain_text("200 → 999")
    expect(plan).to_contain_text(f"{overwritten_day.isoformat()} (日)")  # a label, not "day"
    assert Tally.objects.get(metric=leaflets, period_start=overwritten_day).count == 200
    assert_accessible(page)
    page.set_viewport_size(PHONE_WIDTH)
    assert page.evaluate(FITS, "[data-testid=import-plan]"), "the plan is cut off at 375 px"
    page.set_viewport_size(DESKTOP["viewport"])
    _shoot(page, "2-dry-run")
    page.get_by_role("button", name="导入这些行").click()
    expect(page.get_by_test_id("status")).to_contain_text("已导入")
    assert Tally.objects.get(metric=leaflets, period_start=overwritten_day).count == 999
    # Approving is never the clerk's.
    page.goto(base + "/admin/reach_approvals/new/")
    assert "/reach_approvals/new/" not in page.url
    expect(page.locator("#id_campaign")).to_have_count(0)
    page.context.close()

    # The approver: the preview shows exactly what goes public; then the public page does.
    page = log_in(browser, base, approver.username)
    figures = _approve(page, base, running, start, today, "3-approve-preview")
    assert figures["leaflets"] == "1,149"
    assert "attendance" not in figures
    page.goto(base + running.url)
    expect(page.locator('[data-metric="leaflets"]')).to_contain_text("1,149")
    expect(page.locator('[data-metric="attendance"]')).to_have_count(0)

    # Booking staff: the check-in desk refuses a late check-in without a reason, then
    # takes it with one. Attendance is derived, and its day lies in the approved period.
    desk_page = log_in(browser, base, desk.username)
    desk_page.goto(base + reverse("events_admin:check_in") + f"?reference={booking.reference}")
    expect(desk_page.get_by_test_id("session-day")).to_contain_text("不是今天")
    desk_page.fill("#id_attended_count", "26")
    desk_page.locator("main form button[type=submit]").click()
    expect(desk_page.locator(".error-message").first).to_be_visible()
    desk_page.fill("#id_override_reason", "当天网络故障，补登签到")
    desk_page.locator("main form button[type=submit]").click()
    expect(desk_page.get_by_text(f"{booking.reference} 已签到")).to_be_visible()
    desk_page.context.close()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ATTENDED
    assert "当天网络故障" in booking.status_reason

    # The approver sees the correction waiting; the public page still shows the approved
    # figures only.
    page.goto(base + "/admin/reach_approvals/")
    pending = page.get_by_test_id("pending-corrections")
    expect(pending).to_contain_text("活动参与人数")
    expect(pending).to_contain_text("26")
    assert_accessible(page)
    _shoot(page, "4-approvals-pending")
    page.goto(base + f"/admin/reach_admin/?campaign={running.pk}")
    expect(page.get_by_test_id("pending-corrections")).to_contain_text("活动参与人数")
    assert_accessible(page)
    _shoot(page, "5-dashboard-pending")
    page.goto(base + running.url)
    expect(page.locator('[data-metric="attendance"]')).to_have_count(0)

    # Approved again: the correction is applied and the public page shows it.
    figures = _approve(page, base, running, start, today, "6-reapprove-preview")
    assert figures["attendance"] == "26"
    page.goto(base + "/admin/reach_approvals/")
    expect(page.get_by_test_id("pending-corrections")).to_have_count(0)
    page.goto(base + running.url)
    expect(page.locator('[data-metric="attendance"]')).to_contain_text("26")
    expect(page.locator('[data-metric="leaflets"]')).to_contain_text("1,149")
    _shoot(page, "7-public-campaign")
    page.context.close()
