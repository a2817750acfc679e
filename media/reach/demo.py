"""Demo content: places of Jiangyin, the metrics, and the 100-day campaign of 2020.

The campaign's figures are spread over its 100 days and the city's towns so that the
totals reproduce the campaign report exactly as it states them (3,800 screen plays,
2,000+ and 3,100+ leaflets, 55 media posts, 21 school talks and 4 military-training
visits, 600 camp students in 10 batches, …). Idempotent: a second run changes nothing.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from wagtail.models import Locale

from . import demo_materials, services
from .models import (
    ApprovedPeriod,
    CampaignIndexPage,
    CampaignPage,
    CampaignTarget,
    Channel,
    Metric,
    Place,
    Tally,
)
from .models.tally import period_end
from .permissions import ensure_clerks_group
from .services.totals import refresh_totals

START = datetime.date(2020, 7, 15)
END = datetime.date(2020, 10, 22)
TOWNS = [
    "澄江街道",
    "南闸街道",
    "云亭街道",
    "城东街道",
    "夏港街道",
    "申港街道",
    "利港街道",
    "月城镇",
    "青阳镇",
    "徐霞客镇",
    "华士镇",
    "周庄镇",
    "新桥镇",
    "长泾镇",
    "顾山镇",
    "祝塘镇",
    "璜土镇",
    "高新区",
]
VENUES = [("消防教育馆", "澄江街道"), ("美嘉城", "澄江街道"), ("五星公园消防主题公园", "澄江街道")]
U, A = Metric.Unit, Metric.Aggregation
# code: (name, unit, aggregation, counts people, [(channel code, channel name)])
METRICS = {
    "screen-plays": (
        "宣传片与海报播放",
        U.PLAYS,
        A.SUM,
        False,
        [("bus", "公交车载屏"), ("outdoor", "户外大屏"), ("building", "楼宇电视")],
    ),
    "leaflets": (
        "宣传资料发放",
        U.COPIES,
        A.SUM,
        False,
        [("truck", "宣传车巡回"), ("crowded", "人员密集场所")],
    ),
    "media-posts": ("媒体与网站推送", U.ITEMS, A.SUM, False, [("rongmei", "融媒体中心")]),
    "truck-sessions": ("宣传车宣传", U.SESSIONS, A.SUM, False, [("truck", "消防宣传车")]),
    "crowded-events": ("人员密集场所宣传活动", U.EVENTS, A.SUM, False, [("venue", "商场与广场")]),
    # The report counts 21 "开学第一课" school talks and, apart from them, 4 visits to
    # students' military training (below): two figures, not one of 25.
    "school-talks": ("进校园宣讲", U.SESSIONS, A.SUM, False, [("first-lesson", "开学第一课")]),
    "camp": ("消防夏令营学员", U.PERSONS, A.SUM, True, [("camp", "消防教育馆")]),
    "app-registrations": (
        "慧消防APP注册单位",
        U.ENTERPRISES,
        A.LAST,
        False,
        [("app", "慧消防APP")],
    ),
    "smoke-detectors": ("独立式感烟探测器安装", U.DEVICES, A.SUM, False, [("install", "推广安装")]),
    "sprinklers": ("简易喷淋安装", U.DEVICES, A.SUM, False, [("install", "推广安装")]),
    "charging-points": ("电动车智能充电桩", U.DEVICES, A.SUM, False, [("install", "推广建设")]),
    # Secondary figures last (the home page shows the first eight): the report's 4
    # military-training visits, and the camp's 10 batches beside its 600 students.
    "military-training": (
        "消防进军训活动",
        U.SESSIONS,
        A.SUM,
        False,
        [("military", "进军训")],
    ),
    "camp-batches": ("消防夏令营批次", U.SESSIONS, A.SUM, False, [("camp", "消防教育馆")]),
}
TARGETS = {
    "screen-plays": 3000,
    "leaflets": 5000,
    "media-posts": 50,
    "truck-sessions": 30,
    "crowded-events": 40,
    "school-talks": 20,
    "camp": 600,
    "app-registrations": 800,
    "smoke-detectors": 1000,
}


def spread(total, parts):
    """``parts`` whole numbers adding up to exactly ``total``."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def days(count, first=START, last=END):
    """``count`` distinct days spread evenly from first to last."""
    span = (last - first).days
    return [
        first + datetime.timedelta(days=round(i * span / max(count - 1, 1))) for i in range(count)
    ]


def ensure_places():
    city = services.city()
    towns = {}
    for name in TOWNS:
        towns[name], _ = Place.objects.get_or_create(
            name=name, parent=city, defaults={"kind": Place.Kind.TOWN}
        )
    for name, town in VENUES:
        Place.objects.get_or_create(
            name=name, parent=towns[town], defaults={"kind": Place.Kind.VENUE}
        )
    return city, towns


def ensure_metrics():
    metrics, channels = {}, {}
    for order, (code, (name, unit, aggregation, people, chans)) in enumerate(METRICS.items()):
        metric, _ = Metric.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "aggregation": aggregation,
                "counts_people": people,
                "sort_order": order,
            },
        )
        metrics[code] = metric
        for position, (ccode, cname) in enumerate(chans):
            channels[(code, ccode)], _ = Channel.objects.get_or_create(
                metric=metric, code=ccode, defaults={"name": cname, "sort_order": position}
            )
    return metrics, channels


def ensure_pages():
    from education.models import HomePage

    home = HomePage.objects.filter(locale=Locale.get_default()).first()
    if home is None:
        return None
    index = CampaignIndexPage.objects.filter(slug="campaigns", locale=home.locale).first()
    if index is None:
        index = CampaignIndexPage(
            title="宣传活动",
            slug="campaigns",
            show_in_menus=True,
            intro="<p>每一次消防宣传活动做了什么、覆盖了多少人，都在这里公开。数字经审核后发布。</p>",
            search_description="江阴消防宣传活动与实时统计。",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    page = CampaignPage.objects.filter(slug="100-day-campaign", locale=home.locale).first()
    if page is None:
        page = CampaignPage(
            title="消防安全专项整治百日攻坚行动",
            slug="100-day-campaign",
            start_date=START,
            end_date=END,
            theme="集中攻坚整治火灾隐患，把消防知识送进街道、学校和企业",
            body=(
                "<p>2020年夏秋，江阴消防用一百天时间集中整治火灾隐患，同时把宣传做到身边："
                "公交车、户外大屏和楼宇电视反复播放提示，宣传车走进各镇街，"
                "消防员在商场和广场讲解、发放资料，走进学校上“开学第一课”，"
                "600名学生分10批参加了消防夏令营。</p>"
                "<p>下面的数字来自各单位每天的记录，经审核后公开。</p>"
            ),
            search_description="百日攻坚行动的宣传成果：播放、发放、活动与覆盖人数。",
        )
        index.add_child(instance=page)
        page.save_revision().publish()
    return page


def build_tallies(campaign, metrics, channels, city, towns):
    """Rows for the whole campaign, as unsaved Tally objects."""
    venue = {name: Place.objects.get(name=name) for name, _ in VENUES}
    town_list = [towns[name] for name in TOWNS]
    rows = []

    def add(code, channel, day, place, count, qualifier=Tally.Qualifier.EXACT, kind="day"):
        rows.append(
            Tally(
                metric=metrics[code],
                channel=channels[(code, channel)],
                period_kind=kind,
                period_start=day,
                period_end=period_end(kind, day),
                place=place,
                campaign=campaign,
                count=count,
                qualifier=qualifier,
                source=Tally.Source.ENTERED,
                note="百日攻坚行动",
                approved=False,
            )
        )

    every_day = days(100)
    for channel, total in (("bus", 1600), ("outdoor", 1200), ("building", 1000)):
        for day, count in zip(every_day, spread(total, 100), strict=True):
            add("screen-plays", channel, day, city, count)
    for i, (day, count, leaflets) in enumerate(
        zip(days(30), spread(30, 30), spread(2000, 30), strict=True)
    ):
        add("truck-sessions", "truck", day, town_list[i % len(town_list)], count)
        add(
            "leaflets",
            "truck",
            day,
            town_list[i % len(town_list)],
            leaflets,
            Tally.Qualifier.AT_LEAST,
        )
    for i, (day, leaflets) in enumerate(zip(days(38), spread(3100, 38), strict=True)):
        where = venue["美嘉城"] if i % 5 == 0 else town_list[(i * 7) % len(town_list)]
        add("crowded-events", "venue", day, where, 1)
        add("leaflets", "crowded", day, where, leaflets, Tally.Qualifier.AT_LEAST)
    for day, count in zip(days(55), spread(55, 55), strict=True):
        add("media-posts", "rongmei", day, city, count)
    for i, day in enumerate(days(21, datetime.date(2020, 9, 1), datetime.date(2020, 9, 30))):
        add("school-talks", "first-lesson", day, town_list[(i * 5) % len(town_list)], 1)
    for i, day in enumerate(days(4, datetime.date(2020, 8, 24), datetime.date(2020, 9, 4))):
        add("military-training", "military", day, town_list[(i * 3 + 1) % len(town_list)], 1)
    for day in days(10, datetime.date(2020, 7, 20), datetime.date(2020, 8, 28)):
        add("camp", "camp", day, venue["消防教育馆"], 60)
        add("camp-batches", "camp", day, venue["消防教育馆"], 1)
    weeks = days(15)
    for i, day in enumerate(weeks):
        add("app-registrations", "app", day, city, round(579 * (i + 1) / len(weeks)))
    for code, total in (("smoke-detectors", 909), ("sprinklers", 102), ("charging-points", 101)):
        for i, (day, count) in enumerate(zip(days(36), spread(total, 36), strict=True)):
            add(code, "install", day, town_list[(i * 11) % len(town_list)], count)
    return rows


def load(stdout=None):
    ensure_clerks_group()
    with transaction.atomic():
        city, towns = ensure_places()
        metrics, channels = ensure_metrics()
        campaign = ensure_pages()
        if campaign is None:
            if stdout:
                stdout.write("reach: no home page, campaign skipped")
            return None
        for code, target in TARGETS.items():
            CampaignTarget.objects.get_or_create(
                page=campaign, metric=metrics[code], defaults={"target": target}
            )
        if not Tally.objects.filter(campaign=campaign).exists():
            Tally.objects.bulk_create(build_tallies(campaign, metrics, channels, city, towns))
            # Written around the write path (the demo's past figures): their totals too.
            refresh_totals(Q(campaign=campaign))
        if not ApprovedPeriod.objects.filter(campaign=campaign).exists():
            # Materials and their scans first: the approval below publishes them too.
            demo_materials.load(campaign, START, END)
        if not ApprovedPeriod.objects.filter(campaign=campaign).exists():
            services.approve_period(
                start=START,
                end=END,
                campaign=campaign,
                note="百日攻坚行动总结数字（2020-10-23 报告）",
            )
    if stdout:
        stdout.write("reach: 100-day campaign with approved figures ready")
    return campaign
