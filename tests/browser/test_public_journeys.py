"""A resident's journeys on the demo site, at phone and desktop size, axe 0 in every state:
the English site, the phone menu, and the large-text switch in the header."""

import pytest

from tests.browser.conftest import SCREENSHOTS, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def _shot(page, name):
    if page.viewport_size["width"] <= 375:
        (SCREENSHOTS / "journeys").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "journeys" / f"{name}.png"), full_page=True)


def test_english_visitor_menu_and_large_text(any_screen, live_server, demo_site):
    page = any_screen
    phone = page.viewport_size["width"] <= 375

    # An English visitor reads the home page, a guide and the booking list in English.
    page.goto(live_server.url + "/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.title().startswith("Home · ")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Learn fire safety, keep Jiangyin safe"
    )
    assert "Jiangyin, Wuxi, Jiangsu" in page.locator(".site-footer").inner_text()
    assert page.locator(".untranslated-notice").count() == 0
    assert_accessible(page)
    _shot(page, "english-home")

    page.goto(live_server.url + "/en/safety-guides/e-bike-charging/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Preventing e-bike fires")
    crumbs = page.get_by_role("navigation", name="Breadcrumb").inner_text()
    assert "Safety guides" in crumbs and "安全指南" not in crumbs
    assert page.locator(".untranslated-notice").count() == 0
    assert_accessible(page)
    _shot(page, "english-guide")

    page.goto(live_server.url + "/en/booking/")
    assert page.get_by_role("heading", level=1).inner_text() == "Book a visit"
    assert_accessible(page)

    # An untranslated page says so, and its content is marked as Chinese.
    page.goto(live_server.url + "/en/about/")
    notice = page.locator(".untranslated-notice")
    assert "This page is not yet available in English." in notice.inner_text()
    assert "本页尚无英文版" in notice.inner_text()
    assert page.locator("#main > div[lang='zh-hans'] h1").inner_text() == "关于本站"
    assert_accessible(page)
    _shot(page, "english-untranslated")

    # Every section from the menu: on a phone behind one button, on a desktop in a row.
    page.goto(live_server.url + "/")
    nav = page.get_by_role("navigation", name="主导航")
    if phone:
        assert not nav.get_by_role("link", name="团体预约").is_visible()
        nav.get_by_text("菜单").click()
        links = nav.locator(".nav-menu-list a")
        assert links.count() == 9
        assert all(links.nth(n).is_visible() for n in range(9))
        assert_accessible(page)
        _shot(page, "phone-menu-open")
    nav.get_by_role("link", name="团体预约").click()
    page.wait_for_url(live_server.url + "/booking/")
    assert page.get_by_role("heading", level=1).inner_text() == "预约参观"

    # A 60-year-old switches large text on from the header, and off again.
    page.locator(".site-header").get_by_role("link", name="大字号").click()
    page.wait_for_url(live_server.url + "/booking/")
    assert "display-large" in page.locator("html").get_attribute("class")
    assert_accessible(page)
    _shot(page, "large-text")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.locator(".site-header").get_by_role("link", name="标准字号").click()
    assert "display-large" not in (page.locator("html").get_attribute("class") or "")
