"""The platform's one model: tasks whose hand-over to the worker failed.

This module also makes Django send ``post_migrate`` to the platform, on which it syncs
its django-q2 schedules.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ParkedTask(models.Model):
    """A task asked for by a committed transaction that the broker would not take.

    ``config.tasks`` parks it here instead of failing the request, and the "platform:
    parked tasks" schedule hands it over again (``config.tasks.hand_over_parked``).
    """

    module_path = models.CharField(pgettext_lazy("parked task", "task"), max_length=255)
    args = models.JSONField(pgettext_lazy("parked task", "positional arguments"), default=list)
    kwargs = models.JSONField(pgettext_lazy("parked task", "keyword arguments"), default=dict)
    task_id = models.CharField(pgettext_lazy("parked task", "task id"), max_length=64)
    error = models.TextField(pgettext_lazy("parked task", "last error"), blank=True)
    attempts = models.PositiveIntegerField(
        pgettext_lazy("parked task", "hand-over attempts"), default=1
    )
    parked_at = models.DateTimeField(pgettext_lazy("parked task", "parked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("parked task")
        verbose_name_plural = _("parked tasks")
        ordering = ["parked_at", "pk"]

    def __str__(self):
        return f"{self.module_path} ({self.task_id[:12]})"
