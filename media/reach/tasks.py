"""Background work for reach: thin wrappers around services."""

from django.tasks import task

from . import services


@task
def run_import_task(job_id):
    services.run_import(job_id)


def derive_tallies_job():
    """django-q2 schedule: recompute derived tallies from bookings and contest entries."""
    return services.derive_all()


def weekly_summary_job():
    """django-q2 schedule: email the week's figures to reach staff."""
    from .summary import send_weekly_summary

    return send_weekly_summary()
