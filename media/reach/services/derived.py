"""Derived tallies: attendance from bookings and entries from the contest, computed from
their records (never typed in), idempotently."""

import logging
from collections import defaultdict

from django.db import transaction

from ..models import Channel, Metric, Place, Tally, TallyRevision
from .tallies import CITY, _revise, city, locking_period

logger = logging.getLogger(__name__)

DERIVED_METRICS = {
    # source: {row field: (metric code, name, unit, counts people)}
    "attendance": {
        "persons": ("attendance", "活动参与人数", Metric.Unit.PERSONS, True),
        "sessions": ("attendance-sessions", "预约活动场次", Metric.Unit.SESSIONS, False),
    },
    "contest": {
        "entries": ("contest-entries", "绘画作文征集作品", Metric.Unit.ENTRIES, False),
    },
}


def _derived_metric(code, name, unit, counts_people):
    metric, _created = Metric.objects.get_or_create(
        code=code,
        defaults={"name": name, "unit": unit, "counts_people": counts_people, "sort_order": 90},
    )
    return metric


def _channel(metric, code, name):
    channel, _created = Channel.objects.get_or_create(
        metric=metric, code=code[:40], defaults={"name": name[:80]}
    )
    return channel


def _place_named(name, cache):
    if name not in cache:
        place = Place.objects.filter(name=name).order_by("kind").first()
        if place is None:
            place = Place.objects.create(name=name[:80], kind=Place.Kind.VENUE, parent=city())
        cache[name] = place
    return cache[name]


def _campaign_on(day, campaigns):
    for campaign in campaigns:
        if campaign.start_date <= day <= campaign.end_date:
            return campaign
    return None


def _derived_keys(source, rows):
    """{(metric, channel, place, campaign, day): count} from rows in the contract format."""
    from wagtail.models import Locale

    from ..models import CampaignPage

    campaigns = list(
        CampaignPage.objects.filter(locale=Locale.get_default()).order_by("start_date")
    )
    places = {}
    counts = defaultdict(int)
    for field, spec in DERIVED_METRICS[source].items():
        metric = _derived_metric(*spec)
        for row in rows:
            value = int(row.get(field) or 0)
            if value <= 0:
                continue
            if source == "attendance":
                channel = _channel(metric, str(row["kind"]), str(row["kind"]))
                place = _place_named(str(row["place"]) or CITY, places)
            else:
                channel = _channel(metric, str(row["category"]), str(row["category"]))
                place = city()
            day = row["day"]
            counts[(metric, channel, place, _campaign_on(day, campaigns), day)] += value
    return counts


@transaction.atomic
def derive_tallies(source, rows):
    """Make the derived tallies of ``source`` match ``rows`` (idempotent).

    Creates, updates and deletes only derived day tallies of that source; a key already
    held by an entered or imported tally, or inside an approved period, is skipped.
    Returns counts of what happened.
    """
    if source not in DERIVED_METRICS:
        raise ValueError(f"unknown source {source!r}")
    wanted = _derived_keys(source, rows)
    result = {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0, "skipped": 0}
    existing = {
        (t.metric_id, t.channel_id, t.place_id, t.campaign_id, t.period_start): t
        for t in Tally.objects.select_for_update().filter(
            source=Tally.Source.DERIVED, origin=source, period_kind="day"
        )
    }
    for (metric, channel, place, campaign, day), count in wanted.items():
        key = (metric.pk, channel.pk, place.pk, campaign.pk if campaign else None, day)
        tally = existing.pop(key, None)
        if tally is not None and tally.count == count:
            result["unchanged"] += 1
            continue
        if locking_period(key[3], day, day) is not None:
            result["skipped"] += 1
            continue
        if tally is not None:
            old = (tally.count, tally.qualifier)
            tally.count, tally.approved = count, False
            tally.save(update_fields=["count", "approved", "updated_at"])
            _revise(tally, TallyRevision.Action.UPDATE, old=old, reason=source)
            result["updated"] += 1
            continue
        clash = Tally.objects.filter(
            metric=metric,
            channel=channel,
            place=place,
            campaign=campaign,
            period_start__lte=day,
            period_end__gte=day,
        ).exists()
        if clash:
            result["skipped"] += 1
            continue
        tally = Tally.objects.create(
            metric=metric,
            channel=channel,
            place=place,
            campaign=campaign,
            period_start=day,
            count=count,
            source=Tally.Source.DERIVED,
            origin=source,
        )
        result["created"] += 1
    for tally in existing.values():
        if locking_period(tally.campaign_id, tally.period_start, tally.period_end) is not None:
            result["skipped"] += 1
            continue
        _revise(
            tally, TallyRevision.Action.DELETE, old=(tally.count, tally.qualifier), reason=source
        )
        tally.delete()
        result["deleted"] += 1
    return result


def derive_attendance_tallies():
    """People who attended booked sessions, as derived tallies."""
    from events.selectors import attendance_for_reach

    return derive_tallies("attendance", attendance_for_reach())


def derive_contest_tallies():
    """Contest entries received, as derived tallies."""
    from media.contest.selectors import entries_for_reach

    return derive_tallies("contest", entries_for_reach())


def derive_all():
    """Run every derivation whose source app is installed; skip (and log) the others."""
    results = {}
    for name, derive in (
        ("attendance", derive_attendance_tallies),
        ("contest", derive_contest_tallies),
    ):
        try:
            results[name] = derive()
        except ImportError as error:
            # Only a source app that is not installed yet is skipped; any other import
            # error is a bug and surfaces.
            if not (error.name or "").startswith(("events", "media.contest")):
                raise
            logger.info("reach: %s source not available yet (%s); skipped", name, error)
            results[name] = None
    return results
