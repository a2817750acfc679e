"""A backend for Django's tasks API that hands every task to django-q2.

Wagtail 8 enqueues its own background work (reference index, search index, image focal
points, file deletion) through the `django_tasks` backport, which reads the same
``TASKS`` setting as Django's own `django.tasks`. Both therefore build their task
objects through this backend's ``task_class`` and enqueue here, so our tasks and
Wagtail's run on one worker.

A task is handed over only when the transaction that asked for it commits: a worker
never sees a row that was rolled back or not yet written, whichever broker is in use.
"""

import logging
from uuid import uuid4

from django.db import transaction
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import Task, TaskResult, TaskResultStatus
from django.utils.module_loading import import_string

from config.observability import current_request_id, request_id_var

logger = logging.getLogger(__name__)


class DjangoQBackend(BaseTaskBackend):
    task_class = Task
    supports_defer = False
    supports_async_task = False
    supports_get_result = False
    supports_priority = True  # accepted; django-q2 runs one queue in order.

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=uuid4().hex,
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        # The result normalises args and kwargs to JSON-safe values: send those. The
        # request id follows the task, so the worker's log lines join the request's.
        request_id = current_request_id()
        transaction.on_commit(
            lambda: hand_to_worker(
                task.module_path, result.args, result.kwargs, result.id, request_id
            ),
            robust=False,
        )
        return result


def hand_to_worker(module_path, args, kwargs, task_id, request_id=""):
    from django_q.tasks import async_task

    async_task(
        "config.tasks.run_task",
        module_path,
        args,
        kwargs,
        request_id=request_id,
        task_name=f"{module_path.rsplit('.', 1)[-1]}-{task_id[:12]}",
        group=module_path,
    )


def run_task(module_path, args, kwargs, request_id=""):
    """Run a task in the worker: what django-q2 calls for every enqueued task."""
    task = import_string(module_path)
    if getattr(task, "takes_context", False):
        raise TypeError(f"{module_path} takes a context, which this backend does not provide.")
    token = request_id_var.set(request_id)
    try:
        return task.call(*args, **kwargs)
    finally:
        request_id_var.reset(token)
