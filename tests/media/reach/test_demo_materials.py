import pytest
from django.db.models import Sum

from media.reach import demo, selectors
from media.reach.models import CampaignPage, Material, ScanCount

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_seeds_materials_with_scans_published_and_is_idempotent(client, home):
    demo.load()
    counts = dict(Material.objects.values_list("kind").annotate(n=Sum(1)).values_list("kind", "n"))
    assert counts == {"truck": 30, "stand": 38, "screen": 3}
    scans = ScanCount.objects.aggregate(total=Sum("count"))["total"]
    assert scans > 0
    demo.load()
    assert Material.objects.count() == 71
    assert ScanCount.objects.aggregate(total=Sum("count"))["total"] == scans
    campaign = CampaignPage.objects.get(slug="100-day-campaign", locale=home.locale)
    figures = selectors.campaign_report(campaign, public=True)["figures"]
    assert next(f for f in figures if f["metric"].code == "scans")["total"] == scans
    assert f"扫码阅读 {scans:,} 次" in client.get(campaign.url).content.decode()
    # Their copies were counted once: the leaflets figure is the report's, not doubled.
    assert next(f for f in figures if f["metric"].code == "leaflets")["display"] == "5,100+"
