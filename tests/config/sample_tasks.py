"""Tasks used by the platform tests: each leaves a trace another process can see."""

from django.contrib.auth.models import Group
from django.tasks import task


@task
def make_group(name):
    Group.objects.get_or_create(name=name)
    return name
