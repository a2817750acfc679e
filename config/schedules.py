"""Every django-q2 schedule of the platform, kept in step with the database on migrate.

Each app's periodic work is listed here by dotted path; the functions themselves live
in the apps (thin wrappers around services).
"""

from dataclasses import dataclass

MINUTES = "I"
HOURLY = "H"
DAILY = "D"
WEEKLY = "W"


@dataclass(frozen=True)
class Periodic:
    name: str
    func: str
    schedule_type: str
    minutes: int | None = None
    args: str | None = None  # django-q2 stores positional arguments as a Python literal


SCHEDULES = [
    Periodic("platform: worker heartbeat", "config.health.heartbeat", MINUTES, 1),
    Periodic(
        "wagtail: publish scheduled pages",
        "django.core.management.call_command",
        MINUTES,
        1,
        args="'publish_scheduled'",
    ),
    Periodic("contest: retention", "media.contest.tasks.run_retention", DAILY),
    Periodic("events: retention", "events.retention.apply_retention", DAILY),
    Periodic("contest: held drawings", "media.contest.tasks.sweep_held_drawings", HOURLY),
    Periodic("contest: award messages", "media.contest.tasks.send_award_messages", MINUTES, 5),
    Periodic("events: reminders", "events.tasks.send_reminders", MINUTES, 15),
    Periodic("reach: derive tallies", "media.reach.tasks.derive_tallies_job", MINUTES, 10),
    Periodic("reach: fold scans", "media.reach.tasks.fold_scans_job", MINUTES, 1),
    Periodic("reach: weekly summary", "media.reach.tasks.weekly_summary_job", WEEKLY),
    Periodic("platform: message outbox", "core.outbox.tasks.sweep_outbox", MINUTES, 1),
    Periodic("platform: parked tasks", "config.tasks.hand_over_parked", MINUTES, 1),
    Periodic("platform: task results", "config.tasks.prune_task_results", MINUTES, 10),
    Periodic("platform: backup", "config.backups.scheduled_backup", DAILY),
]


def sync_schedules(**kwargs):
    """Create or update the schedules above; remove platform schedules no longer listed."""
    from django_q.models import Schedule

    names = []
    for periodic in SCHEDULES:
        names.append(periodic.name)
        Schedule.objects.update_or_create(
            name=periodic.name,
            defaults={
                "func": periodic.func,
                "args": periodic.args,
                "schedule_type": periodic.schedule_type,
                "minutes": periodic.minutes,
                "repeats": -1,
            },
        )
    prefixes = {name.split(":", 1)[0] + ":" for name in names}
    stale = Schedule.objects.exclude(name__in=names)
    for prefix in prefixes:
        stale.filter(name__startswith=prefix).delete()
