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
    shown.pop(
        "scans"
    )  # the demo materials' generated scans: tests/media/reach/test_demo_materials.py
    assert shown == {
        "screen-plays": "3,800",
        "leaflets": "5,100+",
        "media-posts": "55",
        "truck-sessions": "30",
        "crowded-events": "38",
        "school-talks": "21",
        "military-training": "4",
        "camp": "600",
        "camp-batches": "10",
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
    names = {f["metric"].code: f["metric"].name for f in report["figures"]}
    assert names["school-talks"] == "进校园宣讲" and names["military-training"] == "消防进军训活动"


def test_public_campaign_page_shows_the_reports_numbers_as_it_states_them(client, home):
    demo.load()
    campaign = CampaignPage.objects.get(slug="100-day-campaign", locale=home.locale)
    html = client.get(campaign.url).content.decode()
    for code, shown in {
        "school-talks": "21",
        "military-training": "4",
        "camp": "600",
        "camp-batches": "10",
    }.items():
        assert f'data-metric="{code}"' in html
        cell = html.split(f'data-metric="{code}"', 1)[1].split("<", 1)[0]
        assert cell.lstrip(">").strip() == shown, (code, cell)


def test_every_metric_and_channel_of_the_demo_and_of_derived_figures_has_an_english_name(home):
    """The English site names figures in English: the demo's catalogue, and the metrics
    and channels the site makes itself (attendance, contest entries, scans)."""
    from media.reach.models import Channel, Metric
    from media.reach.services import DERIVED_METRICS
    from media.reach.services.derived import derived_metric, labelled_channel

    demo.load()
    for specs in DERIVED_METRICS.values():
        for spec in specs.values():
            derived_metric(spec)
    from events.models import Event

    metric = Metric.objects.get(code="attendance")
    channel = labelled_channel(metric, "school_talk", Event.Kind.SCHOOL_TALK.label)
    assert channel.name != channel.name_en and channel.name_en
    assert not Metric.objects.filter(name_en="").exists()
    assert not Channel.objects.filter(name_en="").exists()
