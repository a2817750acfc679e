"""Demo materials of the 100-day campaign with their QR scans.

The seed's material: the e-bike leaflets handed out at the 30 publicity-truck
sessions, the bus, outdoor and building screen slots, and the leaflets of the 38
crowded-place events. Their copies and plays are already in the demo's tallies (the
campaign's figures were counted day by day before its materials had codes), so each
material records its quantity as counted (``quantity_counted``): editing one later
moves only the difference through the write path. Scans are generated from a fixed
seed, a few per hundred copies, and folded into the scans metric before the campaign's
figures are approved. Idempotent: a campaign that has materials is left alone.
"""

import datetime
import random

from wagtail.models import Page

from . import services
from .models import Material, ScanCount, Tally


def _page(slug, fallback):
    return Page.objects.filter(slug=slug, locale_id=fallback.locale_id).first() or fallback


def _counted(material, count, day):
    material.quantity = material.quantity_counted = count
    material.counted_day = day
    material.code = services.new_code()
    while Material.objects.filter(code=material.code).exists():
        material.code = services.new_code()
    material.save()
    return material


def build(campaign, start, end):
    """Materials from the campaign's leaflet and screen tallies; returns them saved."""
    guide = _page("e-bike-charging", campaign)
    leaflets = Tally.objects.filter(campaign=campaign, metric__code="leaflets").select_related(
        "channel", "place"
    )
    made = []
    for number, tally in enumerate(
        leaflets.filter(channel__code="truck").order_by("period_start"), start=1
    ):
        material = Material(
            kind=Material.Kind.TRUCK,
            label=f"电动车安全充电 · 宣传车第{number}场 · {tally.place.name}"[:60],
            campaign=campaign,
            channel=tally.channel,
            place=tally.place,
            target_page=guide,
            start_date=tally.period_start,
        )
        made.append(_counted(material, tally.count, tally.period_start))
    for number, tally in enumerate(
        leaflets.filter(channel__code="crowded").order_by("period_start"), start=1
    ):
        material = Material(
            kind=Material.Kind.STAND,
            label=f"人员密集场所宣传第{number}场 · {tally.place.name}"[:60],
            campaign=campaign,
            channel=tally.channel,
            place=tally.place,
            target_page=_page("home-escape-plan", campaign),
            start_date=tally.period_start,
        )
        made.append(_counted(material, tally.count, tally.period_start))
    screens = Tally.objects.filter(campaign=campaign, metric__code="screen-plays")
    for channel_code, label in (
        ("bus", "公交车载屏"),
        ("outdoor", "户外大屏"),
        ("building", "楼宇电视"),
    ):
        rows = screens.filter(channel__code=channel_code).select_related("channel", "place")
        first = rows.order_by("period_start").first()
        if first is None:
            continue
        material = Material(
            kind=Material.Kind.SCREEN,
            label=f"百日攻坚宣传片 · {label}",
            campaign=campaign,
            channel=first.channel,
            place=first.place,
            target_page=campaign,
            start_date=start,
            end_date=end,
        )
        made.append(_counted(material, sum(r.count for r in rows), first.period_start))
    return made


def generate_scans(materials, end):
    """A few scans per hundred copies or plays, over the days after each material went
    out (fixed seed: the same demo every time). Returns the days scanned."""
    rng = random.Random(119)
    rows, days = [], set()
    for material in materials:
        rate = {"screen": 0.08, "truck": 0.05, "stand": 0.04}.get(material.kind, 0.03)
        total = max(1, round((material.quantity or 0) * rate * rng.uniform(0.5, 1.5)))
        span = 10 if material.kind != Material.Kind.SCREEN else (end - material.start_date).days
        per_day = {}
        for _ in range(total):
            offset = min(int(rng.expovariate(1 / max(1, span / 4))), span)
            day = min(material.start_date + datetime.timedelta(days=offset), end)
            per_day[day] = per_day.get(day, 0) + 1
        for day, count in per_day.items():
            rows.append(ScanCount(material=material, day=day, count=count))
            days.add(day)
    ScanCount.objects.bulk_create(rows)
    return days


def load(campaign, start, end):
    if Material.objects.filter(campaign=campaign).exists():
        return 0
    materials = build(campaign, start, end)
    days = generate_scans(materials, end)
    services.write_scan_tallies(days)
    return len(materials)
