import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_in_chinese_then_switch_to_english(any_screen, live_server):
    from tests.education.factories import make_site

    make_site()
    page = any_screen
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("heading", level=1).inner_text() == "学消防知识，护平安江阴"
    assert page.get_by_role("link", name="119").first.is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="English").click()
    page.wait_for_url(live_server.url + "/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="简体中文").is_visible()

    # Nothing scrolls sideways on a phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_large_text_mode_is_accessible_and_remembered(phone, live_server):
    from tests.education.factories import make_site

    make_site()
    phone.goto(live_server.url + "/")
    phone.get_by_role("link", name="大字号、高对比度").click()
    assert "display-large" in phone.locator("html").get_attribute("class")
    phone.goto(live_server.url + "/en/")
    assert "display-large" in phone.locator("html").get_attribute("class")
    assert_accessible(phone)
