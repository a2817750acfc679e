"""django-q2's ``qcluster``, made to stop when its whole process group is signalled.

A signal to the process group (Ctrl-C in a terminal, ``make run`` stopping, ``kill --
-PGID``) reaches every process of a django-q2 cluster at once. Its sentinel and
workers die on SIGTERM at once (the sentinel sets SIGTERM to the default action and
its workers inherit it), and a sentinel killed while it sleeps on the cluster's stop
event leaves that event's lock waiting for it: the main process, stopping the cluster,
then hangs for ever. A SIGTERM to the main process alone stops the cluster cleanly.

So this command runs the real cluster in a process group of its own and stays in the
caller's group: a SIGTERM or SIGINT to it is passed to the cluster's main process
only, which lets the pusher stop, the workers finish the tasks they hold and the
monitor save their results. If that takes longer than ``Q_STOP_SECONDS`` (8 s by
default), the cluster is killed; a task cut short is delivered again by the ORM broker
(after ``retry``), and booking messages are re-queued by the outbox sweeper. The cluster
also gets SIGTERM if this process dies, so it is never left running on its own.
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django_q.management.commands import qcluster

#: Set in the cluster's own process: run django-q2's command itself.
CLUSTER_ENV = "FIREBREAK_QCLUSTER_CHILD"


def _stop_with_parent():
    """In the child, before exec: SIGTERM when the parent dies (Linux), own group."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the cluster may outlive a killed parent
        pass


class Command(qcluster.Command):
    help = qcluster.Command.help

    def handle(self, *args, **options):
        if os.environ.get(CLUSTER_ENV):
            return super().handle(*args, **options)
        arguments = ["--run-once"] if options.get("run_once") else []
        if options.get("cluster_name"):
            arguments += ["--name", options["cluster_name"]]
        cluster = subprocess.Popen(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "qcluster", *arguments],
            env={**os.environ, CLUSTER_ENV: "1"},
            start_new_session=True,
            preexec_fn=_stop_with_parent,
        )
        stopping = []

        def stop(signum, frame):
            if not stopping:
                stopping.append(time.monotonic())
                cluster.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        grace = float(os.environ.get("Q_STOP_SECONDS", "8"))
        while cluster.poll() is None:
            if stopping and time.monotonic() - stopping[0] > grace:
                self.stderr.write(f"The cluster did not stop within {grace:g} s: killing it.")
                os.killpg(cluster.pid, signal.SIGKILL)
                cluster.wait()
                break
            time.sleep(0.1)
        # The main process is gone; take anything it left behind with it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(cluster.pid, signal.SIGKILL)
        # This process holds nothing to save, and tearing down a loaded Django takes
        # seconds on a busy machine: leave at once.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(cluster.returncode if cluster.returncode >= 0 else 0)
