import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_school_books_a_camp_batch_manages_it_and_cancels(phone, live_server):
    from events.models import Booking
    from tests.education.factories import make_site
    from tests.events.factories import SessionFactory

    make_site()
    batch = SessionFactory(
        event__title="消防夏令营", event__children_per_adult=10, capacity=60, note="第1期"
    )
    page = phone
    page.goto(live_server.url + "/booking/")
    item = page.locator(".session-item", has_text="消防夏令营")
    assert "剩余 60 个名额" in item.inner_text()
    item.get_by_role("link", name=re.compile("预约")).click()

    assert page.get_by_role("heading", name="预约须知").is_visible()
    page.get_by_label("单位名称").fill("江阴市实验小学")
    page.get_by_label("单位类型").select_option("school")
    page.get_by_label("联系人姓名").fill("陈老师")
    page.get_by_label("手机号码").fill("138 0616 1001")
    page.get_by_label("电子邮件").fill("chen@example.cn")
    page.get_by_label("团体人数").fill("44")
    page.get_by_label("陪同成人").fill("4")
    page.get_by_label("年级或年龄段").fill("四年级")
    page.get_by_label("我同意联系信息仅用于处理本次预约").check()
    page.get_by_role("button", name="下一步：核对信息").click()
    assert page.get_by_role("heading", level=1).inner_text() == "核对预约信息"
    page.get_by_role("button", name="确认并提交预约").click()

    assert page.get_by_role("heading", level=1).inner_text() == "您的预约已确认"
    reference = page.locator(".big-reference .reference").inner_text()
    assert re.fullmatch(r"FB-[2-9A-HJKMNP-Z]{6}", reference)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    page.get_by_role("link", name="管理此预约").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="添加到日历（.ics）").click()
    with open(download_info.value.path(), encoding="utf-8") as downloaded:
        ics = downloaded.read()
    assert ics.startswith("BEGIN:VCALENDAR") and reference in ics

    page.get_by_label("是的，取消此预约").check()
    page.get_by_role("button", name="取消预约").click()
    assert page.get_by_role("status").inner_text() == "您的预约已取消，名额已释放。"
    assert page.get_by_role("link", name="添加到日历（.ics）").count() == 0
    assert page.get_by_role("link", name="再次预约").is_visible()
    assert Booking.objects.get(reference=reference).status == Booking.Status.CANCELLED

    page.goto(live_server.url + "/booking/")
    item = page.locator(".session-item", has_text="消防夏令营")
    assert "剩余 60 个名额" in item.inner_text()
    assert batch.pk


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_a_teacher_over_capacity_takes_another_session(screen, request, live_server, tmp_path):
    from events.models import Booking
    from tests.browser.conftest import assert_accessible
    from tests.education.factories import make_site
    from tests.events.factories import BookingFactory, SessionFactory

    make_site()
    page = request.getfixturevalue(screen)
    full = SessionFactory(event__title="消防体验室参观", capacity=15)
    BookingFactory(session=full, party_size=10)
    later = SessionFactory(event=full.event, starts_at=full.starts_at + timedelta(hours=3))

    page.goto(live_server.url + f"/booking/session/{full.pk}/")
    assert "剩余 5 个名额" in page.locator(".session-summary").inner_text()
    assert not page.get_by_label("如名额不够我们整个团体，请将我们加入候补名单").is_checked()
    page.get_by_label("单位名称").fill("江阴市实验小学")
    page.get_by_label("单位类型").select_option("school")
    page.get_by_label("联系人姓名").fill("陈老师")
    page.get_by_label("手机号码").fill("138 0616 1001")
    page.get_by_label("团体人数").fill("10")
    page.get_by_label("陪同成人").fill("1")
    page.get_by_label("我同意联系信息仅用于处理本次预约").check()
    page.get_by_role("button", name="下一步：核对信息").click()

    offers = page.locator("#booking-offers")
    assert "只剩 5 个名额，您的团体 10 人。" in offers.inner_text()
    # booking.js moves the focus once it has run: wait for it rather than race it.
    expect(offers).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / f"offers-{screen}.png"), full_page=True)

    offers.get_by_role("button", name=re.compile("改约")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "核对预约信息"
    assert "江阴市实验小学" in page.locator(".review").inner_text()
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / f"review-{screen}.png"), full_page=True)
    page.get_by_role("button", name="确认并提交预约").click()

    assert page.get_by_role("heading", level=1).inner_text() == "您的预约已确认"
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / f"done-{screen}.png"), full_page=True)
    booking = Booking.objects.get(organization="江阴市实验小学")
    assert (booking.session_id, booking.party_size) == (later.pk, 10)


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_a_family_books_a_visit(screen, request, live_server, tmp_path):
    from events.models import Booking, Event
    from tests.browser.conftest import assert_accessible
    from tests.education.factories import make_site
    from tests.events.factories import SessionFactory

    make_site()
    page = request.getfixturevalue(screen)
    visit = SessionFactory(
        event__title="体验室家庭开放日",
        event__kind=Event.Kind.FAMILY_VISIT,
        event__party_max=6,
        event__children_per_adult=3,
        capacity=20,
    )
    page.goto(live_server.url + f"/booking/session/{visit.pk}/")
    assert page.get_by_label("单位类型").input_value() == "family"
    page.get_by_label("联系人姓名").fill("李女士")
    page.get_by_label("手机号码").fill("139 0616 2001")
    page.get_by_label("团体人数").fill("3")
    page.get_by_label("陪同成人").fill("1")
    page.get_by_label("孩子的年龄").fill("6岁和9岁")  # a family has ages, not a grade
    page.get_by_label("我同意联系信息仅用于处理本次预约").check()
    assert_accessible(page)
    page.get_by_role("button", name="下一步：核对信息").click()

    assert page.get_by_role("heading", level=1).inner_text() == "核对预约信息"
    assert "年级" not in page.locator("main").inner_text()
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / f"family-review-{screen}.png"), full_page=True)
    page.get_by_role("button", name="确认并提交预约").click()

    assert page.get_by_role("heading", level=1).inner_text() == "您的预约已确认"
    details = page.locator(".booking-details").inner_text()
    assert "家庭" in details and "孩子的年龄" in details and "6岁和9岁" in details
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / f"family-done-{screen}.png"), full_page=True)
    booking = Booking.objects.get(contact_name="李女士")
    assert (booking.organization, booking.party_size, booking.status) == ("", 3, "confirmed")
