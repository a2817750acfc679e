"""Tasks used by the platform tests: each leaves a trace another process can see."""

from django.contrib.auth.models import Group
from django.tasks import task


@task
def make_group(name):
    Group.objects.get_or_create(name=name)
    return name


@task
def record_process(prefix):
    """Names a group after the process that ran it, so a test can tell where it ran."""
    import os

    Group.objects.get_or_create(name=f"{prefix}:{os.getpid()}")


@task
def report_request_id():
    """Returns the request id the worker sees, for the log-correlation test."""
    from config.observability import current_request_id

    return current_request_id()
