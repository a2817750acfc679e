"""Background work of the contest; each task is a thin call into services.

Its messages to guardians go through the site's outbox (media/contest/messages.py).
"""

from django.tasks import task

from . import held, services


@task()
def make_entry_renditions(entry_id):
    return services.build_renditions(entry_id)


def run_retention():
    """The daily django-q2 schedule ("contest: retention")."""
    return services.apply_retention()


def sweep_held_drawings():
    """The hourly django-q2 schedule ("contest: held drawings")."""
    return held.sweep()


def send_award_messages():
    """The django-q2 schedule ("contest: award messages"): the award texts once
    publishing results can no longer be undone."""
    return services.send_award_messages()
