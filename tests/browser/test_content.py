import pytest

pytestmark = pytest.mark.django_db(transaction=True)

QUESTIONS = [
    ("你会在楼道里给电动车充电吗？", "no", "请到小区集中充电点充电。"),
    ("家里装了烟雾报警器吗？", "yes", "在卧室外的走廊装一个烟感报警器。"),
]


def _site():
    from education.models import SafetyGuideIndexPage, SafetyGuidePage, SelfCheckPage
    from tests.education.factories import add_page, make_site

    home = make_site()
    index = add_page(home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
    add_page(
        index,
        SafetyGuidePage,
        title="预防电动车火灾：安全充电八件事",
        slug="e-bike-charging",
        summary="电动自行车起火大多发生在夜间充电时。",
        body=[{"type": "text", "value": "<p>不要把电池拎回家里充电。</p>"}],
    )
    add_page(
        home,
        SelfCheckPage,
        title="家庭防火自查",
        slug="self-check",
        show_in_menus=True,
        questions=[
            {"type": "question", "value": {"question": q, "safe_answer": s, "advice": a}}
            for q, s, a in QUESTIONS
        ],
    )


def test_resident_searches_reads_a_guide_and_prints_a_self_check(phone, live_server):
    _site()
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
