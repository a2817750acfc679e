"""A guardian submits a drawing on a phone; contest staff approve it; it is in the gallery."""

import re

import pytest

from media.contest.models import Entry
from tests.media.contest.factories import image_bytes, make_contest, make_notice, staff


@pytest.fixture
def contest_site(transactional_db, settings, tmp_path):
    from tests.education.factories import make_site

    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    make_notice()
    return make_contest(make_site())


def test_guardian_submits_on_a_phone_and_staff_approve(live_server, phone, desktop, contest_site):
    phone.goto(f"{live_server.url}/children-contest/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.fill("#id_title", "消防车来啦")
    phone.fill("#id_display_name", "小雨")
    phone.fill("#id_school", "江阴市实验小学")
    phone.select_option("#id_grade", "2")
    phone.set_input_files(
        "#id_drawing",
        {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": image_bytes(size=(400, 300))},
    )
    phone.fill("#id_guardian_name", "王芳")
    phone.fill("#id_guardian_phone", "139 1234 5678")
    phone.check("#id_consent")
    phone.locator("form[enctype] button[type=submit]").click()
    phone.wait_for_url(re.compile(r"/children-contest/submitted/"))
    assert "/contest/withdraw/" in phone.locator(".withdraw-link a").inner_text()
    entry = Entry.objects.get()
    assert entry.status == Entry.Status.SUBMITTED

    # Not public before moderation.
    phone.goto(f"{live_server.url}/children-contest/")
    assert phone.locator(".entry-grid").count() == 0

    user = staff("moderator")
    desktop.goto(f"{live_server.url}/admin/login/")
    desktop.fill("#id_username", user.username)
    desktop.fill("#id_password", "pw")
    desktop.locator("form button[type=submit]").first.click()
    desktop.wait_for_url(re.compile(r"/admin/$"))
    desktop.goto(f"{live_server.url}/admin/contest/moderation/")
    desktop.get_by_role("link", name="消防车来啦").click()
    desktop.locator("form[action$='/approve/'] button").click()
    desktop.wait_for_url(re.compile(r"/admin/contest/moderation/$"))

    phone.goto(f"{live_server.url}/children-contest/")
    card = phone.locator(".entry-card", has_text="消防车来啦")
    assert card.count() == 1
    assert "王芳" not in phone.content()
    # the public thumbnail is a re-encoded rendition with a random name, not the upload
    src = card.locator("img").get_attribute("src")
    assert src.startswith("/media/contest/works/") and "IMG_0001" not in src


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_a_parents_drawing_survives_a_failed_submit(live_server, request, screen, contest_site):
    from media.contest.models import ContestPage
    from tests.browser.conftest import SCREENSHOTS, assert_accessible

    ContestPage.objects.filter(pk=contest_site.pk).update(
        rules="<ul><li>每人每类限投一件。</li></ul>"
    )
    page = request.getfixturevalue(screen)
    page.goto(f"{live_server.url}/children-contest/")
    rules = page.locator("details.contest-rules")
    assert rules.locator("summary").evaluate("s => getComputedStyle(s, '::before').content") != (
        "none"
    )
    page.fill("#id_title", "消防车来啦")
    page.fill("#id_display_name", "小雨")
    page.fill("#id_school", "江阴市实验小学")
    page.select_option("#id_grade", "2")
    page.set_input_files(
        "#id_drawing",
        {"name": "IMG_0002.jpg", "mimeType": "image/jpeg", "buffer": image_bytes(size=(400, 300))},
    )
    page.fill("#id_guardian_name", "王芳")
    page.fill("#id_guardian_phone", "139 1234")  # a digit short
    page.check("#id_consent")
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    assert "IMG_0002.jpg" in page.locator("#id_drawing_helptext").inner_text()
    assert_accessible(page)
    if screen == "phone":
        (SCREENSHOTS / "journeys").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "journeys" / "contest-drawing-kept.png"))

    # Only the phone number is corrected; the file is not chosen again.
    page.fill("#id_guardian_phone", "139 1234 5678")
    page.check("#id_consent")
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/children-contest/submitted/"))
    entry = Entry.objects.get()
    assert entry.category == "drawing" and (entry.image_width, entry.image_height) == (400, 300)
