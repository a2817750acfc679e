import pytest

from tests.browser.conftest import resident_site

pytestmark = pytest.mark.django_db(transaction=True)


def test_resident_searches_reads_a_guide_and_prints_a_self_check(phone, live_server):
    resident_site()
    page = phone
    page.goto(live_server.url + "/")
    page.get_by_label("搜索本站").fill("电动车")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name="预防电动车火灾：安全充电八件事").click()
    assert page.get_by_role("heading", level=1).inner_text() == "预防电动车火灾：安全充电八件事"
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    page.goto(live_server.url + "/self-check/")
    page.get_by_role("radio", name="是").first.check()  # charges in the stairwell: risky
    page.get_by_role("radio", name="是").nth(1).check()
    page.get_by_role("button", name="查看我的建议").click()
    result = page.locator("#result")
    assert "请到小区集中充电点充电。" in result.inner_text()
    assert "在卧室外的走廊装一个烟感报警器。" not in result.inner_text()

    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert result.is_visible()
    assert page.pdf(format="A4")[:4] == b"%PDF"
