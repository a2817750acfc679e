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


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_a_household_without_an_e_bike_checks_follows_a_guide_and_prints(
    screen, request, live_server, tmp_path
):
    from tests.browser.conftest import assert_accessible

    resident_site()
    page = request.getfixturevalue(screen)
    page.goto(live_server.url + "/self-check/")
    page.get_by_role("radio", name="我家没有电动车").check()
    page.get_by_role("radio", name="否").nth(1).check()  # no smoke alarm: risky
    assert_accessible(page)
    page.get_by_role("button", name="查看我的建议").click()

    result = page.locator("#result")
    assert "1 项中有 0 项是安全的" in result.inner_text()
    assert "1 道题不适用于你家" in result.inner_text()
    assert "请到小区集中充电点充电。" not in result.inner_text()  # no e-bike, no e-bike advice
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / f"self-check-result-{screen}.png"), full_page=True)

    page.get_by_role("link", name="打印版").click()
    rows = page.locator("table.answers tbody tr")
    assert rows.count() == 2
    assert "不适用" in rows.nth(0).inner_text()
    assert "在卧室外的走廊装一个烟感报警器。" in rows.nth(1).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / f"self-check-print-{screen}.png"), full_page=True)
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.get_by_role("link", name="返回我的结果").is_visible()
    assert page.pdf(format="A4")[:4] == b"%PDF"
    page.emulate_media(media="screen")

    # The risky e-bike answer links to its guide.
    page.get_by_role("link", name="返回我的结果").click()
    page.get_by_role("link", name="重新自查").click()
    page.get_by_role("radio", name="是").first.check()
    page.get_by_role("radio", name="是").nth(1).check()
    page.get_by_role("button", name="查看我的建议").click()
    page.get_by_role("link", name="阅读指南：预防电动车火灾：安全充电八件事").click()
    assert page.get_by_role("heading", level=1).inner_text() == "预防电动车火灾：安全充电八件事"
