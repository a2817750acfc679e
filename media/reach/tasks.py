"""Background work for reach: thin wrappers around services."""

from django.tasks import task

from . import services


@task
def check_import_task(job_id):
    services.check_job(job_id)


@task
def run_import_task(job_id):
    services.run_import(job_id)


@task
def derive_source_task(source):
    """Recompute one source's derived tallies after its records changed."""
    from .signals import clear_pending

    clear_pending(source)
    return {
        "attendance": services.derive_attendance_tallies,
        "contest": services.derive_contest_tallies,
    }[source]()


def derive_tallies_job():
    """django-q2 schedule: recompute derived tallies from bookings and contest entries."""
    return services.derive_all()


def weekly_summary_job():
    """django-q2 schedule: put last week's figures in the outbox for reach staff, once."""
    from .summary import record_weekly_summary

    return record_weekly_summary() is not None


def fold_scans_job():
    """django-q2 schedule: fold the minute's QR scans into the figures."""
    return services.fold_scans()
