"""Every public page type and form state passes axe-core (WCAG 2.0–2.2 A and AA).

Each test loads the demo content once and walks many pages, collecting every violation
before failing, so one run shows all that is wrong. Pages are also checked for
horizontal scrolling at 320 px, and the booking journey is walked with the keyboard.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import (
    assert_accessible,
    assert_focus_visible,
    page_url,
    public_pages,
)

pytestmark = pytest.mark.django_db(transaction=True)

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _check(page, name, problems):
    try:
        assert_accessible(page)
    except AssertionError as error:
        problems.append(f"[{name}] {error}")


def _visit_all(page, base, problems, sideways=False):
    for name, path in public_pages():
        page.goto(base + path)
        _check(page, name, problems)
        if sideways:
            size = page.viewport_size
            page.set_viewport_size({"width": 320, "height": 640})
            if not page.evaluate(NO_SIDEWAYS_SCROLL):
                problems.append(f"[{name}] scrolls sideways at 320 px: {path}")
            page.set_viewport_size(size)


def _form_states(page, base, problems):
    """Forms after a failed submission: the error summary and the fields' errors."""
    from events import selectors
    from media.contest.models import ContestPage

    selfcheck = page_url("education.SelfCheckPage")
    page.goto(base + selfcheck)
    page.locator("form.selfcheck-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    _check(page, "self-check errors", problems)
    for radio in page.locator("form.selfcheck-form input[type=radio][value=yes]").all():
        radio.check()
    page.locator("form.selfcheck-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#result").count() == 1
    _check(page, "self-check result", problems)
    page.locator("#result a[href*='print=1']").click()
    page.wait_for_load_state()
    assert page.locator("table.answers").count() == 1
    _check(page, "self-check print view", problems)

    session = selectors.upcoming_bookable(limit=1)[0]
    page.goto(f"{base}/booking/session/{session.pk}/")
    page.locator("form.booking-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    _check(page, "booking form errors", problems)

    page.goto(base + page_url("contest.ContestPage"))
    entry = page.locator(".entry-card a").first
    assert entry.count(), "the demo gallery has no entry to open"
    entry.click()
    page.wait_for_load_state()
    _check(page, "contest entry", problems)

    # The demo contest has closed; reopen it to see the entry form and its errors.
    now = timezone.now()
    ContestPage.objects.update(
        status=ContestPage.Status.OPEN,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
    )
    page.goto(base + page_url("contest.ContestPage"))
    _check(page, "contest call and form", problems)
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    _check(page, "contest form errors", problems)


def _book_and_confirm(page, url):
    """Fill the booking form validly, then confirm it on the check-your-answers page.

    Returns the response to the confirmation.
    """
    page.goto(url)
    page.locator("#id_organization").fill("江阴市限流小学")
    page.locator("#id_contact_name").fill("陈老师")
    page.locator("#id_phone").fill("13806161002")
    page.locator("#id_email").fill("chen@example.cn")
    size = page.locator("#id_party_size").get_attribute("min") or "1"
    page.locator("#id_party_size").fill(size)
    page.locator("#id_adults").fill(size)
    page.locator("#id_privacy_consent").check()
    page.locator("form.booking-form button[type=submit]").click()
    page.get_by_role("heading", name="核对预约信息").wait_for()
    with page.expect_response(lambda response: response.request.method == "POST") as sent:
        page.locator("button[name=confirm]").click()
    page.wait_for_load_state()
    return sent.value


def test_every_public_page_and_form_state_on_a_phone(phone, live_server, demo_site, settings):
    from events import selectors

    problems = []
    _visit_all(phone, live_server.url, problems, sideways=True)
    _form_states(phone, live_server.url, problems)

    # One booking an hour from this address: only a confirmed, valid form counts, so the
    # second such booking meets the friendly 429, the form again with what was typed.
    settings.BOOKING_RATE_LIMIT_PER_IP = 1
    session = next(
        s
        for s in selectors.upcoming_bookable(limit=20)
        if selectors.party_fits(s, 2 * s.event.party_min)
    )
    form = f"{live_server.url}/booking/session/{session.pk}/"
    assert _book_and_confirm(phone, form).status == 302  # booked: on to the confirmation
    sent = _book_and_confirm(phone, form)
    assert sent.status == 429
    assert int(sent.headers["retry-after"]) > 0
    assert phone.locator(".error-summary").count() == 1
    assert phone.locator("#id_organization").input_value() == "江阴市限流小学"
    _check(phone, "rate limited", problems)
    assert not problems, "\n\n".join(problems)


def test_every_public_page_and_form_state_on_a_desktop_and_in_large_text(
    desktop, live_server, demo_site
):
    problems = []
    _visit_all(desktop, live_server.url, problems)
    _form_states(desktop, live_server.url, problems)

    # The large-text, high-contrast display mode.
    desktop.context.add_cookies(
        [{"name": "firebreak_display", "value": "large", "url": live_server.url}]
    )
    for screen in ({"width": 375, "height": 667}, {"width": 1280, "height": 900}):
        desktop.set_viewport_size(screen)
        desktop.goto(live_server.url + "/")
        assert desktop.locator("html.display-large").count() == 1
        _check(desktop, f"home large text {screen['width']}", problems)
        _form_states(desktop, live_server.url, problems)
    assert not problems, "\n\n".join(problems)


def test_the_booking_journey_by_keyboard_alone(phone, live_server):
    from events.models import Booking
    from tests.education.factories import make_site
    from tests.events.factories import SessionFactory

    make_site()
    SessionFactory(event__title="消防夏令营", event__children_per_adult=0, capacity=60)
    phone.goto(live_server.url + "/booking/")
    book = phone.locator(".session-item a[href*='/booking/session/']").first
    href = book.get_attribute("href")
    for _ in range(80):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.getAttribute('href')") == href:
            break
    else:
        pytest.fail("Tab never reached the first booking link")
    assert_focus_visible(phone)
    phone.keyboard.press("Enter")
    phone.wait_for_url(re.compile(r"/booking/session/\d+/$"))

    typed = {
        "id_organization": "江阴市键盘小学",
        "id_contact_name": "陈老师",
        "id_phone": "13806161001",
        "id_email": "chen@example.cn",
    }
    for _ in range(80):
        phone.keyboard.press("Tab")
        focused = phone.evaluate("document.activeElement.id")
        if focused in typed:
            assert_focus_visible(phone)
            phone.keyboard.type(typed.pop(focused))
        elif focused == "id_party_size":
            size = phone.evaluate("document.activeElement.min") or "1"
            phone.keyboard.type(size)
        elif focused == "id_adults":
            phone.keyboard.press("Control+A")
            phone.keyboard.type(phone.evaluate("document.getElementById('id_party_size').value"))
        elif focused == "id_privacy_consent":
            phone.keyboard.press("Space")
            break
    else:
        pytest.fail("Tab never reached the privacy consent")
    assert not typed, f"Tab skipped {sorted(typed)}"
    phone.keyboard.press("Tab")  # the submit button
    assert phone.evaluate("document.activeElement.type") == "submit"
    assert_focus_visible(phone)
    phone.keyboard.press("Enter")
    phone.get_by_role("heading", name="核对预约信息").wait_for()
    for _ in range(40):  # past each answer's change button to the confirmation
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.name") == "confirm":
            break
    else:
        pytest.fail("Tab never reached the confirm button")
    assert_focus_visible(phone)
    phone.keyboard.press("Enter")
    phone.wait_for_url(re.compile(r"/booking/manage/.+/done/$"))
    assert Booking.objects.filter(organization="江阴市键盘小学").count() == 1
