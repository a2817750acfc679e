import pytest

from media.reach import demo, selectors
from media.reach.models import CampaignPage, Tally

pytestmark = pytest.mark.django_db


def test_demo_reproduces_the_campaign_report_exactly_and_is_idempotent(home):
    demo.load()
    rows = Tally.objects.count()
    demo.load()
    assert Tally.objects.count() == rows
    campaign = CampaignPage.objects.get(slug="100-day-campaign", locale=home.locale)
    report = selectors.campaign_report(campaign, public=True)
    shown = {f["metric"].code: f["display"] for f in report["figures"]}
    assert shown == {
        "screen-plays": "3,800",
        "leaflets": "5,100+",
        "media-posts": "55",
        "truck-sessions": "30",
        "crowded-events": "38",
        "school-talks": "25",
        "camp": "600",
        "app-registrations": "579",
        "smoke-detectors": "909",
        "sprinklers": "102",
        "charging-points": "101",
    }
    leaflets = next(b for b in report["channels"] if b["metric"].code == "leaflets")
    assert {r["label"]: r["display"] for r in leaflets["rows"]} == {
        "人员密集场所": "3,100+",
        "宣传车巡回": "2,000+",
    }
    assert report["people"]["total"] == 600
