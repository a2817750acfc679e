"""Every write to reach figures: entering, correcting, approving, deriving, importing.

Tallies inside an approved period are locked: these functions refuse to create,
change or delete them. Every change of a count is kept as a TallyRevision.
"""

import logging
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import ApprovedPeriod, Channel, Metric, Place, Tally, TallyRevision
from .models.tally import normalise_period_start, period_end

logger = logging.getLogger(__name__)

CITY = "江阴市"


class LockedPeriodError(ValidationError):
    pass


def locking_period(campaign_id, start, end):
    """The approved period that locks tallies of this campaign between start and end."""
    return (
        ApprovedPeriod.objects.filter(start__lte=end, end__gte=start)
        .filter(Q(campaign__isnull=True) | Q(campaign_id=campaign_id))
        .first()
    )


def _check_unlocked(campaign_id, start, end):
    period = locking_period(campaign_id, start, end)
    if period is not None:
        raise LockedPeriodError(
            _("These figures were approved (%(period)s) and can no longer be changed.")
            % {"period": f"{period.start:%Y-%m-%d} – {period.end:%Y-%m-%d}"}
        )


def overlapping_other_kind(*, metric, channel, place, campaign, kind, start, end):
    """Tallies of another period kind over the same days: adding both would double count."""
    return Tally.objects.filter(
        metric=metric,
        channel=channel,
        place=place,
        campaign=campaign,
        period_start__lte=end,
        period_end__gte=start,
    ).exclude(period_kind=kind)


def _describe(tally):
    return (
        f"{tally.metric.name} / {tally.channel.name} / {tally.period_start:%Y-%m-%d} "
        f"({tally.get_period_kind_display()}) / {tally.place.name}"
    )[:300]


def _revise(tally, action, *, old=None, user=None, reason=""):
    return TallyRevision.objects.create(
        tally=tally if action != TallyRevision.Action.DELETE else None,
        description=_describe(tally),
        action=action,
        old_count=old[0] if old else None,
        new_count=tally.count if action != TallyRevision.Action.DELETE else None,
        old_qualifier=old[1] if old else "",
        new_qualifier=tally.qualifier if action != TallyRevision.Action.DELETE else "",
        reason=reason[:300],
        user=user,
    )


@transaction.atomic
def record_tally(
    *,
    metric,
    channel,
    place,
    day,
    count,
    period_kind="day",
    campaign=None,
    qualifier=Tally.Qualifier.EXACT,
    note="",
    user=None,
    source=Tally.Source.ENTERED,
    reason="",
):
    """Create the tally for this key, or correct it if it exists; returns (tally, created)."""
    if count is None or int(count) < 0:
        raise ValidationError({"count": _("A count cannot be negative.")})
    if channel.metric_id != metric.pk:
        raise ValidationError({"channel": _("This channel belongs to another metric.")})
    start = normalise_period_start(period_kind, day)
    end = period_end(period_kind, start)
    campaign_id = campaign.pk if campaign else None
    _check_unlocked(campaign_id, start, end)
    if overlapping_other_kind(
        metric=metric,
        channel=channel,
        place=place,
        campaign=campaign,
        kind=period_kind,
        start=start,
        end=end,
    ).exists():
        raise ValidationError(
            _(
                "These days are already counted in a tally of another period length "
                "(day/week/month) for the same metric, channel and place."
            )
        )
    tally = (
        Tally.objects.select_for_update()
        .filter(
            metric=metric,
            channel=channel,
            place=place,
            campaign=campaign,
            period_kind=period_kind,
            period_start=start,
        )
        .first()
    )
    if tally is None:
        tally = Tally.objects.create(
            metric=metric,
            channel=channel,
            place=place,
            campaign=campaign,
            period_kind=period_kind,
            period_start=start,
            count=int(count),
            qualifier=qualifier,
            note=note,
            source=source,
            created_by=user,
        )
        _revise(tally, TallyRevision.Action.CREATE, user=user, reason=reason)
        return tally, True
    if tally.source == Tally.Source.DERIVED and source != Tally.Source.DERIVED:
        raise ValidationError(
            _("This figure is computed from bookings or contest entries and cannot be typed in.")
        )
    old = (tally.count, tally.qualifier)
    tally.count, tally.qualifier, tally.note = int(count), qualifier, note or tally.note
    tally.save()
    if old != (tally.count, tally.qualifier):
        _revise(tally, TallyRevision.Action.UPDATE, old=old, user=user, reason=reason)
    return tally, False


@transaction.atomic
def change_tally(tally, *, count, qualifier=None, note=None, user=None, reason=""):
    """Correct a tally's count (kept in the audit trail)."""
    tally = Tally.objects.select_for_update().get(pk=tally.pk)
    _check_unlocked(tally.campaign_id, tally.period_start, tally.period_end)
    if count is None or int(count) < 0:
        raise ValidationError({"count": _("A count cannot be negative.")})
    old = (tally.count, tally.qualifier)
    tally.count = int(count)
    tally.qualifier = qualifier or tally.qualifier
    if note is not None:
        tally.note = note
    tally.save()
    if old != (tally.count, tally.qualifier):
        _revise(tally, TallyRevision.Action.UPDATE, old=old, user=user, reason=reason)
    return tally


@transaction.atomic
def delete_tally(tally, *, user=None, reason=""):
    _check_unlocked(tally.campaign_id, tally.period_start, tally.period_end)
    _revise(
        tally,
        TallyRevision.Action.DELETE,
        old=(tally.count, tally.qualifier),
        user=user,
        reason=reason,
    )
    tally.delete()


def check_tally_editable(tally):
    """Raise LockedPeriodError if an approved period covers this tally."""
    _check_unlocked(tally.campaign_id, tally.period_start, tally.period_end)


@transaction.atomic
def approve_period(*, start, end, campaign=None, user=None, note=""):
    """Approve and lock the figures between start and end (of one campaign, or all)."""
    if end < start:
        raise ValidationError({"end": _("The period cannot end before it starts.")})
    period = ApprovedPeriod.objects.create(
        campaign=campaign, start=start, end=end, note=note, approved_by=user
    )
    qs = Tally.objects.filter(period_start__gte=start, period_end__lte=end)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    qs.update(approved=True)
    return period


# Derived tallies -------------------------------------------------------------------

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


def city():
    place, _created = Place.objects.get_or_create(
        name=CITY, parent=None, defaults={"kind": Place.Kind.CITY}
    )
    return place


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

    from .models import CampaignPage

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
            tally.count = count
            tally.save(update_fields=["count", "updated_at"])
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
            logger.info("reach: %s source not available yet (%s); skipped", name, error)
            results[name] = None
    return results


# Imports ---------------------------------------------------------------------------


def _read_upload(upload):
    from .imports import MAX_BYTES

    upload.seek(0)
    return upload.read(MAX_BYTES + 1)


def check_import(upload, *, user=None):
    """Dry run: read and check every row, save no tally; returns the ImportJob."""
    from django.core.files.base import ContentFile

    from .imports import ImportFileError, read_table, validate_rows
    from .models import ImportJob

    name = (getattr(upload, "name", "") or "upload.csv").rsplit("/", 1)[-1][:200]
    data = _read_upload(upload)
    try:
        clean, errors = validate_rows(read_table(data, name))
        total = len(clean) if not errors else 0
    except ImportFileError as error:
        errors, total = [{"row": 0, "column": "", "message": str(error)}], 0
    job = ImportJob(
        filename=name,
        status=ImportJob.Status.INVALID if errors else ImportJob.Status.CHECKED,
        total=total,
        errors=errors,
        created_by=user,
    )
    if not errors:
        job.file.save(f"import-{timezone_stamp()}.bin", ContentFile(data), save=False)
    job.save()
    return job


def timezone_stamp():
    from django.utils import timezone

    return timezone.now().strftime("%Y%m%d%H%M%S%f")


def confirm_import(job, *, user=None):
    """Queue a checked import for the worker (once, however often the button is pressed)."""
    from .models import ImportJob
    from .tasks import run_import_task

    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportJob.Status.CHECKED:
            return job
        job.status = ImportJob.Status.QUEUED
        job.save(update_fields=["status"])
        run_import_task.enqueue(job.pk)
    return job


def run_import(job_id):
    """Import a confirmed file: re-check it, then write every row in one transaction."""
    from django.utils import timezone

    from .imports import ImportFileError, apply_rows, read_table, validate_rows
    from .models import ImportJob

    job = ImportJob.objects.get(pk=job_id)
    if job.status not in {ImportJob.Status.QUEUED, ImportJob.Status.CHECKED}:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
        clean, errors = validate_rows(read_table(data, job.filename))
        if errors:
            job.status, job.errors = ImportJob.Status.FAILED, errors
        else:
            job.created, job.updated = apply_rows(clean, user=job.created_by, job_id=job.pk)
            job.status, job.processed, job.total = ImportJob.Status.DONE, len(clean), len(clean)
    except ImportFileError as error:
        job.status, job.errors = (
            ImportJob.Status.FAILED,
            [{"row": 0, "column": "", "message": str(error)}],
        )
    except Exception:
        logger.exception("reach: import %s failed", job.pk)
        job.status = ImportJob.Status.FAILED
        job.errors = [
            {"row": 0, "column": "", "message": _("The import failed; nothing was imported.")}
        ]
    job.finished_at = timezone.now()
    job.save()
    return job


def import_progress(job):
    """Rows written so far (live while the import's transaction is still open)."""
    from django.core.cache import cache

    from .imports import progress_key

    if job.finished:
        return job.processed
    return cache.get(progress_key(job.pk), job.processed)
