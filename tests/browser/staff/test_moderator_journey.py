"""A moderator (a member of "Moderators", never a superuser) finds on their admin home
the new guide an editor submitted, approves it there, and the public site shows it at
once, though the page cache had kept the page's 404 and the index without it; the
public search finds it.

Screenshots, on a desktop and at 375 px, go to var/screenshots/moderator_journey/.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, in_process_tasks
from tests.browser.staff.accounts import log_in, member, shoot, visitor

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "厨房用火：离开灶台先关火"
SUMMARY = "油锅起火不要用水浇，盖上锅盖，关掉燃气阀门。"


def submitted_guide(settings, editor):
    """A new guide the editor wrote and submitted for review (never live yet), and its
    index, published with another guide."""
    from education.models import SafetyGuideIndexPage, SafetyGuidePage
    from education.moderation import ensure_moderation
    from tests.education.factories import add_page, make_site

    settings.PAGE_CACHE_SECONDS = 60
    with in_process_tasks():
        home = make_site()
        index = add_page(home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
        ensure_moderation([index])
        add_page(
            index,
            SafetyGuidePage,
            title="预防电动车火灾：安全充电八件事",
            slug="e-bike-charging",
            body=[{"type": "text", "value": "<p>不要把电池拎回家里充电。</p>"}],
        )
        guide = SafetyGuidePage(
            title=TITLE,
            slug="kitchen-fire",
            summary=SUMMARY,
            body=[{"type": "text", "value": "<p>炒菜时不要离开厨房。</p>"}],
            live=False,
            owner=editor,
        )
        index.add_child(instance=guide)
        guide.save_revision(user=editor)
        guide.get_workflow().start(guide, editor)
    return index, guide


def test_moderator_approves_from_their_home_and_the_public_sees_it_at_once(
    browser, live_server, settings, django_user_model
):
    from wagtail.models import Page, WorkflowState

    from education.moderation import ensure_groups

    ensure_groups()
    editor = member(django_user_model, "editor", "Editors")
    moderator = member(django_user_model, "moderator", "Moderators")
    index, guide = submitted_guide(settings, editor)
    base = live_server.url
    guide_url = base + "/safety-guides/kitchen-fire/"

    # Before approval: no such page, the index and the search do not know it; the
    # cache keeps both pages.
    public = visitor(browser)
    assert public.goto(guide_url).status == 404
    public.goto(base + index.url)
    assert public.goto(base + index.url).headers["x-page-cache"] == "hit"
    expect(public.locator("main")).not_to_contain_text(TITLE)
    public.goto(base + "/search/?q=" + "油锅起火")
    expect(public.locator("main")).not_to_contain_text(TITLE)

    # The moderator's home lists what awaits their review, with who submitted it.
    page = log_in(browser, base, moderator.username)
    waiting = page.locator("#awaiting-review-section")
    row = waiting.locator("tr", has_text=TITLE)
    expect(row).to_contain_text("editor")
    assert_accessible(page)
    shoot(page, "moderator_journey", "1-home-awaiting-review")
    row.locator(".w-dropdown__toggle").click()
    row.locator("button[data-workflow-action-url*='/approve/']:not([data-launch-modal])").click()
    # The action posts and comes back to the home, where nothing awaits any more.
    expect(page.locator("#awaiting-review-section")).to_have_count(0, timeout=30_000)
    shoot(page, "moderator_journey", "2-home-approved")
    page.context.close()

    state = WorkflowState.objects.for_instance(guide).get()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert Page.objects.get(pk=guide.pk).live

    # The public sees it at once: the page, the index that lists it, the search.
    response = public.goto(guide_url)
    assert response.status == 200
    expect(public.locator("h1")).to_have_text(TITLE)
    expect(public.locator("main")).to_contain_text(SUMMARY)
    public.goto(base + index.url)
    expect(public.locator("main")).to_contain_text(TITLE)
    public.goto(base + "/search/?q=" + "油锅起火")
    expect(public.locator("ol.results")).to_contain_text(TITLE)
    shoot(public, "moderator_journey", "3-public-search")
    public.context.close()
