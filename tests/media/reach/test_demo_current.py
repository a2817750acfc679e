"""The demo's current campaign: running today, figures to yesterday, approved to last
Sunday, and the one the home page features."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from core.demo import read
from education import demo as education_demo
from media.reach import demo, selectors
from media.reach.models import CampaignPage, Tally

pytestmark = pytest.mark.django_db

SLUG = "winter-fire-prevention"


def test_the_demo_has_a_campaign_running_today_with_weekly_approved_figures(client, home):
    demo.load()
    current = CampaignPage.objects.get(slug=SLUG)
    today = timezone.localdate()
    assert current.start_date < today < current.end_date
    assert selectors.featured_campaign() == current

    tallies = Tally.objects.filter(campaign=current)
    assert tallies.filter(period_start=today - datetime.timedelta(days=1)).exists()
    assert not tallies.filter(period_start__gte=today).exists()
    last_sunday = today - datetime.timedelta(days=today.weekday() + 1)
    assert not tallies.filter(period_start__lte=last_sunday, approved=False).exists()
    assert not tallies.filter(period_start__gt=last_sunday, approved=True).exists()

    report = selectors.campaign_report(current, public=True)
    assert report["last_day"] == last_sunday
    plays = next(f for f in report["figures"] if f["metric"].code == "screen-plays")
    assert plays["total"] > 0
    targets = demo.DATA["campaigns"][1]["targets"]
    assert {t.metric.code for t in current.targets.all()} == set(targets)

    # The home page's figures are the running campaign's, up to last Sunday.
    html = Template("{% load reach_tags %}{% reach_figures %}").render(Context({}))
    assert current.title in html and last_sunday.isoformat() in html
    assert "2020-10-22" not in html
    assert client.get(current.url).status_code == 200

    # The 2020 campaign stays a past campaign with its figures; a second load adds nothing.
    past = CampaignPage.objects.get(slug="100-day-campaign")
    assert past.end_date.year == 2020 and past.targets.exists()
    rows = Tally.objects.count()
    assert demo.load() == [] and Tally.objects.count() == rows


def test_the_english_home_features_the_current_campaign_in_english(client, home):
    demo.load()
    chinese = CampaignPage.objects.get(slug=SLUG)
    education_demo.load_english()
    current = read(education_demo.__file__, "english")["pages"][f"campaigns/{SLUG}"]
    html = client.get("/en/").content.decode()
    figures = html[html.index('class="wrap section reach-figures"') :]
    assert current["title"] in figures and "冬春" not in figures
    page = client.get(f"/en/campaigns/{SLUG}/").content.decode()
    assert f"<h1>{current['title']}</h1>" in page and "This page is not yet available" not in page
    figures = selectors.campaign_report(chinese, public=True)["figures"]
    plays = next(f["display"] for f in figures if f["metric"].code == "screen-plays")
    cell = page.split('data-metric="screen-plays"', 1)[1].split("<", 1)[0]
    assert cell.lstrip(">").strip() == plays  # the figures are the Chinese page's
