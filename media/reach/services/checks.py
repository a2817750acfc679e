"""The write path's checks: each row alone, repeated keys, overlapping periods, approvals.

Nothing here writes; ``write.write_tallies`` runs these in order under the write lock.
"""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from ..models import ApprovedPeriod, CampaignPage, Channel, Metric, Place, Tally
from ..models.tally import PeriodKind, normalise_period_start, period_end
from .rows import row_error

MAX_COUNT = 10**12
QUALIFIERS = frozenset(Tally.Qualifier.values)
LONGEST_PERIOD = datetime.timedelta(days=30)  # a month's first day to its last


def derived_metric_codes():
    from .derived import DERIVED_METRICS

    return {spec[0] for fields in DERIVED_METRICS.values() for spec in fields.values()}


def derived_refusal():
    return _(
        "This figure is computed from bookings or contest entries and cannot be typed in "
        "or imported."
    )


@dataclass
class Catalogue:
    """The metrics, channels, places and campaigns a batch names, read once."""

    metrics: dict
    channels: dict
    places: dict
    campaigns: dict
    derived_codes: set

    @classmethod
    def of(cls, rows):
        return cls(
            metrics=Metric.objects.in_bulk({r.metric_id for r in rows}),
            channels=Channel.objects.in_bulk({r.channel_id for r in rows}),
            places=Place.objects.in_bulk({r.place_id for r in rows}),
            campaigns=CampaignPage.objects.in_bulk({r.campaign_id for r in rows if r.campaign_id}),
            derived_codes=derived_metric_codes(),
        )

    def describe(self, row):
        """The row as the people who read the dry run and the audit trail name it: the
        period by its label (日, 周, 月), never its code. Labels are looked up once per
        language: this runs for every row of an import."""
        label = _period_labels(translation.get_language())[row.period_kind]
        metric, channel = self.metrics[row.metric_id], self.channels[row.channel_id]
        place = self.places[row.place_id]
        return f"{metric.name} / {channel.name} / {row.start:%Y-%m-%d} ({label}) / {place.name}"[
            :300
        ]


@functools.cache
def _period_labels(language):
    with translation.override(language):
        return {kind: str(label) for kind, label in PeriodKind.choices}


def row_errors(rows, source, catalogue):
    """Errors of each row alone (types, units, dates); fills each row's start and end
    once its metric and count are sound."""
    errors = []
    for row in rows:
        message = _row_problem(row, source, catalogue)
        if message is not None:
            errors.append(row_error(row, *message))
    return errors


def _row_problem(row, source, catalogue):
    """(column, message) of the first rule the row breaks, or None."""
    metric = catalogue.metrics.get(row.metric_id)
    channel = catalogue.channels.get(row.channel_id)
    if metric is None or channel is None or row.place_id not in catalogue.places:
        return "metric", _("Unknown metric, channel or place.")
    if channel.metric_id != metric.pk:
        return "channel", _("This channel belongs to another metric.")
    if row.count is not None:
        try:
            row.count = int(row.count)
        except (TypeError, ValueError):
            return "count", _("A count is a whole number.")
        if row.count < 0:
            return "count", _("A count cannot be negative.")
        if row.count > MAX_COUNT:
            return "count", _("This count is implausibly large.")
    if row.qualifier not in QUALIFIERS:
        return "qualifier", _("Unknown qualifier.")
    derived = metric.code in catalogue.derived_codes
    if derived != (source == Tally.Source.DERIVED):
        if derived:
            return "metric", derived_refusal()
        return "metric", _("Only figures of bookings and contest entries are computed.")
    # From here on the row has its period, even when its campaign is wrong: a recompute
    # (which ignores these errors) still writes it.
    row.start = normalise_period_start(row.period_kind, row.day)
    row.end = period_end(row.period_kind, row.start)
    campaign = catalogue.campaigns.get(row.campaign_id) if row.campaign_id else None
    if row.campaign_id and campaign is None:
        return "campaign", _("Unknown campaign.")
    if campaign is not None and not campaign.runs_on(row.day):
        return "date", _("The date %(day)s is outside the campaign's dates.") % {"day": row.day}
    return None


def unique_rows(rows, errors, seen=None):
    """The rows without a repeated key; each repeat adds an error naming the first.

    ``seen`` (compact key → row number) carries the keys of earlier chunks of the same
    batch: one small integer per row, not the row, so a large import stays small."""
    seen = {} if seen is None else seen
    unique = []
    for row in rows:
        key = _compact_key(row.key)
        if key in seen:
            message = _("Same metric, channel, period, place and campaign as row %(row)s.") % {
                "row": seen[key] or "?"
            }
            errors.append(row_error(row, "", message))
            continue
        seen[key] = row.line
        unique.append(row)
    return unique


_KINDS = {kind: index for index, kind in enumerate(PeriodKind.values)}


def _compact_key(key):
    """A row's key as one integer, exactly (no two keys share one)."""
    metric, channel, place, campaign, kind, start = key
    number = 0
    for part, bits in (
        (metric, 64),
        (channel, 64),
        (place, 64),
        ((campaign or 0), 64),
        (_KINDS[kind], 4),
        (start.toordinal(), 24),
    ):
        number = (number << bits) | part
    return number


def stored_groups(rows):
    """Stored tallies that the rows may replace or overlap, by metric × channel × place ×
    campaign."""
    found = defaultdict(list)
    if not rows:
        return found
    first = min(r.start for r in rows)
    last = max(r.end for r in rows)
    wanted = {r.group for r in rows}
    for tally in Tally.objects.filter(
        metric_id__in={r.metric_id for r in rows},
        place_id__in={r.place_id for r in rows},
        # Implied by the end's bound (no period is longer than a month); it keeps the
        # index scan on (metric, first day) to the batch's days, not the metric's past.
        period_start__range=(first - LONGEST_PERIOD, last),
        period_end__gte=first,
    ).iterator(chunk_size=5000):
        group = (tally.metric_id, tally.channel_id, tally.place_id, tally.campaign_id)
        if group in wanted:
            found[group].append(tally)
    return found


def match_stored(rows, errors):
    """Give each row the stored tally it replaces (``row.existing``); returns the ids of
    rows whose days another period length already covers, in the batch or stored, with
    an error for each added to ``errors`` (None: the caller skips them silently)."""
    stored = stored_groups(rows)
    by_group = defaultdict(list)
    for row in rows:
        by_group[row.group].append(row)
    clashing = set()
    for group, group_rows in by_group.items():
        for row, start, end in overlaps(group_rows, stored.get(group, ())):
            if id(row) in clashing:
                continue
            clashing.add(id(row))
            if errors is not None:
                message = _(
                    "These days are already counted in a figure of another period length "
                    "(%(start)s – %(end)s) for the same metric, channel, place and campaign."
                ) % {"start": start, "end": end}
                errors.append(row_error(row, "period", message))
        existing = {(t.period_kind, t.period_start): t for t in stored.get(group, ())}
        for row in group_rows:
            row.existing = existing.get((row.period_kind, row.start))
    return clashing


def overlaps(group_rows, group_stored):
    """Rows of this group that overlap a row of another period length, in the batch or
    stored: [(row, other start, other end)].

    Periods of one length never overlap each other (they start on normalised days), so
    sorted by start, a period overlaps an earlier one exactly when it starts before the
    latest end seen so far; rows and stored tallies keep separate latest ends so a
    conflict is always attributed to a row.
    """
    replaced = {(r.period_kind, r.start) for r in group_rows}
    items = [(r.start, r.end, 0, r) for r in group_rows]
    items += [
        (t.period_start, t.period_end, 1, t)
        for t in group_stored
        if (t.period_kind, t.period_start) not in replaced
    ]
    items.sort(key=lambda item: (item[0], -item[1].toordinal()))
    clashes = []
    latest = [None, None]  # [row, stored]: (end, start) of the latest-ending so far
    for start, end, is_stored, item in items:
        for kind in (0, 1):
            seen = latest[kind]
            if seen is None or seen[0] < start:
                continue
            if not is_stored:
                clashes.append((item, seen[1], seen[0]))
            elif kind == 0:
                clashes.append((seen[2], start, end))
        if latest[is_stored] is None or latest[is_stored][0] < end:
            latest[is_stored] = (end, start, item)
    return clashes


def approvals_over(rows):
    """Approvals in force over the batch's days: [(start, end, campaign id or None)]."""
    if not rows:
        return []
    first = min(r.start for r in rows)
    last = max(r.end for r in rows)
    return list(
        ApprovedPeriod.objects.in_force()
        .filter(start__lte=last, end__gte=first)
        .values_list("start", "end", "campaign_id")
    )


def is_locked(approvals, row):
    return any(
        s <= row.end and e >= row.start and (c is None or c == row.campaign_id)
        for s, e, c in approvals
    )
