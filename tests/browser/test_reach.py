import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_enter_import_see_dashboard_and_public_page_change(
    desktop, live_server, tmp_path, django_user_model
):
    from media.reach import demo
    from media.reach.models import Metric, Tally
    from tests.education.factories import make_site
    from tests.media.reach.factories import campaign

    home = make_site()
    demo.ensure_places()
    demo.ensure_metrics()
    today = timezone.localdate()
    running = campaign(
        home,
        start=today - datetime.timedelta(days=20),
        end=today + datetime.timedelta(days=20),
        targets={Metric.objects.get(code="leaflets"): 1000},
    )
    running.save_revision().publish()
    django_user_model.objects.create_superuser("staff", "staff@example.cn", "pw-staff-1")
    page = desktop
    base = live_server.url

    page.goto(base + "/admin/login/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", "pw-staff-1")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/admin/")

    # A day's leaflets through the quick entry form.
    page.goto(base + "/admin/reach_entry/")
    page.select_option("#id_place", label="南闸街道")
    page.select_option("#id_campaign", label=running.title)
    page.get_by_role("group", name="宣传资料发放").get_by_label("宣传车巡回").fill("300+")
    page.get_by_role("button", name="保存数字").click()
    expect(page.get_by_text("已保存 1 项数字")).to_be_visible()

    # A CSV with yesterday's figures: dry run, then the import.
    csv = tmp_path / "leaflets.csv"
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    csv.write_text(
        f"日期,指标,渠道,地点,数量,活动\n{yesterday},leaflets,crowded,澄江街道,200,100-day-campaign\n",
        encoding="utf-8",
    )
    page.goto(base + "/admin/reach_import/")
    page.set_input_files("#id_file", str(csv))
    page.get_by_role("button", name="检查文件（试运行）").click()
    page.get_by_role("button", name="导入这些行").click()
    expect(page.get_by_test_id("status")).to_contain_text("已导入")

    # The dashboard adds them up, honestly: at least 500 leaflets.
    page.goto(base + f"/admin/reach_admin/?campaign={running.pk}")
    expect(page.locator('td[data-metric="leaflets"]')).to_have_text("500+")

    # The public page shows approved figures only: nothing yet, then after approval.
    page.goto(base + running.url)
    assert page.locator('[data-metric="leaflets"]').inner_text().startswith("0 ")
    page.goto(base + "/admin/reach_approvals/new/")
    page.select_option("#id_campaign", label=running.title)
    page.fill("#id_start", (today - datetime.timedelta(days=20)).isoformat())
    page.fill("#id_end", today.isoformat())
    page.locator("main form button[type=submit]").first.click()
    # The preview shows exactly the figure going public; approving it publishes that.
    preview = page.get_by_test_id("approval-preview")
    expect(preview.locator('td[data-metric="leaflets"]')).to_have_text("500+")
    assert not Tally.objects.filter(approved=True).exists(), "the preview approved already"
    page.get_by_role("button", name="审核通过这些数字").click()
    page.wait_for_url(base + "/admin/reach_approvals/")
    page.goto(base + running.url)
    expect(page.locator('[data-metric="leaflets"]')).to_contain_text("500+")
    assert page.locator("progress").first.get_attribute("value") == "50"
