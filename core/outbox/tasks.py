"""The outbox's background work; each task calls core/outbox/sending.py."""

from django.tasks import task

from . import sending


@task
def send_outbox_message(message_pk):
    """Send one outbox message; a repeated delivery finds it claimed or sent.

    Its one argument is the row's id: no address, text or token ever sits in the queue.
    """
    sending.deliver(message_pk)


def sweep_outbox():
    """The "platform: message outbox" schedule: re-queue messages whose task was lost."""
    return sending.sweep()
