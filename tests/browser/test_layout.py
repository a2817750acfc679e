"""Desktop and phone layout: the text column lines up with the page's heading, and
cards fill even rows (three across on a desktop, one on a phone)."""

import pytest

from tests.browser.conftest import assert_accessible, resident_site

pytestmark = pytest.mark.django_db(transaction=True)

LEFT = "(selector) => document.querySelector(selector).getBoundingClientRect().left"
COLUMNS = (
    "(selector) => getComputedStyle(document.querySelector(selector))"
    ".gridTemplateColumns.split(' ').length"
)


@pytest.mark.parametrize(("screen", "columns"), [("phone", 1), ("desktop", 3)])
def test_text_lines_up_with_headings_and_cards_fill_their_rows(
    screen, columns, request, live_server, tmp_path
):
    from education.models import SafetyGuidePage, StandardPage
    from tests.education.factories import add_page

    home = resident_site()
    index = home.get_children().get(slug="safety-guides")
    for n in range(5):  # six guides: two full rows of three on a desktop
        add_page(index, SafetyGuidePage, title=f"指南{n}", slug=f"guide-{n}", body=[])
    for slug in ("about", "visit", "news"):  # sections in the menu, without pictures
        add_page(home, StandardPage, title=slug, slug=slug, show_in_menus=True, body=[])
    page = request.getfixturevalue(screen)

    page.goto(live_server.url + "/safety-guides/e-bike-charging/")
    heading = page.evaluate(LEFT, "main h1")
    assert page.evaluate(LEFT, ".stream > *") == heading
    assert page.evaluate(LEFT, ".breadcrumbs ol") == heading
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / f"guide-{screen}.png"), full_page=True)

    page.goto(live_server.url + "/")
    assert page.evaluate(COLUMNS, "#guides-title + .cards") == columns
    assert page.evaluate(COLUMNS, "#explore + .cards") == columns
    assert page.locator("#explore + .cards img").count() == 0  # one even grid of sections
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / f"home-{screen}.png"), full_page=True)
