"""Django's tasks API (ours and Wagtail's) reaches django-q2, after the commit only."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.models import Failure, Success

from config.schedules import SCHEDULES
from tests.config.sample_tasks import make_group

pytestmark = pytest.mark.django_db


def test_task_runs_through_django_q(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_group.enqueue("from-the-tasks-api")
    assert Group.objects.filter(name="from-the-tasks-api").exists()
    # django-q2 recorded the run: the task crossed config.tasks into django-q2.
    assert Success.objects.filter(
        func="config.tasks.run_task", name__startswith="make_group"
    ).exists()


def test_task_is_not_handed_over_before_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_group.enqueue("waits-for-commit")
    assert not Group.objects.filter(name="waits-for-commit").exists()
    assert len(callbacks) == 1


def test_task_of_a_rolled_back_transaction_never_runs(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                make_group.enqueue("rolled-back")
                raise RuntimeError("abort")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not Group.objects.filter(name="rolled-back").exists()


def test_wagtails_own_tasks_use_our_backend():
    from django_tasks import task_backends as backport_backends
    from wagtail.tasks import update_reference_index_task

    assert type(backport_backends["default"]).__name__ == "DjangoQBackend"
    assert update_reference_index_task.get_backend().__class__.__module__ == "config.tasks"


def test_tasks_share_one_broker_per_queue(monkeypatch):
    """django-q2 makes a broker (a Redis connection) per task unless it is given one."""
    import django_q.brokers
    import django_q.tasks

    from config import tasks

    made, used = [], []

    class Broker:
        list_key = "q"

    def get_broker(queue=None):
        made.append(queue)
        return Broker()

    def async_task(*args, broker=None, **kwargs):
        used.append(broker)

    monkeypatch.setattr(django_q.brokers, "get_broker", get_broker)
    monkeypatch.setattr(django_q.tasks, "async_task", async_task)
    tasks._broker.cache_clear()
    try:
        for number in range(3):
            tasks.hand_to_worker("tests.config.sample_tasks.make_group", [], {}, f"{number:032}")
    finally:
        tasks._broker.cache_clear()
    assert len(made) == 1
    assert len(used) == 3 and used[0] is used[1] is used[2]


def _run(name, stopped, success=True):
    from django_q.models import Task

    return Task.objects.create(
        id=uuid4().hex,
        name=name,
        func="config.tasks.run_task",
        started=stopped - timedelta(seconds=1),
        stopped=stopped,
        success=success,
        result="done" if success else "Traceback …",
    )


def test_old_successes_are_pruned_by_the_schedule_and_failures_kept():
    from config.tasks import prune_task_results

    now = timezone.now()
    for minute in range(30):
        _run(f"send-{minute}", now - timedelta(minutes=minute))
    failure = _run("send-failed", now - timedelta(days=3), success=False)
    assert prune_task_results(keep=10) == 20
    kept = set(Success.objects.values_list("name", flat=True))
    assert kept == {f"send-{minute}" for minute in range(10)}, "the ten newest are kept"
    assert Failure.objects.filter(pk=failure.pk).exists()
    assert prune_task_results(keep=10) == 0
    assert "platform: task results" in {periodic.name for periodic in SCHEDULES}


def test_saving_a_result_reads_none_of_the_kept_ones():
    """django-q2 saves each run in the worker. Left to prune by itself (``save_limit`` >
    0), it reads every kept success, pickled arguments and all, on each save, under a
    row lock; here a save looks up its own row only and inserts it."""
    from django_q.brokers import get_broker
    from django_q.monitor import save_task

    now = timezone.now()
    for minute in range(300):
        _run(f"old-{minute}", now - timedelta(minutes=minute))
    package = {
        "id": uuid4().hex,
        "name": "after-300",
        "func": "config.tasks.run_task",
        "args": (),
        "kwargs": {},
        "started": now,
        "stopped": now,
        "result": None,
        "success": True,
        "group": None,
        "ack_id": None,
    }
    with CaptureQueriesContext(connection) as queries:
        save_task(package, get_broker())
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    assert reads and all('"django_q_task"."id" =' in sql for sql in reads), reads
    assert not any("FOR UPDATE" in q["sql"] for q in queries)
    assert Success.objects.filter(name="after-300").exists()
