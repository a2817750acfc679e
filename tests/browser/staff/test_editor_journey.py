"""An editor (a member of "Editors", never a superuser) changes a live safety guide in
the admin and submits it for review: the review starts, the editor's home shows it in
the workflow, and the public page, answered by the page cache, keeps the old text.

The editor works only on Wagtail's own screens (the page editor and the home), which
the project adds nothing to, so no axe check here: axe finds one violation there, in
Wagtail's rich-text editor (a contenteditable without an accessible name). Screenshots,
on a desktop and at 375 px, go to var/screenshots/editor_journey/.
"""

import pytest
from playwright.sync_api import expect

from education.moderation import TASK_NAME
from tests.browser.conftest import in_process_tasks
from tests.browser.staff.accounts import log_in, member, shoot, visitor

pytestmark = pytest.mark.django_db(transaction=True)

OLD_TITLE = "预防电动车火灾：安全充电八件事"
NEW_TITLE = "预防电动车火灾：安全充电九件事"
NEW_SUMMARY = "新增一条：充电器用完要拔下。"


def guide_under_review(settings):
    """A published guide in the guides index, which the review workflow covers."""
    from education.models import SafetyGuideIndexPage, SafetyGuidePage
    from education.moderation import ensure_moderation
    from tests.education.factories import add_page, make_site

    settings.PAGE_CACHE_SECONDS = 60
    with in_process_tasks():
        home = make_site()
        index = add_page(home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
        ensure_moderation([index])
        return add_page(
            index,
            SafetyGuidePage,
            title=OLD_TITLE,
            slug="e-bike-charging",
            summary="电动自行车起火大多发生在夜间充电时。",
            body=[{"type": "text", "value": "<p>不要把电池拎回家里充电。</p>"}],
        )


def test_editor_submits_a_change_for_review_and_the_public_page_keeps_the_old_text(
    browser, live_server, settings, django_user_model
):
    from wagtail.models import Page, WorkflowState

    guide = guide_under_review(settings)
    editor = member(django_user_model, "editor", "Editors")
    base = live_server.url

    # The public page as it is, now kept in the page cache.
    public = visitor(browser)
    public.goto(base + guide.url)
    assert public.goto(base + guide.url).headers["x-page-cache"] == "hit"

    page = log_in(browser, base, editor.username)
    page.goto(base + f"/admin/pages/{guide.pk}/edit/")
    page.fill("#id_title", NEW_TITLE)
    page.fill("#id_summary", NEW_SUMMARY)
    # An editor may not publish: the footer offers saving a draft and submitting.
    expect(page.locator("button[name=action-publish]")).to_have_count(0)
    page.locator("form .w-dropdown-button .w-dropdown__toggle").first.click()
    page.locator("button[name=action-submit]").click()
    page.wait_for_url(lambda url: "/edit/" not in url or "saved" in url, timeout=30_000)
    expect(page.locator(".messages")).to_contain_text(NEW_TITLE)

    # A review is in progress, on its task; nothing went live.
    state = WorkflowState.objects.for_instance(guide).get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == TASK_NAME
    guide = Page.objects.get(pk=guide.pk).specific
    assert guide.title == OLD_TITLE and guide.has_unpublished_changes

    # The editor's home shows the page in the review, waiting on the moderators.
    page.goto(base + "/admin/")
    waiting = page.locator("#objects-in-workflow-section")
    expect(waiting).to_contain_text(NEW_TITLE)
    shoot(page, "editor_journey", "1-home-in-review")
    page.goto(base + f"/admin/pages/{guide.pk}/edit/")
    expect(page.locator("[data-side-panel-toggle='status']")).to_be_visible()
    shoot(page, "editor_journey", "2-edit-in-review")
    page.context.close()

    # The public still reads the approved page, from the cache and from a fresh render.
    response = public.goto(base + guide.url)
    expect(public.locator("h1")).to_have_text(OLD_TITLE)
    expect(public.locator("main")).not_to_contain_text(NEW_SUMMARY)
    settings.PAGE_CACHE_SECONDS = 0
    response = public.goto(base + guide.url)
    assert response.headers.get("x-page-cache") != "hit"
    expect(public.locator("h1")).to_have_text(OLD_TITLE)
    public.context.close()
