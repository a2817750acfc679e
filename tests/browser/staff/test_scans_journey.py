"""Measured reach from the clerk's desk to a phone and back.

A reach clerk (a member of "Reach clerks", never a superuser) creates a leaflet batch,
downloads its A4 print sheet (rendered to PNG, kept under var/screenshots/scans_journey/
to look at, and decoded), a phone scans the code and lands on the page it promotes,
the worker's fold runs, and the clerk's scans report and dashboard show the scan.
"""

import datetime
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, SCREENSHOTS, assert_accessible
from tests.browser.staff.accounts import log_in, member

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = SCREENSHOTS / "scans_journey"


def test_clerk_prints_a_leaflet_batch_a_phone_scans_it_the_dashboard_counts_it(
    browser, live_server, django_user_model
):
    import pypdfium2
    import zxingcpp

    from media.reach import demo, services
    from media.reach.models import Material
    from media.reach.permissions import CLERKS_GROUP, ensure_groups
    from tests.education.factories import make_site
    from tests.media.reach.factories import campaign

    home = make_site()
    demo.ensure_places()
    demo.ensure_metrics()
    ensure_groups()
    today = timezone.localdate()
    running = campaign(
        home, start=today - datetime.timedelta(days=10), end=today + datetime.timedelta(days=10)
    )
    running.save_revision().publish()
    clerk = member(django_user_model, "clerk", CLERKS_GROUP)
    base = live_server.url

    # The clerk creates the batch: 500 e-bike leaflets for a truck session in 华士镇.
    page = log_in(browser, base, clerk.username)
    page.goto(base + "/admin/reach_materials/new/")
    page.select_option("#id_kind", "leaflet")
    page.fill("#id_label", "电动车安全充电 · 华士镇")
    page.select_option("#id_campaign", label=running.title)
    page.select_option("#id_channel", label="宣传资料发放 · 宣传车巡回")
    page.select_option("#id_place", label="华士镇")
    # The page chooser's modal writes the chosen page's id into this input.
    page.eval_on_selector("#id_target_page", "(el, pk) => { el.value = pk; }", home.pk)
    page.fill("#id_quantity", "500")
    page.fill("#id_start_date", today.isoformat())
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("main")).to_contain_text("电动车安全充电 · 华士镇")
    material = Material.objects.get()
    assert material.created_by == clerk and material.quantity_counted == 500
    assert_accessible(page)

    # It prints the sheet: twelve labelled codes on an A4 page, each the scan URL.
    response = page.request.get(f"{base}/admin/reach_materials/qr/{material.pk}/sheet/")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    sheet = pypdfium2.PdfDocument(response.body())[0].render(scale=2).to_pil()
    SHOTS.mkdir(parents=True, exist_ok=True)
    sheet.save(SHOTS / "a4-sheet.png")
    urls = {result.text for result in zxingcpp.read_barcodes(sheet)}
    assert len(zxingcpp.read_barcodes(sheet)) == 12 and len(urls) == 1
    scan_path = urlsplit(urls.pop()).path
    assert scan_path == f"/q/{material.code}/"

    # A phone in WeChat scans it and reads the page the leaflet promotes.
    phone_context = browser.new_context(**PHONE)
    phone = phone_context.new_page()
    phone.goto(base + scan_path)
    assert urlsplit(phone.url).path == urlsplit(home.get_url()).path
    assert f"utm_content={material.code}" in phone.url
    assert not phone_context.cookies()
    phone_context.close()

    # The next minute the worker folds the scans; the clerk sees the scan.
    services.fold_scans()
    page.goto(base + "/admin/reach_scans/")
    expect(page.locator(f"[data-code='{material.code}']")).to_have_text("1")
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "scans-report.png"), full_page=True)
    page.goto(base + "/admin/reach_admin/")
    expect(page.locator("[data-metric='scans']").first).to_have_text("1")
    expect(page.locator("[data-metric='leaflets']").first).to_contain_text("500")
