"""Background work for bookings; each task only calls a service."""

from django.tasks import task

from . import notifications, services


@task
def notify_booking(booking_pk, kind, reason=""):
    notifications.send_booking_message(booking_pk, kind, reason)


def send_reminders():
    """The "events: reminders" schedule (config/schedules.py)."""
    return services.send_due_reminders()
