"""Demo content: a campaign running today, beside the 100-day campaign of 2020.

Its dates are relative to the day the demo is loaded: it began five weeks ago and runs
for 100 days, its figures are entered day by day up to yesterday through the one write
path, and they are approved up to last Sunday (the week after that awaits approval), so
the home page and the campaign page show figures as a working team would. Idempotent:
a campaign already there is left as it is.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from . import demo, services
from .models import CampaignIndexPage, CampaignPage, CampaignTarget, Place, Tally
from .services.write import TallyRow, write_tallies

SLUG = "winter-fire-prevention"
STARTED_DAYS_AGO = 35
LENGTH_DAYS = 100
TARGETS = {
    "screen-plays": 4000,
    "leaflets": 6000,
    "media-posts": 40,
    "truck-sessions": 30,
    "crowded-events": 25,
    "smoke-detectors": 800,
    "charging-points": 120,
}


def _page(index, today):
    start = today - datetime.timedelta(days=STARTED_DAYS_AGO)
    page = CampaignPage(
        title="冬春火灾防控宣传",
        slug=SLUG,
        start_date=start,
        end_date=start + datetime.timedelta(days=LENGTH_DAYS - 1),
        theme="电动车安全充电、家庭用火用电和老旧小区消防通道，冬春季节重点提醒",
        body=(
            "<p>冬春季节天干物燥、用火用电多，是一年中火灾最多的时候。这一百天里，"
            "江阴消防把电动车安全充电、家庭用火用电和楼道畅通作为重点："
            "公交车和户外大屏播放提示，宣传车走进各镇街和老旧小区，"
            "消防员在商场和广场讲解、发放资料，社区推广安装烟感报警器和充电桩。</p>"
            "<p>数字每天记录，每周审核一次后公开。</p>"
        ),
        search_description="冬春火灾防控宣传的进展：播放、发放、活动、安装与覆盖人数。",
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def _rows(campaign, today, metrics, channels, city, towns):
    """Day figures from the campaign's first day to yesterday, varied but reproducible."""
    town_list = [towns[name] for name in demo.TOWNS]
    mall = Place.objects.get(name="美嘉城")
    rows = []

    def add(code, channel, day, place, count, qualifier=Tally.Qualifier.EXACT):
        rows.append(
            TallyRow(
                metric_id=metrics[code].pk,
                channel_id=channels[(code, channel)].pk,
                place_id=place.pk,
                campaign_id=campaign.pk,
                day=day,
                count=count,
                qualifier=qualifier,
                note="冬春火灾防控宣传",
            )
        )

    day, n = campaign.start_date, 0
    while day < today:
        town = town_list[(n * 5) % len(town_list)]
        add("screen-plays", "bus", day, city, 18 + (n * 7) % 9)
        add("screen-plays", "outdoor", day, city, 12 + (n * 3) % 5)
        if n % 2 == 0:
            add("media-posts", "rongmei", day, city, 1)
        if day.weekday() in (1, 3):  # the truck goes out on Tuesdays and Thursdays
            add("truck-sessions", "truck", day, town, 1)
            add("leaflets", "truck", day, town, 150 + (n * 13) % 60, Tally.Qualifier.AT_LEAST)
        if day.weekday() == 5:  # Saturdays at the mall
            add("crowded-events", "venue", day, mall, 1)
            add("leaflets", "crowded", day, mall, 220 + (n * 11) % 80, Tally.Qualifier.AT_LEAST)
        if day.weekday() == 2:
            add("smoke-detectors", "install", day, town, 40 + (n * 17) % 25)
            add("charging-points", "install", day, town, 4 + n % 5)
        day += datetime.timedelta(days=1)
        n += 1
    return rows


def load(stdout=None):
    today = timezone.localdate()
    index = CampaignIndexPage.objects.filter(slug="campaigns", locale=Locale.get_default()).first()
    if index is None or CampaignPage.objects.filter(slug=SLUG).exists():
        return None
    with transaction.atomic():
        city, towns = demo.ensure_places()
        metrics, channels = demo.ensure_metrics()
        campaign = _page(index, today)
        for code, target in TARGETS.items():
            CampaignTarget.objects.create(page=campaign, metric=metrics[code], target=target)
        write_tallies(
            _rows(campaign, today, metrics, channels, city, towns),
            source=Tally.Source.ENTERED,
        )
        last_sunday = today - datetime.timedelta(days=today.weekday() + 1)
        if last_sunday >= campaign.start_date:
            services.approve_period(
                start=campaign.start_date,
                end=last_sunday,
                campaign=campaign,
                note="每周审核",
            )
    if stdout:
        stdout.write(f"reach: current campaign {campaign.title} with figures to yesterday")
    return campaign
