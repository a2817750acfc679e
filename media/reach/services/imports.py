"""Import jobs: a dry run that saves no tally, then the real import in the background,
written in ONE transaction (all rows or none) with live progress."""

import datetime
import logging

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from .write import WriteError

logger = logging.getLogger(__name__)


def progress_key(job_id):
    return f"reach:import:{job_id}"


def report_progress(job_id, rows):
    """Rows written so far: the job row is only visible after commit, the cache is live."""
    cache.set(progress_key(job_id), rows, 3600)


def apply_rows(rows, *, user=None, job_id=None, filename=""):
    """Check and import a table's rows (a header, then cells) through the write path,
    streamed, in ONE transaction; returns (created, updated) or raises WriteError with
    every error found (nothing written)."""
    from ..imports import import_table

    result, errors = import_table(rows, dry_run=False, user=user, filename=filename, job_id=job_id)
    if errors:
        raise WriteError(errors)
    return result.created, result.updated


def _read_upload(upload):
    from ..imports import MAX_BYTES

    upload.seek(0)
    return upload.read(MAX_BYTES + 1)


# A checked file nobody confirmed is deleted after this long (the README says so).
UNCONFIRMED_RETENTION = datetime.timedelta(days=1)


def check_import(upload, *, user=None):
    """Take an upload for a dry run; returns the ImportJob.

    The web request only runs the checks that cost nothing whatever the file holds
    (size, and for XLSX the sizes its zip declares, before anything is inflated); a
    file that passes is kept in private storage and read and checked by the worker
    (``check_job``), which saves no tally.
    """
    from django.core.files.base import ContentFile

    from ..imports import ImportFileError, precheck
    from ..models import ImportJob

    purge_unconfirmed()
    name = (getattr(upload, "name", "") or "upload.csv").rsplit("/", 1)[-1][:200]
    data = _read_upload(upload)
    try:
        precheck(data)
    except ImportFileError as error:
        return ImportJob.objects.create(
            filename=name,
            status=ImportJob.Status.INVALID,
            errors=[{"row": 0, "column": "", "message": str(error)}],
            created_by=user,
        )
    job = ImportJob(filename=name, status=ImportJob.Status.CHECKING, created_by=user)
    job.file.save(f"import-{timezone_stamp()}.bin", ContentFile(data), save=False)
    job.save()
    from ..tasks import check_import_task

    check_import_task.enqueue(job.pk)  # handed to the worker once committed
    return job


def check_job(job_id):
    """The dry run, in the worker: read and check every row, save no tally."""
    from ..imports import ImportFileError, read_table, validate_rows
    from ..models import ImportJob

    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportJob.Status.CHECKING:
        return job
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
        checked, errors, plan = validate_rows(read_table(data, job.filename))
    except ImportFileError as error:
        checked, errors, plan = 0, [{"row": 0, "column": "", "message": str(error)}], {}
    job.errors, job.plan = errors, plan
    job.total = 0 if errors else checked
    job.status = ImportJob.Status.INVALID if errors else ImportJob.Status.CHECKED
    if errors:
        _discard_file(job)
    job.save()
    return job


def _discard_file(job):
    """An import's file is kept only until the import ends."""
    if job.file:
        job.file.delete(save=False)


def purge_unconfirmed(now=None):
    """Delete the files of checked imports nobody confirmed within the retention time."""
    from django.utils import timezone

    from ..models import ImportJob

    cutoff = (now or timezone.now()) - UNCONFIRMED_RETENTION
    for job in ImportJob.objects.filter(created_at__lt=cutoff).exclude(file=""):
        if job.status in {ImportJob.Status.QUEUED, ImportJob.Status.RUNNING}:
            continue
        _discard_file(job)
        job.save(update_fields=["file"])


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
    """Import a confirmed file: every row checked again as it is written, in one
    transaction (an error anywhere and nothing is imported)."""
    from django.utils import timezone

    from ..imports import ImportFileError, import_table, read_table
    from ..models import ImportJob

    job = ImportJob.objects.get(pk=job_id)
    if job.status not in {ImportJob.Status.QUEUED, ImportJob.Status.CHECKED}:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
        result, errors = import_table(
            read_table(data, job.filename),
            dry_run=False,
            user=job.created_by,
            filename=job.filename,
            job_id=job.pk,
        )
        if errors:
            job.status, job.errors = ImportJob.Status.FAILED, errors
        else:
            job.created, job.updated = result.created, result.updated
            job.status, job.processed, job.total = (
                ImportJob.Status.DONE,
                result.checked,
                result.checked,
            )
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
    _discard_file(job)
    job.save()
    return job


def import_progress(job):
    """Rows written so far (live while the import's transaction is still open)."""
    if job.finished:
        return job.processed
    return cache.get(progress_key(job.pk), job.processed)
