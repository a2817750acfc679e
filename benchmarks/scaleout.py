"""Scale-out: two web processes and two django-q2 clusters on PostgreSQL and Redis.

Builds the benchmark database (PostgreSQL ``firebreak_scaleout``, Redis db 8) with the
demo content and one 60-place session, then starts two production-configured gunicorn
servers (2 workers each) and two ``qcluster`` processes on the same broker. At once:

(a) ATTEMPTS booking submissions from CLIENTS browser-like connections, alternating
    between the two servers (every one with its own phone, e-mail and idempotency key,
    half of them willing to wait);
(b) a mixed GET load (every sitemap page, searches, 404s) against both servers.

While that runs, one cluster is killed with SIGKILL and started again. Mail goes to
Django's file-based backend (folder from EMAIL_FILE_PATH); once the load is over the
script waits for the outbox to drain (the "platform: message outbox" schedule
re-queues what the killed cluster took with it) and counts the messages written.

Invariants (exit status 1 when one fails): places booked <= capacity, no answer other
than booked/waitlisted/full, every notification sent, no message written twice, no
lost message, no 5xx.

    .venv/bin/python benchmarks/scaleout.py
    BENCH_PG_URL=... BENCH_REDIS_URL=... BENCH_ATTEMPTS=600 BENCH_PORTS=8105,8106 ...
"""

import contextlib
import email
import email.header
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBasedBackend

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from memory import page_urls  # noqa: E402
from visitors import Client  # noqa: E402

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/firebreak_scaleout")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
ATTEMPTS = int(os.environ.get("BENCH_ATTEMPTS", "600"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "30"))
PAGE_THREADS = int(os.environ.get("BENCH_PAGE_THREADS", "4"))
PORTS = [int(p) for p in os.environ.get("BENCH_PORTS", "8105,8106").split(",")]
CAPACITY = 60
PARTY = 3
MAIL_DELAY = float(os.environ.get("BENCH_MAIL_DELAY", "0.2"))
KILL_AFTER = 200  # booking answers received before one cluster is killed
# Short outbox timings so that recovery shows within the run (production: 300 s / 60 s).
LEASE_SECONDS = 30
RETRY_AFTER_SECONDS = 15
DRAIN_TIMEOUT = 300
MAIL_DIR = harness.BENCH_DIR / "scaleout-mail"


class FileEmailBackend(FileBasedBackend):
    """Django's file-based backend, its folder taken from EMAIL_FILE_PATH in the environment.

    Each send first waits BENCH_MAIL_DELAY seconds, like a remote mail server, so that
    the killed cluster dies with sends in flight and tasks fetched but not yet run.
    """

    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, file_path=file_path or os.environ["EMAIL_FILE_PATH"], **kwargs)

    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("BENCH_MAIL_DELAY", "0")))
        return super().send_messages(email_messages)


def reset_stores():
    import psycopg
    import redis

    parts = urllib.parse.urlsplit(PG_URL)
    dbname = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"')
    redis.Redis.from_url(REDIS_URL).flushdb()
    shutil.rmtree(MAIL_DIR, ignore_errors=True)
    MAIL_DIR.mkdir(parents=True)


def shell(env, code):
    out = subprocess.run(
        [harness.PYTHON, "manage.py", "shell", "-c", code],
        cwd=harness.ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


MAKE_SESSION = f"""
from datetime import timedelta
from django.utils import timezone
from events.models import Event, Session
event, _ = Event.objects.get_or_create(
    title="Scale-out benchmark", defaults={{"kind": "camp_batch", "party_max": 60}}
)
start = timezone.now() + timedelta(days=10)
session = Session.objects.create(
    event=event, starts_at=start, ends_at=start + timedelta(hours=3), venue="Bench",
    capacity={CAPACITY},
)
print(session.pk)
"""

OUTBOX_STATE = """
from datetime import timedelta
from django.db.models import F
from events import selectors
from core.outbox import OutboxMessage
from events.messages import ABOUT_BOOKING
from events.models import Booking
bookings = Booking.objects.filter(session_id={pk})
notes = OutboxMessage.objects.about(ABOUT_BOOKING, bookings.values("pk"))
late = notes.filter(sent_at__gt=F("created_at") + timedelta(seconds={late}))
print(selectors.places_taken({pk}), bookings.filter(status="confirmed").count(),
      bookings.filter(status="waitlisted").count(), bookings.count(), notes.count(),
      notes.filter(sent_at__isnull=False).count(), notes.filter(attempts__gt=1).count(),
      late.count())
"""


def outbox_state(env, session_pk):
    line = shell(env, OUTBOX_STATE.format(pk=session_pk, late=RETRY_AFTER_SECONDS))
    keys = ("taken", "confirmed", "waitlisted", "rows", "notifications", "sent", "retried")
    values = [int(x) for x in line.split()]
    return dict(zip((*keys, "late"), values, strict=True))


def messages_written():
    """Subjects of every message the file-based backend wrote (one file per connection)."""
    subjects = []
    separator = "\n" + "-" * 79 + "\n"
    for path in MAIL_DIR.iterdir():
        for chunk in path.read_text(encoding="utf-8", errors="replace").split(separator):
            if not chunk.strip():
                continue
            message = email.message_from_string(chunk.lstrip("\n"))
            subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
            subjects.append((subject, message["To"]))
    return subjects


def start_cluster(env, index):
    log = (harness.BENCH_DIR / f"scaleout-qcluster-{index}.log").open("ab")
    return subprocess.Popen(
        [harness.PYTHON, "manage.py", "qcluster"],
        cwd=harness.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_cluster(process, sig=signal.SIGTERM):
    if process.poll() is None:
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def booking_body(i, token):
    fields = {
        "csrfmiddlewaretoken": token,
        "organization": f"扩容测试学校{i}",
        "organization_type": "school",
        "contact_name": "王老师",
        "phone": f"137{i:08d}",
        "email": f"teacher{i}@example.cn",
        "party_size": str(PARTY),
        "adults": "1",
        "privacy_consent": "on",
        "idempotency_key": f"scaleout-{i:06d}-{secrets.token_hex(8)}",
    }
    if i % 2:
        fields["join_waitlist"] = "on"
    return urllib.parse.urlencode(fields)


def booking_storm(path, answers, started):
    """ATTEMPTS submissions from CLIENTS connections, client n on server n % 2."""
    per_client = [list(range(i, ATTEMPTS, CLIENTS)) for i in range(CLIENTS)]
    barrier = threading.Barrier(CLIENTS + 1)
    lock = threading.Lock()

    def client_run(n, indices):
        client = Client(PORTS[n % len(PORTS)])
        _, page = client.request("GET", path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        barrier.wait()
        for i in indices:
            try:
                status, _ = client.request("POST", path, booking_body(i, token))
            except OSError:
                status = 0
            with lock:
                answers.append(status)

    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(client_run, n, ix) for n, ix in enumerate(per_client)]
        barrier.wait()
        started.set()
        began = time.perf_counter()
        for future in futures:
            future.result()
    return time.perf_counter() - began


def page_load(paths, stop, statuses):
    """GET the mixed paths round-robin over both servers until told to stop."""
    lock = threading.Lock()

    def run(n):
        clients = [Client(port) for port in PORTS]
        i = n
        while not stop.is_set():
            client = clients[i % len(clients)]
            try:
                status, _ = client.request("GET", paths[i % len(paths)])
            except OSError:
                client.conn.close()
                status = 0
            with lock:
                statuses.append(status)
            i += PAGE_THREADS

    threads = [threading.Thread(target=run, args=(n,)) for n in range(PAGE_THREADS)]
    for thread in threads:
        thread.start()
    return threads


def main():
    reset_stores()
    env = harness.bench_env(
        "scaleout",
        database_url=PG_URL,
        redis_url=REDIS_URL,
        EMAIL_BACKEND="benchmarks.scaleout.FileEmailBackend",
        EMAIL_FILE_PATH=MAIL_DIR,
        BOOKING_RATE_LIMIT_PER_IP=ATTEMPTS * 10,
        OUTBOX_LEASE_SECONDS=LEASE_SECONDS,
        OUTBOX_RETRY_AFTER_SECONDS=RETRY_AFTER_SECONDS,
        Q_WORKERS=2,
        BENCH_MAIL_DELAY=MAIL_DELAY,
    )
    print("preparing the database and demo content…", file=sys.stderr)
    harness.prepare(env)
    session_pk = int(shell(env, MAKE_SESSION))
    path = f"/booking/session/{session_pk}/"
    clusters = [start_cluster(env, 1), start_cluster(env, 2)]
    kills = 0
    try:
        with contextlib.ExitStack() as stack:
            bases = [
                stack.enter_context(harness.serve(env, workers=2, threads=4, port=port))[0]
                for port in PORTS
            ]
            paths = page_urls(bases[0])
            answers, statuses = [], []
            started, stop = threading.Event(), threading.Event()

            def killer():
                nonlocal kills
                started.wait()
                while len(answers) < KILL_AFTER and not stop.is_set():
                    time.sleep(0.05)
                stop_cluster(clusters[0], signal.SIGKILL)
                kills += 1
                time.sleep(1)
                clusters[0] = start_cluster(env, 1)

            kill_thread = threading.Thread(target=killer)
            kill_thread.start()
            page_began = time.perf_counter()
            page_threads = page_load(paths, stop, statuses)
            elapsed = booking_storm(path, answers, started)
            stop.set()
            for thread in page_threads:
                thread.join()
            page_elapsed = time.perf_counter() - page_began
            kill_thread.join()
        print("load done; waiting for the outbox to drain…", file=sys.stderr)
        deadline = time.monotonic() + DRAIN_TIMEOUT
        drain_began = time.monotonic()
        while True:
            state = outbox_state(env, session_pk)
            if state["sent"] >= state["notifications"] or time.monotonic() > deadline:
                break
            time.sleep(2)
        drain = time.monotonic() - drain_began
        time.sleep(3)  # room for a late duplicate to show up
        state = outbox_state(env, session_pk)
    finally:
        for cluster in clusters:
            stop_cluster(cluster)

    written = messages_written()
    counts = Counter(written)
    duplicates = sum(n - 1 for n in counts.values())
    full = answers.count(409)
    accepted = sum(1 for c in answers if c in (302, 303))
    report = {
        "booking attempts": len(answers),
        "servers / web workers / clusters": f"{len(PORTS)} / {2 * len(PORTS)} / 2",
        "capacity": CAPACITY,
        "places booked": state["taken"],
        "oversold": max(state["taken"] - CAPACITY, 0),
        "confirmed / waitlisted parties": f"{state['confirmed']} / {state['waitlisted']}",
        "told full (409)": full,
        "other answers (errors)": len(answers) - full - accepted,
        "booking rows == accepted": state["rows"] == accepted,
        "booking attempts/s": round(len(answers) / elapsed, 1),
        "page requests": len(statuses),
        "page requests/s": round(len(statuses) / page_elapsed, 1),
        "page 5xx or no answer": sum(1 for s in statuses if s >= 500 or s == 0),
        "clusters killed (SIGKILL) and restarted": kills,
        "mail server delay per message (ms)": round(MAIL_DELAY * 1000),
        "notifications created": state["notifications"],
        "notifications sent": state["sent"],
        "emails written": len(written),
        "duplicate emails": duplicates,
        "lost (created, never written)": state["notifications"] - len(counts),
        "sent again after a lost task (attempts > 1)": state["retried"],
        f"sent later than {RETRY_AFTER_SECONDS} s (recovered by the sweeper)": state["late"],
        "outbox drained after load (s)": round(drain, 1),
    }
    width = max(len(key) for key in report)
    for key, value in report.items():
        print(f"{key:<{width}}  {value}")
    failures = [
        name
        for name, bad in (
            ("oversold", report["oversold"]),
            ("errors", report["other answers (errors)"]),
            ("rows", not report["booking rows == accepted"]),
            ("5xx", report["page 5xx or no answer"]),
            ("unsent", state["notifications"] - state["sent"]),
            ("duplicates", duplicates),
            ("lost", report["lost (created, never written)"]),
        )
        if bad
    ]
    if failures:
        print("FAILED: " + ", ".join(failures), file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
