"""Reach's demo content (reach.toml beside this module): places, metrics, the 100-day
campaign of 2020 with its report's figures, materials and scans, and a campaign running
now. Every figure goes through the write path. Idempotent: a campaign page that exists
is left as it is."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core import demo

from .. import services
from ..models import CampaignTarget, Channel, Material, Metric, Place, ScanCount, Tally
from ..permissions import ensure_clerks_group
from ..services.write import TallyRow, write_tallies

DATA = demo.read(__file__, "reach")
TOWNS = DATA["towns"]


def ensure_places():
    city = services.city()
    towns = {
        name: Place.objects.get_or_create(
            name=name, parent=city, defaults={"kind": Place.Kind.TOWN}
        )[0]
        for name in TOWNS
    }
    for name, town in DATA["venues"].items():
        Place.objects.get_or_create(
            name=name, parent=towns[town], defaults={"kind": Place.Kind.VENUE}
        )
    return city, towns


def ensure_metrics():
    metrics, channels = {}, {}
    for order, data in enumerate(DATA["metrics"]):
        fields = {k: v for k, v in data.items() if k not in ("code", "channels")}
        metric, _ = Metric.objects.get_or_create(
            code=data["code"], defaults={**fields, "sort_order": order}
        )
        metrics[data["code"]] = metric
        for position, (code, name, name_en) in enumerate(data["channels"]):
            channels[(data["code"], code)], _ = Channel.objects.get_or_create(
                metric=metric,
                code=code,
                defaults={"name": name, "name_en": name_en, "sort_order": position},
            )
    return metrics, channels


def _days(count, first, last):
    """``count`` distinct days spread evenly from first to last."""
    span = (last - first).days
    return [first + timedelta(days=round(i * span / max(count - 1, 1))) for i in range(count)]


def _rows(campaign, data):
    """The campaign's figures as TallyRows: totals spread over days, or entered daily."""
    city, towns = ensure_places()
    towns = list(towns.values())
    metrics, channels = ensure_metrics()

    def row(figure, day, place, count):
        code, channel, _count, *qualifier = figure
        return TallyRow(
            metric_id=metrics[code].pk,
            channel_id=channels[(code, channel)].pk,
            place_id=place.pk,
            campaign_id=campaign.pk,
            day=day,
            count=count,
            qualifier=qualifier[0] if qualifier else Tally.Qualifier.EXACT,
            note=data["note"],
        )

    def place(spec, n):
        every, venue = spec.get("venue_every", (0, None))
        name = venue if every and n % every == 0 else spec.get("at")
        if name is None:  # the towns in turn
            return towns[(n * spec.get("step", 1) + spec.get("offset", 0)) % len(towns)]
        return city if name == "city" else Place.objects.get(name=name)

    for spec in data.get("spread", []):
        total, count = spec["figure"][2], spec["days"]
        first = spec.get("first", campaign.start_date)
        for n, day in enumerate(_days(count, first, spec.get("last", campaign.end_date))):
            if spec.get("running"):
                share = round(total * (n + 1) / count)
            else:
                share = total // count + (n < total % count)
            yield row(spec["figure"], day, place(spec, n), share)
    today = timezone.localdate()
    for n in range((today - campaign.start_date).days if "daily" in data else 0):
        day = campaign.start_date + timedelta(days=n)
        for spec in data["daily"]:
            if (
                day.isoweekday() in spec.get("weekdays", range(1, 8))
                and n % spec.get("every", 1) == 0
            ):
                base, step, spread = spec["figure"][2]
                yield row(
                    spec["figure"], day, place({"step": 5, **spec}, n), base + n * step % spread
                )


def _materials(campaign, specs):
    """The materials made from the campaign's tallies, counted already; their scans."""
    rng, days = random.Random(119), set()
    for spec in specs:
        metric, channel = spec["tallies"]
        tallies = (
            Tally.objects.filter(campaign=campaign, metric__code=metric, channel__code=channel)
            .select_related("channel", "place")
            .order_by("period_start")
        )
        batches = (
            [list(tallies)] if spec["kind"] == Material.Kind.SCREEN else [[t] for t in tallies]
        )
        for n, rows in enumerate(batches, start=1):
            first, whole = rows[0], len(batches) == 1
            material = Material(
                kind=spec["kind"],
                label=spec["label"].format(n=n, place=first.place.name)[:60],
                campaign=campaign,
                channel=first.channel,
                place=first.place,
                target_page=("page" in spec and demo.at(spec["page"])) or campaign,
                start_date=campaign.start_date if whole else first.period_start,
                end_date=campaign.end_date if whole else None,
                counted_day=first.period_start,
            )
            material.quantity = material.quantity_counted = sum(r.count for r in rows)
            material.code = services.new_code()
            while Material.objects.filter(code=material.code).exists():
                material.code = services.new_code()
            material.save()
            total = max(1, round(material.quantity * spec["scans"] * rng.uniform(0.5, 1.5)))
            span = (campaign.end_date - material.start_date).days if whole else 10
            per_day = {}
            for _ in range(total):
                offset = min(int(rng.expovariate(1 / max(1, span / 4))), span)
                day = min(material.start_date + timedelta(days=offset), campaign.end_date)
                per_day[day] = per_day.get(day, 0) + 1
            ScanCount.objects.bulk_create(
                ScanCount(material=material, day=day, count=count) for day, count in per_day.items()
            )
            days |= set(per_day)
    services.write_scan_tallies(days)


def load(stdout=None, only=None):
    """Places, metrics and the campaigns (those at the paths ``only`` names, or all);
    returns the campaign pages made now."""
    ensure_clerks_group()
    ensure_places()
    metrics, _channels = ensure_metrics()
    if demo.home() is None:
        return []
    campaigns = [data for data in DATA["campaigns"] if only is None or data["path"] in only]
    left_out = {data["path"] for data in DATA["campaigns"]} - {data["path"] for data in campaigns}
    pages = [page for page in DATA["pages"] if page["path"] not in left_out]
    made = []
    with transaction.atomic():
        new = {page["path"] for page in pages if demo.at(page["path"]) is None}
        demo.load_pages("reach", pages)
        for data in campaigns:
            if data["path"] not in new:
                continue
            campaign = demo.at(data["path"])
            for code, target in data["targets"].items():
                CampaignTarget.objects.create(page=campaign, metric=metrics[code], target=target)
            write_tallies(_rows(campaign, data), source=Tally.Source.ENTERED)
            if "materials" in data:
                _materials(campaign, data["materials"])
            today = timezone.localdate()
            end = min(campaign.end_date, today - timedelta(days=today.weekday() + 1))
            if end >= campaign.start_date:  # a running campaign: approved to last Sunday
                services.approve_period(
                    start=campaign.start_date, end=end, campaign=campaign, note=data["approval"]
                )
            made.append(campaign)
    if stdout:
        stdout.write(f"reach: {len(made)} campaigns with their figures ready")
    return made
