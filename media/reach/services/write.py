"""The one write path for reach figures.

Day entry, corrections, deletions, imports and the recompute of derived figures all
hand a batch of rows to ``write_tallies``, which applies every rule once:

- a count is a whole number from 0 to 10¹², the channel belongs to the metric, a
  campaign's figure falls inside the campaign's dates;
- no key twice in one batch, and no two periods of different length (day, week,
  month) over the same days of one metric × channel × place × campaign — inside the
  batch or against stored rows — so no day is ever counted twice;
- figures of derived metrics (attendance, contest entries) are written only by the
  recompute, and the recompute never overwrites a figure someone entered;
- a figure an approval in force covers never changes: a typed or imported change is
  refused; a recomputed one becomes a ``PendingCorrection`` that the next approval
  of the period applies (``approve_period``);
- every created, changed or deleted row gets a TallyRevision saying by whom, from
  which source and which file.

Writes take ``write_lock()``, which approval and revocation take too, so an approval
never races a figure being written. New rows go in through one bulk statement (COPY
on PostgreSQL), the fast storage step imports need.
"""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import (
    ApprovedPeriod,
    CampaignPage,
    Channel,
    Metric,
    PendingCorrection,
    Place,
    Tally,
    TallyRevision,
)
from ..models.tally import PeriodKind, normalise_period_start, period_end
from ..signals import figures_changed

MAX_COUNT = 10**12
# pg_advisory_xact_lock key: "reach" in ASCII, one lock for every write to figures.
WRITE_LOCK_KEY = 0x7265616368
Source = Tally.Source
QUALIFIERS = frozenset(Tally.Qualifier.values)


def derived_metric_codes():
    from .derived import DERIVED_METRICS

    return {spec[0] for fields in DERIVED_METRICS.values() for spec in fields.values()}


def write_lock():
    """Serialise writes to figures with approvals and revocations (inside atomic()).

    PostgreSQL: a transaction-scoped advisory lock. SQLite: the settings open every
    write transaction IMMEDIATE, so the atomic block already holds the database's
    write lock from BEGIN.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("write_lock() must be taken inside transaction.atomic()")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK_KEY])


@dataclass
class TallyRow:
    """One figure to write. ``count=None`` removes the figure. ``line`` is the row number
    in an imported file, for messages."""

    metric_id: int
    channel_id: int
    place_id: int
    day: datetime.date
    count: int | None
    period_kind: str = "day"
    campaign_id: int | None = None
    qualifier: str = Tally.Qualifier.EXACT
    note: str = ""
    line: int | None = None
    # Set by the write path.
    start: datetime.date | None = None
    end: datetime.date | None = None
    existing: Tally | None = None

    @property
    def key(self):
        return (
            self.metric_id,
            self.channel_id,
            self.place_id,
            self.campaign_id,
            self.period_kind,
            self.start,
        )


@dataclass
class WriteResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    pending: int = 0
    skipped: int = 0
    errors: list = field(default_factory=list)
    # metric id → {"new", "changed": [[description, old, new]], "unchanged", "deleted"}
    per_metric: dict = field(default_factory=dict)
    tally_ids: list = field(default_factory=list)

    def plan(self):
        """The per-metric summary as JSON-safe data (metric name, unit, counts)."""
        metrics = Metric.objects.in_bulk(self.per_metric)
        return {
            "metrics": [
                {
                    "metric": metrics[pk].name,
                    "unit": metrics[pk].get_unit_display(),
                    **summary,
                }
                for pk, summary in sorted(
                    self.per_metric.items(), key=lambda item: metrics[item[0]].sort_order
                )
            ]
        }


class WriteError(Exception):
    """The batch breaks a rule; nothing was written. ``errors``: {row, column, message}."""

    def __init__(self, errors):
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors
        self.messages = [e["message"] for e in errors]
        self.locked = any(e.get("locked") for e in errors)


def _error(row, column, message, *, locked=False):
    error = {"row": row.line or 0, "column": str(column), "message": str(message)}
    if locked:
        error["locked"] = True
    return error


@functools.cache
def _period_labels(language):
    with translation.override(language):
        return {kind: str(label) for kind, label in PeriodKind.choices}


def _describe(metric, channel, place, kind, start):
    """The row as the people who read the dry run and the audit trail name it: the
    period by its label (日, 周, 月), never its code. Labels are looked up once per
    language: this runs for every row of an import."""
    label = _period_labels(translation.get_language())[kind]
    return (f"{metric.name} / {channel.name} / {start:%Y-%m-%d} ({label}) / {place.name}")[:300]


def _locks(rows):
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


def _locked(locks, campaign_id, start, end):
    return any(s <= end and e >= start and (c is None or c == campaign_id) for s, e, c in locks)


def _stored(rows):
    """Stored tallies that the rows may replace or overlap, by metric × channel × place ×
    campaign."""
    found = defaultdict(list)
    if not rows:
        return found
    metric_ids = {r.metric_id for r in rows}
    first = min(r.start for r in rows)
    last = max(r.end for r in rows)
    wanted = {(r.metric_id, r.channel_id, r.place_id, r.campaign_id) for r in rows}
    for tally in Tally.objects.filter(
        metric_id__in=metric_ids, period_start__lte=last, period_end__gte=first
    ).iterator(chunk_size=5000):
        group = (tally.metric_id, tally.channel_id, tally.place_id, tally.campaign_id)
        if group in wanted:
            found[group].append(tally)
    return found


def _overlaps(group_rows, group_stored):
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


def _check(rows, source, *, metrics, channels, places, campaigns, derived_codes):
    """Errors of each row alone (types, units, dates); fills start and end."""
    errors = []
    for row in rows:
        metric, channel = metrics.get(row.metric_id), channels.get(row.channel_id)
        if metric is None or channel is None or row.place_id not in places:
            errors.append(_error(row, "metric", _("Unknown metric, channel or place.")))
            continue
        if channel.metric_id != metric.pk:
            errors.append(_error(row, "channel", _("This channel belongs to another metric.")))
            continue
        if row.count is not None:
            try:
                row.count = int(row.count)
            except (TypeError, ValueError):
                errors.append(_error(row, "count", _("A count is a whole number.")))
                continue
            if row.count < 0:
                errors.append(_error(row, "count", _("A count cannot be negative.")))
                continue
            if row.count > MAX_COUNT:
                errors.append(_error(row, "count", _("This count is implausibly large.")))
                continue
        if row.qualifier not in QUALIFIERS:
            errors.append(_error(row, "qualifier", _("Unknown qualifier.")))
            continue
        if (metric.code in derived_codes) != (source == Source.DERIVED):
            errors.append(
                _error(
                    row,
                    "metric",
                    _(
                        "This figure is computed from bookings or contest entries and "
                        "cannot be typed in or imported."
                    )
                    if metric.code in derived_codes
                    else _("Only figures of bookings and contest entries are computed."),
                )
            )
            continue
        row.start = normalise_period_start(row.period_kind, row.day)
        row.end = period_end(row.period_kind, row.start)
        campaign = campaigns.get(row.campaign_id) if row.campaign_id else None
        if row.campaign_id and campaign is None:
            errors.append(_error(row, "campaign", _("Unknown campaign.")))
            continue
        if campaign is not None and not (campaign.start_date <= row.day <= campaign.end_date):
            errors.append(
                _error(
                    row,
                    "date",
                    _("The date %(day)s is outside the campaign's dates.") % {"day": row.day},
                )
            )
    return errors


def write_tallies(
    rows,
    *,
    source,
    user=None,
    origin="",
    filename="",
    reason="",
    dry_run=False,
    apply_pending=False,
    job_id=None,
):
    """Apply every rule to a batch of TallyRows and write it: all rows or none.

    ``source``: entered, imported or derived. Entered and imported batches with any
    broken rule raise WriteError (``dry_run`` returns the errors instead) and write
    nothing. A derived batch (the recompute, ``origin`` naming its records) skips keys
    someone entered and turns changes inside approved periods into pending
    corrections; with ``apply_pending`` (an approval applying them) it writes them.
    Returns a WriteResult; with ``dry_run`` nothing is written.
    """
    rows = list(rows)
    result = WriteResult()
    metrics = Metric.objects.in_bulk({r.metric_id for r in rows})
    channels = Channel.objects.in_bulk({r.channel_id for r in rows})
    campaigns = CampaignPage.objects.in_bulk({r.campaign_id for r in rows if r.campaign_id})
    places = Place.objects.in_bulk({r.place_id for r in rows})
    derived_codes = derived_metric_codes()
    strict = source != Source.DERIVED

    with transaction.atomic():
        if not dry_run:
            write_lock()
        errors = _check(
            rows,
            source,
            metrics=metrics,
            channels=channels,
            places=places,
            campaigns=campaigns,
            derived_codes=derived_codes,
        )
        rows = [r for r in rows if r.start is not None]
        seen = {}
        unique = []
        for row in rows:
            if row.key in seen:
                errors.append(
                    _error(
                        row,
                        "",
                        _("Same metric, channel, period, place and campaign as row %(row)s.")
                        % {"row": seen[row.key].line or "?"},
                    )
                )
                continue
            seen[row.key] = row
            unique.append(row)
        rows = unique
        stored = _stored(rows)
        by_group = defaultdict(list)
        for row in rows:
            by_group[(row.metric_id, row.channel_id, row.place_id, row.campaign_id)].append(row)
        clashing = set()
        for group, group_rows in by_group.items():
            for row, start, end in _overlaps(group_rows, stored.get(group, ())):
                if id(row) in clashing:
                    continue
                clashing.add(id(row))
                if strict:
                    errors.append(
                        _error(
                            row,
                            "period",
                            _(
                                "These days are already counted in a figure of another "
                                "period length (%(start)s – %(end)s) for the same metric, "
                                "channel, place and campaign."
                            )
                            % {"start": start, "end": end},
                        )
                    )
            existing = {(t.period_kind, t.period_start): t for t in stored.get(group, ())}
            for row in group_rows:
                row.existing = existing.get((row.period_kind, row.start))
        if strict and errors:
            result.errors = errors
            if dry_run:
                return result
            raise WriteError(errors)

        locks = _locks(rows)
        now = timezone.now()
        new, changed, deleted, revisions, pending, settled = [], [], [], [], [], []
        for row in rows:
            tally = row.existing
            metric = metrics[row.metric_id]
            summary = result.per_metric.setdefault(
                metric.pk, {"new": 0, "changed": [], "unchanged": 0, "deleted": 0}
            )
            if id(row) in clashing:
                result.skipped += 1
                continue
            if tally is not None and (tally.source == Source.DERIVED) != (source == Source.DERIVED):
                if strict:
                    errors.append(
                        _error(
                            row,
                            "count",
                            _(
                                "This figure is computed from bookings or contest entries "
                                "and cannot be typed in or imported."
                            ),
                        )
                    )
                else:
                    result.skipped += 1
                continue
            same = tally is not None and (tally.count, tally.qualifier) == (
                row.count,
                row.qualifier,
            )
            if same or (tally is None and row.count is None):
                result.unchanged += 1
                summary["unchanged"] += 1
                settled.append(row)
                continue
            if _locked(locks, row.campaign_id, row.start, row.end) and not apply_pending:
                if strict:
                    errors.append(
                        _error(
                            row,
                            "date",
                            _(
                                "These figures were approved and can no longer be changed "
                                "(%(start)s – %(end)s)."
                            )
                            % {"start": row.start, "end": row.end},
                            locked=True,
                        )
                    )
                else:
                    pending.append(row)
                continue
            if tally is None:  # created rows are described when their revisions are written
                new.append(row)
                summary["new"] += 1
                settled.append(row)
                continue
            description = _describe(
                metric, channels[row.channel_id], places[row.place_id], row.period_kind, row.start
            )
            if row.count is None:
                deleted.append(tally)
                summary["deleted"] += 1
                revisions.append(_revision(tally, None, description, TallyRevision.Action.DELETE))
            else:
                summary["changed"].append([description, tally.count, row.count])
                revisions.append(_revision(tally, row, description, TallyRevision.Action.UPDATE))
                tally.count, tally.qualifier = row.count, row.qualifier
                tally.note = row.note or tally.note
                tally.source, tally.approved, tally.updated_at = source, False, now
                changed.append(tally)
            settled.append(row)
        if strict and errors:
            result.errors = errors
            if dry_run:
                return result
            raise WriteError(errors)
        result.created, result.updated, result.deleted = len(new), len(changed), len(deleted)
        result.pending = len(pending)
        if dry_run:
            transaction.set_rollback(True)
            return result

        stamp = connection.ops.adapt_datetimefield_value(now)
        user_id = user.pk if user is not None else None
        created = _insert_rows(new, source=source, origin=origin, user_id=user_id, stamp=stamp)
        for revision in revisions:
            revision.user_id, revision.reason = user_id, reason[:300]
            revision.source, revision.file = source, filename[:200]
        if changed:
            Tally.objects.bulk_update(
                changed,
                ["count", "qualifier", "note", "source", "approved", "updated_at"],
                batch_size=2000,
            )
        if deleted:
            Tally.objects.filter(pk__in=[t.pk for t in deleted]).delete()
        revision_values = [
            (
                r.tally_id,
                r.description,
                r.action,
                r.old_count,
                r.new_count,
                r.old_qualifier,
                r.new_qualifier,
                r.reason,
                r.source,
                r.file,
                r.user_id,
                stamp,
            )
            for r in revisions
        ]
        revision_values += [
            (
                pk,
                _describe(
                    metrics[row.metric_id],
                    channels[row.channel_id],
                    places[row.place_id],
                    row.period_kind,
                    row.start,
                ),
                TallyRevision.Action.CREATE,
                None,
                row.count,
                "",
                row.qualifier,
                reason[:300],
                source,
                filename[:200],
                user_id,
                stamp,
            )
            for pk, row in zip(created, new, strict=True)
        ]
        _bulk_insert(TallyRevision, REVISION_FIELDS, revision_values)
        _record_pending(pending, origin)
        _clear_pending(settled)
        if job_id is not None:
            from .imports import report_progress

            report_progress(job_id, len(rows))
        if new or changed or deleted:
            figures_changed()
        result.tally_ids = [*created, *(t.pk for t in changed)]
    return result


def _revision(tally, row, description, action):
    return TallyRevision(
        tally=tally if action != TallyRevision.Action.DELETE else None,
        description=description,
        action=action,
        old_count=tally.count,
        new_count=row.count if row is not None else None,
        old_qualifier=tally.qualifier,
        new_qualifier=row.qualifier if row is not None else "",
    )


TALLY_FIELDS = (
    "metric",
    "channel",
    "period_kind",
    "period_start",
    "period_end",
    "place",
    "campaign",
    "count",
    "qualifier",
    "source",
    "origin",
    "note",
    "approved",
    "created_by",
    "created_at",
    "updated_at",
)
REVISION_FIELDS = (
    "tally",
    "description",
    "action",
    "old_count",
    "new_count",
    "old_qualifier",
    "new_qualifier",
    "reason",
    "source",
    "file",
    "user",
    "at",
)


def _bulk_insert(model, field_names, values):
    """The storage step: plain multi-row INSERTs, COPY on PostgreSQL. Django's
    bulk_create spends most of an import compiling SQL value by value."""
    if not values:
        return
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(f) for f in field_names]
    columns = ", ".join(quote(f.column) for f in fields)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
            return
        # 50 rows keep the statement short enough for the driver to cache it.
        size = max(1, min(50, connection.ops.bulk_batch_size(fields, values)))
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        for offset in range(0, len(values), size):
            part = values[offset : offset + size]
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(part))}"  # noqa: S608
            cursor.execute(sql, [v for value in part for v in value])


def _insert_rows(rows, *, source, origin, user_id, stamp):
    """Insert new tallies; returns their primary keys in row order. Under the write
    lock nobody else inserts tallies, so the new rows are those above the highest id."""
    if not rows:
        return []
    before = Tally.objects.aggregate(last=Max("pk"))["last"] or 0
    values = [
        (
            r.metric_id,
            r.channel_id,
            r.period_kind,
            r.start,
            r.end,
            r.place_id,
            r.campaign_id,
            r.count,
            r.qualifier,
            source,
            origin,
            r.note[:300],
            False,
            user_id,
            stamp,
            stamp,
        )
        for r in rows
    ]
    _bulk_insert(Tally, TALLY_FIELDS, values)
    by_key = {
        key[:-1]: key[-1]
        for key in Tally.objects.filter(pk__gt=before)
        .values_list(
            "metric_id",
            "channel_id",
            "place_id",
            "campaign_id",
            "period_kind",
            "period_start",
            "pk",
        )
        .iterator(chunk_size=5000)
    }
    return [by_key[r.key] for r in rows]


def _pending_filter(rows):
    q = Q(pk__in=[])
    for row in rows:
        q |= Q(
            metric_id=row.metric_id,
            channel_id=row.channel_id,
            place_id=row.place_id,
            campaign_id=row.campaign_id,
            period_kind=row.period_kind,
            period_start=row.start,
        )
    return q


def _record_pending(rows, origin):
    """Keep (or replace) the newest value of each figure waiting for re-approval."""
    if not rows:
        return
    PendingCorrection.objects.filter(_pending_filter(rows)).delete()
    PendingCorrection.objects.bulk_create(
        [
            PendingCorrection(
                tally=row.existing,
                metric_id=row.metric_id,
                channel_id=row.channel_id,
                place_id=row.place_id,
                campaign_id=row.campaign_id,
                period_kind=row.period_kind,
                period_start=row.start,
                period_end=row.end,
                count=row.count,
                qualifier=row.qualifier,
                origin=origin,
            )
            for row in rows
        ]
    )


def _clear_pending(rows):
    """A figure written, or back at its stored value, waits for nothing any more."""
    if not rows:
        return
    waiting = list(
        PendingCorrection.objects.filter(metric_id__in={row.metric_id for row in rows}).values_list(
            "pk",
            "metric_id",
            "channel_id",
            "place_id",
            "campaign_id",
            "period_kind",
            "period_start",
        )
    )
    if not waiting:
        return  # the common case: an import's keys are built only when something waits
    keys = {row.key for row in rows}
    stale = [pk for pk, *key in waiting if tuple(key) in keys]
    if stale:
        PendingCorrection.objects.filter(pk__in=stale).delete()


def pending_rows(queryset):
    """TallyRows that apply the pending corrections in ``queryset``, by origin."""
    by_origin = defaultdict(list)
    for item in queryset:
        by_origin[item.origin].append(
            TallyRow(
                metric_id=item.metric_id,
                channel_id=item.channel_id,
                place_id=item.place_id,
                campaign_id=item.campaign_id,
                period_kind=item.period_kind,
                day=item.period_start,
                count=item.count,
                qualifier=item.qualifier,
            )
        )
    return by_origin
