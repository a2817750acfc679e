"""A reach approver (a member of "Reach approvers", never a superuser) finds on their
admin home the campaign whose figures wait for approval, follows it to the approval
screen with the campaign and period filled in, checks the preview of what goes public
and approves; the public campaign page then shows the figures with their units and
qualifiers and the day they are approved up to, and the home has nothing waiting.

axe checks each screen the project adds on the way (the home's panel, the approval
form and its preview); screenshots, on a desktop and at 375 px, go to
var/screenshots/approver_journey/.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, in_process_tasks
from tests.browser.staff.accounts import log_in, member, shoot, visitor

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = "approver_journey"


def campaign_with_entered_figures():
    """A running campaign with three figures entered by the clerks, none approved:
    leaflets on two days (exact) and screen plays on one (approximate)."""
    from media.reach import demo, services
    from media.reach.models import Channel, Metric, Place, Tally
    from media.reach.permissions import ensure_groups
    from tests.education.factories import make_site
    from tests.media.reach.factories import campaign

    with in_process_tasks():
        home = make_site()
        demo.ensure_places()
        demo.ensure_metrics()
        ensure_groups()
        today = timezone.localdate()
        start = today - datetime.timedelta(days=20)
        running = campaign(home, start=start, end=today + datetime.timedelta(days=20))
        running.save_revision().publish()
        place = Place.objects.get(name="澄江街道")
        for code, channel, days, count, qualifier in (
            ("leaflets", "crowded", 2, 200, Tally.Qualifier.EXACT),
            ("leaflets", "crowded", 5, 150, Tally.Qualifier.EXACT),
            ("screen-plays", "bus", 3, 12000, Tally.Qualifier.APPROXIMATE),
        ):
            metric = Metric.objects.get(code=code)
            services.record_tally(
                metric=metric,
                channel=Channel.objects.get(metric=metric, code=channel),
                place=place,
                campaign=running,
                day=start + datetime.timedelta(days=days),
                count=count,
                qualifier=qualifier,
            )
    return running, start + datetime.timedelta(days=2), start + datetime.timedelta(days=5)


def test_approver_follows_the_home_panel_previews_approves_and_the_public_sees_the_figures(
    browser, live_server, django_user_model
):
    from media.reach.models import ApprovedPeriod, Tally
    from media.reach.permissions import APPROVERS_GROUP

    running, first, last = campaign_with_entered_figures()
    approver = member(django_user_model, "approver", APPROVERS_GROUP)
    base = live_server.url

    # Nothing is public before approval.
    public = visitor(browser)
    public.goto(base + running.url)
    expect(public.locator("[data-metric]")).to_have_count(0)
    expect(public.locator("main")).to_contain_text("数字审核后会显示在这里。")

    # The approver's home: the campaign, its three figures and their days.
    page = log_in(browser, base, approver.username)
    panel = page.locator("#jobs-figures_to_approve-section")
    expect(panel.get_by_role("heading")).to_have_text("待审核的数字")
    job = panel.get_by_role("link", name=f"{running.title}：3 个数字，{first} 至 {last}")
    expect(job).to_be_visible()
    assert_accessible(page)
    shoot(page, SHOTS, "1-home-figures-to-approve")

    # The approval screen, filled in from the job; the preview shows what goes public.
    job.click()
    expect(page.locator("#id_campaign option:checked")).to_have_text(running.title)
    expect(page.locator("#id_start")).to_have_value(first.isoformat())
    expect(page.locator("#id_end")).to_have_value(last.isoformat())
    assert_accessible(page)
    page.locator("main form button[type=submit]").first.click()
    preview = page.get_by_test_id("approval-preview")
    expect(preview.locator('td[data-metric="leaflets"]')).to_have_text("350")
    expect(preview.locator('td[data-metric="screen-plays"]')).to_have_text("约 12,000")
    assert not ApprovedPeriod.objects.exists()  # a preview approves nothing
    assert_accessible(page)
    shoot(page, SHOTS, "2-approval-preview")
    page.get_by_role("button", name="审核通过这些数字").click()
    page.wait_for_url(base + "/admin/reach_approvals/")
    assert not Tally.objects.filter(approved=False).exists()

    # Nothing waits any more.
    page.goto(base + "/admin/")
    expect(panel).to_contain_text("没有等待审核的数字。")
    expect(panel.locator(".w-panel__content a")).to_have_count(0)
    assert_accessible(page)
    page.context.close()

    # The public campaign page: units, the qualifier, and the day approved up to.
    public.goto(base + running.url)
    expect(public.locator('[data-metric="leaflets"]')).to_have_text("350 份")
    expect(public.locator('[data-metric="screen-plays"]')).to_have_text("约 12,000 次播放")
    expect(public.locator("main")).to_contain_text(f"已审核数字截至 {last}")
    shoot(public, SHOTS, "3-public-campaign")
    public.context.close()
