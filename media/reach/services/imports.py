"""Import jobs: a dry run that saves no tally, then the real import in the background,
written in ONE transaction (all rows or none) with live progress."""

import logging

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Tally, TallyRevision
from ..signals import figures_changed

logger = logging.getLogger(__name__)


def progress_key(job_id):
    return f"reach:import:{job_id}"


INSERT_FIELDS = (
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


def _insert(rows):
    """Plain multi-row INSERTs: Django's bulk_create spends most of an import compiling
    SQL value by value; this sends the same rows several times faster."""
    quote = connection.ops.quote_name
    fields = [Tally._meta.get_field(f) for f in INSERT_FIELDS]
    columns = ", ".join(quote(f.column) for f in fields)
    # 50 rows keep the statement short enough for the driver to cache its parsed form.
    size = max(1, min(50, connection.ops.bulk_batch_size(fields, rows)))
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table = quote(Tally._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is PostgreSQL's bulk path; it runs inside the import's transaction.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        for start in range(0, len(rows), size):
            part = rows[start : start + size]
            values = ", ".join([one] * len(part))
            sql = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608
            cursor.execute(sql, [value for row in part for value in row])


def apply_rows(clean, *, user=None, job_id=None, batch=2000):
    """Write checked rows in ONE transaction; returns (created, updated)."""
    created = updated = 0
    user_id = user.pk if user is not None else None
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic():
        figures_changed()  # COPY and bulk inserts send no model signals
        for offset in range(0, len(clean), batch):
            chunk = clean[offset : offset + batch]
            new, changed, revisions = [], [], []
            for row in chunk:
                metric_id, channel_id, kind, start, place_id, campaign_id = row["key"]
                tally = row.get("existing")
                if tally is None:
                    new.append(
                        (
                            metric_id,
                            channel_id,
                            kind,
                            start,
                            row["end"],
                            place_id,
                            campaign_id,
                            row["count"],
                            row["qualifier"],
                            Tally.Source.IMPORTED,
                            "",
                            row["note"],
                            False,
                            user_id,
                            now,
                            now,
                        )
                    )
                elif (tally.count, tally.qualifier) != (row["count"], row["qualifier"]):
                    revisions.append(
                        TallyRevision(
                            tally=tally,
                            description=f"#{tally.pk} {start:%Y-%m-%d}",
                            action=TallyRevision.Action.UPDATE,
                            old_count=tally.count,
                            new_count=row["count"],
                            old_qualifier=tally.qualifier,
                            new_qualifier=row["qualifier"],
                            reason=_("import"),
                            user=user,
                        )
                    )
                    tally.count, tally.qualifier = row["count"], row["qualifier"]
                    tally.source, tally.approved = Tally.Source.IMPORTED, False
                    changed.append(tally)
            if new:
                _insert(new)
            if changed:
                Tally.objects.bulk_update(
                    changed, ["count", "qualifier", "source", "approved"], batch_size=batch
                )
                TallyRevision.objects.bulk_create(revisions, batch_size=batch)
            created += len(new)
            updated += len(changed)
            if job_id is not None:
                # The job row is only visible after commit; the cache shows live progress.
                cache.set(progress_key(job_id), offset + len(chunk), 3600)
    return created, updated


def _read_upload(upload):
    from ..imports import MAX_BYTES

    upload.seek(0)
    return upload.read(MAX_BYTES + 1)


def check_import(upload, *, user=None):
    """Dry run: read and check every row, save no tally; returns the ImportJob."""
    from django.core.files.base import ContentFile

    from ..imports import ImportFileError, read_table, validate_rows
    from ..models import ImportJob

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
    from ..models import ImportJob
    from ..tasks import run_import_task

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

    from ..imports import ImportFileError, read_table, validate_rows
    from ..models import ImportJob

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
    if job.finished:
        return job.processed
    return cache.get(progress_key(job.pk), job.processed)
