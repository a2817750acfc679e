"""A teacher who lost the manage link finds the booking by reference and an SMS code."""

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


class Phone:
    """The teacher's phone: the test SMS backend keeps what it delivers."""

    received = []

    def send(self, phone, message, *, idempotency_id):
        Phone.received.append((phone, message))


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_a_teacher_who_lost_the_link_finds_the_booking(
    screen, request, live_server, settings, tmp_path
):
    from tests.browser.conftest import assert_accessible
    from tests.education.factories import make_site
    from tests.events.factories import BookingFactory

    settings.SMS_BACKEND = f"{__name__}.Phone"
    Phone.received = []
    make_site()
    booking = BookingFactory(
        session__event__title="消防体验室参观", organization="江阴市实验小学", phone="13806161001"
    )
    page = request.getfixturevalue(screen)

    page.goto(live_server.url + "/booking/")
    page.get_by_role("link", name="查找我的预约").click()
    assert page.get_by_role("heading", level=1).inner_text() == "查找我的预约"
    assert_accessible(page)

    # A typo in the phone: no code, and the same answer as for a match.
    page.get_by_label("预约编号").fill(booking.reference.lower())
    page.get_by_label("手机号码").fill("138 0616 1002")
    page.get_by_role("button", name="发送验证码").click()
    assert page.get_by_role("heading", level=1).inner_text() == "填写验证码"
    unmatched = page.get_by_role("status").inner_text()
    assert Phone.received == []

    page.get_by_role("link", name="重新获取验证码").click()
    page.get_by_label("预约编号").fill(booking.reference)
    page.get_by_label("手机号码").fill("138 0616 1001")
    page.get_by_role("button", name="发送验证码").click()
    assert page.get_by_role("status").inner_text() == unmatched
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / f"find-code-{screen}.png"), full_page=True)
    [(number, text)] = Phone.received
    assert number == "13806161001" and booking.reference in text
    code = re.search(r"(?<!\d)\d{6}(?!\d)", text).group()

    wrong = f"{(int(code) + 1) % 10**6:06d}"
    page.get_by_label("短信验证码").fill(wrong)
    page.get_by_role("button", name="打开我的预约").click()
    assert "此验证码无法打开预约" in page.locator("#error-summary").inner_text()
    assert_accessible(page)

    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="打开我的预约").click()
    assert page.get_by_role("heading", level=1).inner_text() == "您的预约"
    assert booking.reference in page.locator("main").inner_text()
    assert "/booking/manage/" in page.url
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / f"find-manage-{screen}.png"), full_page=True)
