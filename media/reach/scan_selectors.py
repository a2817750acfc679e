"""Reads for the scans report: scans beside the copies or plays distributed, per
material, channel, place and campaign; scan rates; the ranking; a day-by-day series.

Scans come from ``ScanCount`` (what the fold has counted, per material and day); the
distributed figure of a group is the sum of its materials' quantities. Both are summed
in separate queries, so a material with many scan days never multiplies its quantity.
"""

from collections import defaultdict

from django.db.models import Sum
from django.utils.translation import gettext as _

from .models import Material, ScanCount

GROUPS = {
    "channel": ("channel", lambda m: str(m.channel)),
    "place": ("place", lambda m: m.place.name),
    "campaign": ("campaign", lambda m: m.campaign.title if m.campaign_id else _("no campaign")),
    "kind": ("kind", lambda m: m.get_kind_display()),
}


def scan_rate(scans, distributed):
    """Scans per copy or play, as a percentage with one decimal; None without copies."""
    if not distributed:
        return None
    return round(100 * scans / distributed, 1)


def materials(campaign=None):
    qs = Material.objects.select_related("channel__metric", "place", "campaign")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs


def scan_totals(material_qs, start=None, end=None):
    """{material id: scans} between start and end (inclusive; open when None)."""
    scans = ScanCount.objects.filter(material__in=material_qs)
    if start is not None:
        scans = scans.filter(day__gte=start)
    if end is not None:
        scans = scans.filter(day__lte=end)
    return dict(
        scans.order_by()
        .values_list("material")
        .annotate(total=Sum("count"))
        .values_list("material", "total")
    )


def ranking(material_qs, start=None, end=None):
    """Every material with its scans, quantity and rate, most scanned first."""
    totals = scan_totals(material_qs, start, end)
    rows = [
        {
            "material": m,
            "scans": totals.get(m.pk, 0),
            "distributed": m.quantity or 0,
            "rate": scan_rate(totals.get(m.pk, 0), m.quantity),
        }
        for m in material_qs
    ]
    rows.sort(key=lambda row: (-row["scans"], -(row["rate"] or 0), row["material"].label))
    return rows


def grouped(rows, by):
    """The ranking's rows summed per channel, place, campaign or kind, most scans first."""
    _field, label_of = GROUPS[by]
    groups = defaultdict(lambda: {"scans": 0, "distributed": 0, "materials": 0})
    for row in rows:
        group = groups[label_of(row["material"])]
        group["scans"] += row["scans"]
        group["distributed"] += row["distributed"]
        group["materials"] += 1
    result = [
        {"label": label, **group, "rate": scan_rate(group["scans"], group["distributed"])}
        for label, group in groups.items()
    ]
    result.sort(key=lambda row: (-row["scans"], row["label"]))
    return result


def daily(material_qs, start=None, end=None):
    """[(day, scans)] over the materials, oldest first."""
    scans = ScanCount.objects.filter(material__in=material_qs)
    if start is not None:
        scans = scans.filter(day__gte=start)
    if end is not None:
        scans = scans.filter(day__lte=end)
    return list(scans.order_by("day").values_list("day").annotate(total=Sum("count")))
