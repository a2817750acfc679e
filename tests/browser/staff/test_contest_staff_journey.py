"""Contest staff, as a member of "Contest staff" (never a superuser), run a call to the end.

They moderate the contest's own queue (approve one drawing, reject one with a reason),
close the call through the stage confirmation (which counts what is still unmoderated
and offers an undo), reject the leftover through the one-step confirmation, set an
award and publish the results through their confirmation. Afterwards the public gallery
shows the approved drawing with its award and neither rejected one, and each rejected
entry's guardian got a text carrying the reason.

axe checks every contest admin screen on the way; the 375 px screenshots go to
var/screenshots/contest_staff_journey/.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, assert_accessible
from tests.browser.staff.accounts import log_in, member
from tests.browser.staff.test_booking_staff_journey import Phones, phone_shot, texts_to

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = SCREENSHOTS / "contest_staff_journey"
NOT_ORIGINAL = "作品为照片翻拍，不是孩子本人画的"
LEFT_OVER = "截止时仍未补交监护人同意书"


def test_contest_staff_moderate_close_the_call_and_publish_the_results(
    browser, live_server, settings, tmp_path, django_user_model
):
    from media.contest.groups import CONTEST_STAFF, ensure_groups
    from media.contest.models import Entry
    from tests.education.factories import make_site
    from tests.media.contest.factories import make_contest, make_entry, make_notice

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.SMS_BACKEND = f"{Phones.__module__}.Phones"
    Phones.received = []
    ensure_groups()
    make_notice()
    contest = make_contest(make_site())
    kept = make_entry(contest, title="我家的逃生路线图", guardian_phone="13900000001")
    copied = make_entry(contest, title="消防员叔叔", guardian_phone="13900000002")
    late = make_entry(contest, title="灭火器在哪里", guardian_phone="13900000003")
    staff = member(django_user_model, "contest-staff", CONTEST_STAFF)
    base = live_server.url
    page = log_in(browser, base, staff.username)

    # The queue of this contest: approve one drawing, reject another with a reason.
    page.goto(base + reverse("contest_admin:moderation") + f"?contest={contest.pk}")
    expect(page.locator("main table")).to_contain_text(contest.title)  # the contest column
    assert_accessible(page)
    phone_shot(page, SHOTS, "1-moderation-queue")
    page.get_by_role("link", name=kept.title).first.click()
    expect(page.locator("main")).to_contain_text("13900000001")  # staff see the guardian
    assert_accessible(page)
    page.locator("form[action$='/approve/'] button").click()
    expect(page.get_by_text(f"作品 #{kept.pk} 已更新。")).to_be_visible()
    page.goto(base + reverse("contest_admin:review", args=[copied.pk]))
    page.locator("form[action$='/reject/'] textarea").fill(NOT_ORIGINAL)
    page.locator("form[action$='/reject/'] button").click()
    expect(page.get_by_text(f"作品 #{copied.pk} 已更新。")).to_be_visible()
    # The late one stays in the queue, alone.
    expect(page.locator("main table tbody tr")).to_have_count(1)
    expect(page.locator("main table")).to_contain_text(late.title)

    # Closing the call says what it does first, then can be undone for a while.
    page.goto(base + reverse("contest_admin:results", args=[contest.pk]))
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("截止征集并开始评审")).click()
    impact = page.locator("ul.impact")
    expect(impact).to_contain_text("1 件作品仍在等待审核")
    expect(impact).to_contain_text("天")  # closing a month early says so
    expect(impact).to_contain_text("分钟内可以撤销")
    assert_accessible(page)
    phone_shot(page, SHOTS, "2-close-the-call")
    contest.refresh_from_db()
    assert contest.status == "open"  # looking changed nothing
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("button", name="撤销：重新开放征集")).to_be_visible()
    contest.refresh_from_db()
    assert contest.status == "judging"

    # The leftover: counted on a confirmation, rejected with one reason.
    page.get_by_role("link", name="填写原因并拒绝这些作品…").click()
    expect(page.get_by_test_id("leftover-count")).to_contain_text("截止征集时仍有 1 件作品等待审核")
    expect(page.locator("main")).to_contain_text(late.title)
    assert_accessible(page)
    phone_shot(page, SHOTS, "3-reject-leftovers")
    page.locator("main form textarea").fill(LEFT_OVER)
    page.get_by_role("button", name="拒绝这 1 件作品").click()
    expect(page.get_by_text("已拒绝 1 件作品，拒绝原因已发送给监护人。")).to_be_visible()
    assert Entry.objects.get(pk=late.pk).status == Entry.Status.REJECTED

    # An award for the approved drawing, then publishing, again through a confirmation.
    page.goto(base + reverse("contest_admin:results", args=[contest.pk]))
    row = page.locator(f"#entry-{kept.pk}")
    row.locator("select[name=award]").select_option("first")
    row.get_by_role("button", name="设置").click()
    expect(page.locator(f"#entry-{kept.pk} select[name=award]")).to_have_value("first")
    page.get_by_role("link", name=re.compile("公布结果")).click()
    impact = page.locator("ul.impact")
    expect(impact).to_contain_text("一等奖: 1")
    expect(impact.locator("blockquote")).to_contain_text(kept.title)
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("button", name="撤销：重新隐藏结果")).to_be_visible()
    assert_accessible(page)
    page.context.close()

    # The public gallery: the approved drawing with its award, no rejected work.
    visitor = browser.new_context(locale="zh-CN").new_page()
    visitor.goto(base + contest.url)
    card = visitor.locator(".entry-card", has_text=kept.title)
    expect(card).to_have_count(1)
    expect(card).to_contain_text("一等奖")
    gallery = visitor.locator("main").inner_text()
    assert copied.title not in gallery and late.title not in gallery
    visitor.context.close()

    # Each rejected entry's guardian was told why; the approved one's, that it is in.
    [told] = texts_to("13900000002")
    assert copied.title in told and NOT_ORIGINAL in told
    [told] = texts_to("13900000003")
    assert late.title in told and LEFT_OVER in told
    assert [kept.title in text for text in texts_to("13900000001")] == [True]
