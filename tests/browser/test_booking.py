import re

import pytest

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
    page.get_by_role("button", name="提交预约").click()

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
    assert Booking.objects.get(reference=reference).status == Booking.Status.CANCELLED

    page.goto(live_server.url + "/booking/")
    item = page.locator(".session-item", has_text="消防夏令营")
    assert "剩余 60 个名额" in item.inner_text()
    assert batch.pk
