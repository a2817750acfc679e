"""Background work for bookings; each task only calls a service."""

from django.tasks import task

from . import notifications, services


@task
def send_notification(notification_pk):
    """Send one outbox message; a repeated delivery finds it claimed or sent."""
    notifications.deliver(notification_pk)


def send_reminders():
    """The "events: reminders" schedule (config/schedules.py)."""
    return services.send_due_reminders()


def sweep_outbox():
    """The "events: notification outbox" schedule: re-queue messages whose task was lost."""
    return notifications.sweep()
