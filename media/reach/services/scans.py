"""Folding scans into the figures: the cache's counters become ``ScanCount`` rows and
the derived ``scans`` tallies, every minute (the "reach: fold scans" schedule).

Why a re-run or a crash never counts a scan twice: the fold never changes the cache.
It reads each counter (today's and yesterday's) and adds to the material's day only
what the counter gained since the value it stored at the last fold (``seen``), then
writes the day's tallies as absolute sums of the stored rows. Everything happens in
one transaction under the write lock: a crash leaves the last fold's values, and the
next fold finds the same gains again. A fold run twice adds nothing the second time.

Why a cache restart loses at most the scans of one fold interval: the cache carries an
epoch token (``scans:epoch``) that the fold creates when it is missing. A counter
found under a different epoch than its row remembers was started afresh by a new
cache, so all of its value is new. What the lost cache held beyond the last fold —
the scans of the last minute at most (plus a minute's delay of a late worker) — is
gone; and 30-minute duplicates may count once more after a restart, since their
marks were lost too.
"""

import datetime
import logging
import uuid
from collections import defaultdict

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from core import ratelimit

from ..models import Material, ScanCount, Tally
from ..scans import EPOCH_KEY, counter_key
from .derived import DERIVED_METRICS, derived_metric, labelled_channel
from .write import TallyRow, write_lock, write_tallies

logger = logging.getLogger(__name__)
ORIGIN = "scans"


def scans_metric():
    return derived_metric(DERIVED_METRICS[ORIGIN]["scans"])


def scans_channel(metric, kind):
    """The scans of one kind of material (传单, 海报, 屏幕时段 …), named by that kind."""
    return labelled_channel(metric, kind, Material.Kind(kind).label)


def _campaign_on(material, day):
    campaign = material.campaign
    if campaign is not None and campaign.runs_on(day):
        return campaign.pk
    return None


def fold_scans(now=None):
    """Fold the cache's scan counters into the database; returns what changed."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = [today - datetime.timedelta(days=1), today]
    epoch = ratelimit.shared_value(EPOCH_KEY, lambda: uuid.uuid4().hex, None)
    if epoch is None:
        logger.warning("Scans not folded: the cache is unavailable")
        return {"materials": 0, "scans": 0, "tallies": 0}
    ids = list(Material.objects.filter(retired=False).values_list("pk", flat=True))
    keys = {counter_key(pk, day): (pk, day) for pk in ids for day in days}
    found = {}
    for start in range(0, len(keys), 1000):
        found.update(ratelimit.counters(list(keys)[start : start + 1000]))
    if not found:
        return {"materials": 0, "scans": 0, "tallies": 0}
    return _fold(found, keys, epoch)


@transaction.atomic
def _fold(found, keys, epoch):
    write_lock()
    rows = {
        (row.material_id, row.day): row
        for row in ScanCount.objects.select_for_update().filter(
            material_id__in={keys[key][0] for key in found},
            day__in={keys[key][1] for key in found},
        )
    }
    gained, touched = 0, set()
    for key, value in found.items():
        material_id, day = keys[key]
        value = int(value)
        row = rows.get((material_id, day)) or ScanCount(material_id=material_id, day=day)
        same_cache = row.epoch == epoch
        gain = value - row.seen if same_cache else value
        if gain <= 0 and same_cache:
            # Nothing new, or a fold that read the counter earlier than the last one
            # committed: never move ``seen`` backwards.
            continue
        row.count += gain
        row.seen, row.epoch = value, epoch
        row.save()
        gained += gain
        if gain:
            touched.add(day)
    written = write_scan_tallies(touched) if touched else 0
    return {"materials": len(found), "scans": gained, "tallies": written}


def write_scan_tallies(days):
    """The scans tallies of ``days``, as sums of the stored rows (absolute: idempotent)."""
    metric = scans_metric()
    sums = defaultdict(int)
    materials = {}
    for material_id, day, total in (
        ScanCount.objects.filter(day__in=days)
        .values_list("material_id", "day")
        .annotate(total=Sum("count"))
    ):
        materials[material_id] = None
        sums[(material_id, day)] = total
    by_pk = Material.objects.select_related("campaign").in_bulk(list(materials))
    channels = {kind: scans_channel(metric, kind) for kind in {m.kind for m in by_pk.values()}}
    figures = defaultdict(int)
    for (material_id, day), total in sums.items():
        material = by_pk[material_id]
        key = (channels[material.kind].pk, material.place_id, _campaign_on(material, day), day)
        figures[key] += total
    rows = [
        TallyRow(
            metric_id=metric.pk,
            channel_id=channel_id,
            place_id=place_id,
            campaign_id=campaign_id,
            day=day,
            count=count,
        )
        for (channel_id, place_id, campaign_id, day), count in figures.items()
    ]
    result = write_tallies(rows, source=Tally.Source.DERIVED, origin=ORIGIN, reason=ORIGIN)
    return result.created + result.updated
