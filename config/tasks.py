"""A backend for Django's tasks API that hands every task to django-q2.

Wagtail 8 enqueues its own background work (reference index, search index, image focal
points, file deletion) through the `django_tasks` backport, which reads the same
``TASKS`` setting as Django's own `django.tasks`. Both therefore build their task
objects through this backend's ``task_class`` and enqueue here, so our tasks and
Wagtail's run on one worker.

A task is handed over only when the transaction that asked for it commits: a worker
never sees a row that was rolled back or not yet written, whichever broker is in use.

The hand-over comes after the commit, so it must never fail the request: the change is
saved, and a 500 would tell the visitor otherwise. A broker that refuses (Redis down,
the ORM broker's database locked) is logged and the task is parked in the database
(``ParkedTask``); the "platform: parked tasks" schedule hands it over again every
minute. If even parking fails, the task is lost, logged as an error: booking messages
are still sent, since the outbox sweeper re-queues every unsent message, and the
reach tallies are derived again by their own schedule.
"""

import functools
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
            lambda: hand_over(task.module_path, result.args, result.kwargs, result.id, request_id),
            robust=True,
        )
        return result


def hand_over(module_path, args, kwargs, task_id, request_id=""):
    """Hand a task to the worker; park it if the broker refuses. Never raises."""
    try:
        hand_to_worker(module_path, args, kwargs, task_id, request_id)
    except Exception as error:  # noqa: BLE001 - the request's change is already saved
        logger.warning(
            "Could not hand %s over to the worker (%s: %s); parking it",
            module_path,
            type(error).__name__,
            error,
        )
        _park(module_path, args, kwargs, task_id, error)


def _park(module_path, args, kwargs, task_id, error):
    from .models import ParkedTask

    try:
        ParkedTask.objects.create(
            module_path=module_path,
            args=args,
            kwargs=kwargs,
            task_id=task_id,
            error=f"{type(error).__name__}: {error}"[:2000],
        )
    except Exception:  # noqa: BLE001 - logged; see the module docstring for recovery
        logger.exception("Could not park %s either; the task is lost", module_path)


PARKED_BATCH = 500


def hand_over_parked():
    """The "platform: parked tasks" schedule: hand parked tasks over again; return how many."""
    from .models import ParkedTask

    handed = 0
    for parked in ParkedTask.objects.all()[:PARKED_BATCH]:
        try:
            hand_to_worker(parked.module_path, parked.args, parked.kwargs, parked.task_id)
        except Exception as error:  # noqa: BLE001 - kept for the next run
            ParkedTask.objects.filter(pk=parked.pk).update(
                attempts=parked.attempts + 1, error=f"{type(error).__name__}: {error}"[:2000]
            )
            logger.warning("Parked task %s still refused: %s", parked.pk, error)
            break  # the broker is still down: try the rest next time
        parked.delete()
        handed += 1
    return handed


@functools.cache
def _broker(queue):
    """This process's broker for ``queue``, made once.

    Left to itself django-q2 makes a broker for every task, and the Redis broker a new
    connection pool with it: a new connection to Redis, its handshake included, for
    each booking's message. The broker's connection pool is safe to share between
    threads and reopens itself in a forked process.
    """
    from django_q.brokers import get_broker

    return get_broker(queue)


def hand_to_worker(module_path, args, kwargs, task_id, request_id=""):
    from django_q.conf import Conf
    from django_q.tasks import async_task

    async_task(
        "config.tasks.run_task",
        module_path,
        args,
        kwargs,
        request_id=request_id,
        task_name=f"{module_path.rsplit('.', 1)[-1]}-{task_id[:12]}",
        group=module_path,
        broker=_broker(Conf.CLUSTER_NAME),
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


def prune_task_results(keep=None):
    """Keep the newest ``TASK_RESULTS_KEPT`` successful runs django-q2 recorded; delete
    the older ones in one statement. Failures are kept for staff to read and retry.

    django-q2 can prune by itself (``save_limit``), but it does so as each task is
    saved, by reading every kept success with its pickled arguments and result: about
    80 ms of the worker's CPU per task once a thousand are kept, so a booking's message
    cost the worker more than the booking cost the web. ``save_limit`` is 0 (saving
    is one INSERT) and the "platform: task results" schedule prunes here instead.
    Returns how many were deleted.
    """
    from django.conf import settings
    from django_q.models import Success

    keep = settings.TASK_RESULTS_KEPT if keep is None else keep
    newest_first = Success.objects.order_by("-stopped").values_list("stopped", flat=True)
    first_dropped = newest_first[keep : keep + 1].first()
    if first_dropped is None:
        return 0  # no more than ``keep`` recorded
    deleted, _ = Success.objects.filter(stopped__lte=first_dropped).delete()
    return deleted
