"""Background work for bookings; each task only calls a service. (Their messages are
sent by the outbox's task, core/outbox/tasks.py.)"""

from . import services


def send_reminders():
    """The "events: reminders" schedule (config/schedules.py)."""
    return services.send_due_reminders()
