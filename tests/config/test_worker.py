"""A task enqueued through Django's tasks API crosses to a real django-q2 worker process."""

import os
import signal
import subprocess
import sys
import time
import uuid
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection

from tests.config.sample_tasks import record_process

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def database_url_for_tests():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(monkeypatch, tmp_path):
    from django_q.conf import Conf

    # A cluster name of our own, so no other worker on this broker can take the task.
    name = f"test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "CLUSTER_NAME", name)
    monkeypatch.setattr(Conf, "PREFIX", name)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": database_url_for_tests(),
        "Q_CLUSTER_NAME": name,
        "Q_WORKERS": "1",
        "SECRET_KEY": settings.SECRET_KEY,  # django-q2 signs queued tasks with it
    }
    log = tmp_path / "qcluster.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    process.log = log
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_enqueued_task_runs_in_a_real_worker(worker):
    record_process.enqueue("ran-in")
    # Not run here: the test process handed it over and goes on.
    assert not Group.objects.filter(name__startswith="ran-in:").exists()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ran = Group.objects.filter(name__startswith="ran-in:").values_list("name", flat=True)
        if ran:
            break
        assert worker.poll() is None, worker.log.read_text(errors="replace")
        time.sleep(0.25)
    else:
        pytest.fail("no run within 60 s:\n" + worker.log.read_text(errors="replace")[-3000:])
    ran_in = int(ran[0].split(":")[1])
    assert ran_in != os.getpid()
    assert ran_in in worker_processes(worker.pid)


def test_a_sigterm_to_the_process_group_stops_the_cluster_within_10_s(worker):
    """What Ctrl-C, ``make run`` stopping and ``kill -- -PGID`` do to a cluster."""
    from django_q.models import OrmQ

    deadline = time.monotonic() + 90
    while len(worker_processes(worker.pid)) < 6:  # command, cluster, sentinel, 3 children
        assert worker.poll() is None, worker.log.read_text(errors="replace")
        assert time.monotonic() < deadline, "the cluster never started"
        time.sleep(0.25)
    time.sleep(1)
    record_process.enqueue("before-stop")
    processes = worker_processes(worker.pid)
    os.killpg(worker.pid, signal.SIGTERM)
    stopped_by = time.monotonic() + 10
    while time.monotonic() < stopped_by and alive(processes):
        time.sleep(0.1)
    assert not alive(processes), worker.log.read_text(errors="replace")[-3000:]
    # Nothing lost: the task ran before the stop, or waits in the queue for the next start.
    if not os.environ.get("REDIS_URL"):  # the ORM broker's queue can be read here
        ran = Group.objects.filter(name__startswith="before-stop:").exists()
        assert ran or OrmQ.objects.exists()


def alive(pids):
    """The processes of ``pids`` still running (zombies count as gone)."""
    running = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] != "Z":
                    running.add(pid)
        except OSError:
            continue
    return running


def worker_processes(root):
    """The cluster's process and every process under it, read from /proc."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        found.add(pid)
        todo.extend(children.get(pid, []))
    return found
