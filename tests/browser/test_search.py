import json
import re

import pytest

from tests.browser.conftest import in_process_tasks, resident_site

pytestmark = pytest.mark.django_db(transaction=True)


def test_resident_types_a_compound_word_on_a_phone_and_pages_through(phone, live_server):
    from education.models import SafetyGuideIndexPage, StandardPage
    from tests.education.factories import add_page

    with in_process_tasks():
        resident_site()
        home = SafetyGuideIndexPage.objects.get().get_parent()
        for n in range(12):
            text = f"第{n}期：楼道里不要停放电动车，小区发生过火灾。"
            body = json.dumps([{"type": "text", "value": f"<p>{text}</p>"}])
            add_page(home, StandardPage, title=f"社区消防简报{n}", slug=f"brief-{n}", body=body)

    page = phone
    page.goto(live_server.url + "/")
    page.get_by_label("搜索本站").fill("电动车火灾")
    page.get_by_role("button", name="搜索").click()
    results = page.locator("ol.results > li h2 a")
    assert results.first.inner_text() == "预防电动车火灾：安全充电八件事"
    assert "13 条结果" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    page.get_by_role("link", name="下一页").click()
    assert re.search(r"[?&]page=2", page.url)
    assert results.count() == 3
    assert all(title.startswith("社区消防简报") for title in results.all_inner_texts())
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
