"""Faults in the production layout: a booking storm while a server or process breaks.

Run through ``faults.py`` (``redis``, ``kill``, ``pg-hole``, ``pg-terminate``, or
``storm`` for all four). Every scenario runs on a PostgreSQL cluster and a Redis of the
script's own (``fault_servers``), each reached through a loopback TCP proxy, with the
layout of issue #12: two gunicorns (2 workers × 4 threads) and two ``qcluster``s.
8 booking clients (parties of 3, one 60-place session, half of them willing to wait)
and 4 page loaders run for the whole scenario; after 8 s the fault starts:

- **redis**: Redis cut off for 12 s (new connections refused, open ones dropped);
- **kill**: ``kill -9`` of one gunicorn worker and of a whole ``qcluster`` (restarted);
- **pg-hole**: PostgreSQL black-holed for 12 s (connections hang, nothing is refused);
- **pg-terminate**: ``pg_terminate_backend`` of every application connection, every
  second for 10 s.

Reported per scenario: answers, 500s (target 0; an outage may give 503), bookings
saved but answered with an error (0, except the answer a killed process never sent),
answers of 302 with no booking, overselling, messages lost and sent twice, booking
latencies, and the time from the fault's end to the first booking answered again.
"""

import json
import os
import shutil
import signal
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

import faults
import harness
from fault_servers import Proxy, private_postgres, private_redis
from visitors import Client

FAULT_AT = 8
FAULT_SECONDS = 12
AFTER = 20  # seconds the storm runs on after the fault
ATTEMPTS = 400

OUTCOME = """
import json
from events import selectors
from core.outbox import OutboxMessage
from events.messages import ABOUT_BOOKING
from events.models import Booking
b = Booking.objects.filter(session_id={pk})
n = OutboxMessage.objects.about(ABOUT_BOOKING, b.values("pk"))
print(json.dumps({{"taken": selectors.places_taken({pk}), "rows": b.count(),
    "organizations": list(b.values_list("organization", flat=True)),
    "notifications": n.count(), "sent": n.filter(sent_at__isnull=False).count()}}))
"""


def outcome(env, session_pk):
    return json.loads(faults.shell(env, OUTCOME.format(pk=session_pk)))


class Layout:
    """The servers of one run: private PostgreSQL and Redis behind proxies, the demo."""

    def __init__(self, pg_base, redis_base):
        os.environ["BENCH_PG_URL"] = f"{pg_base}/fb_faults_storm"
        os.environ["BENCH_REDIS_URL"] = f"{redis_base}/0"
        import scaleout  # reads the two URLs above

        self.scaleout = scaleout
        scaleout.reset_stores()
        pg_port = urllib.parse.urlsplit(pg_base).port
        self.pg_direct = scaleout.PG_URL
        self.pg_proxy = Proxy(pg_port)
        self.redis_proxy = Proxy(urllib.parse.urlsplit(redis_base).port)
        self.env = harness.bench_env(
            "faults-storm",
            database_url=f"postgres://postgres@127.0.0.1:{self.pg_proxy.port}/fb_faults_storm",
            redis_url=f"redis://127.0.0.1:{self.redis_proxy.port}/0",
            EMAIL_BACKEND="benchmarks.scaleout.FileEmailBackend",
            EMAIL_FILE_PATH=scaleout.MAIL_DIR,
            BOOKING_RATE_LIMIT_PER_IP=100_000,
            BOOKING_RATE_LIMIT_PER_PHONE=100,
            OUTBOX_LEASE_SECONDS=scaleout.LEASE_SECONDS,
            OUTBOX_RETRY_AFTER_SECONDS=scaleout.RETRY_AFTER_SECONDS,
            Q_WORKERS=2,
            PAGE_CACHE_SECONDS=600,
        )
        harness.prepare(self.env)

    def close(self):
        self.pg_proxy.close()
        self.redis_proxy.close()


def terminate_backends(layout):
    """End every connection of the application (not this one): returns how many."""
    import psycopg

    with psycopg.connect(layout.pg_direct, autocommit=True, connect_timeout=5) as conn:
        return conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]


def fault_redis(layout, processes, log):
    layout.redis_proxy.cut_off()
    time.sleep(FAULT_SECONDS)
    layout.redis_proxy.restore()


def fault_pg_hole(layout, processes, log):
    layout.pg_proxy.black_hole()
    time.sleep(FAULT_SECONDS)
    layout.pg_proxy.restore()


def fault_pg_terminate(layout, processes, log):
    for _ in range(10):
        log.append(terminate_backends(layout))
        time.sleep(1)


def fault_kill(layout, processes, log):
    web_workers = harness.children(processes["web"][0].pid)
    os.kill(web_workers[0], signal.SIGKILL)  # gunicorn's master starts another
    cluster = processes["clusters"][0]
    os.killpg(cluster.pid, signal.SIGKILL)
    cluster.wait()
    log.append(f"killed web worker {web_workers[0]} and cluster group {cluster.pid}")
    time.sleep(2)
    processes["clusters"][0] = layout.scaleout.start_cluster(layout.env, 0)


FAULTS = {
    "redis": fault_redis,
    "kill": fault_kill,
    "pg-hole": fault_pg_hole,
    "pg-terminate": fault_pg_terminate,
}


def storm(layout, name):
    """One scenario: a fresh session and mail folder, the layout's processes started,
    the storm with the fault, then the outbox drained; returns (report, failures)."""
    env, scaleout = layout.env, layout.scaleout
    shutil.rmtree(scaleout.MAIL_DIR, ignore_errors=True)
    scaleout.MAIL_DIR.mkdir(parents=True)
    session_pk = int(faults.shell(env, faults.MAKE_SESSION))
    path = f"/booking/session/{session_pk}/"
    processes = {"clusters": [scaleout.start_cluster(env, i) for i in range(2)]}
    ports = [harness.free_port(), harness.free_port()]
    pages, answers, lock, stop, log = [], [], threading.Lock(), threading.Event(), []

    def load_pages(n):
        client = Client(ports[n % 2])
        while not stop.is_set():
            sent = time.monotonic()
            try:
                status, _ = client.request("GET", "/")
            except OSError as error:
                client.conn.close()
                status = type(error).__name__
            with lock:
                pages.append((sent, status))
            time.sleep(0.05)

    def book(n):
        client = faults.BurstClient(ports[n % 2])
        client.conn.timeout = 120
        token = None
        i = n
        while not stop.is_set() and i < ATTEMPTS:
            sent = time.monotonic()
            try:
                if token is None:
                    _, page = client.request("GET", path)
                    token = faults.csrf_token(page)
                status, headers = client.request_with_headers(
                    "POST", path, faults.booking_body(i, token, name)
                )
                answer = faults.classify(status, headers)
            except (OSError, AttributeError) as error:
                client.conn.close()
                answer = type(error).__name__
            with lock:
                answers.append((sent, time.monotonic() - sent, i, answer))
            i += 8
            time.sleep(0.1)

    serve_a = harness.serve(env, workers=2, threads=4, port=ports[0])
    serve_b = harness.serve(env, workers=2, threads=4, port=ports[1])
    with serve_a as (base, web_a), serve_b as (_, web_b):
        processes["web"] = [web_a, web_b]
        threads = [threading.Thread(target=load_pages, args=(n,)) for n in range(4)]
        threads += [threading.Thread(target=book, args=(n,)) for n in range(8)]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(FAULT_AT)
        fault_start = time.monotonic()
        FAULTS[name](layout, processes, log)
        fault_end = time.monotonic()
        health = health_after(base, fault_end)
        time.sleep(max(0, AFTER - (time.monotonic() - fault_end)))
        stop.set()
        for thread in threads:
            thread.join(180)
    state = drain(layout, session_pk)
    for cluster in processes["clusters"]:
        scaleout.stop_cluster(cluster)
    written = Counter(scaleout.messages_written())
    return report(name, answers, pages, state, written, log, began, fault_start, fault_end, health)


def health_after(base, since, timeout=60):
    """Seconds from ``since`` until /health/ answers 200 with the database and the cache
    working (None: not within ``timeout``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/health/", timeout=5) as response:
                checks = json.load(response)["checks"]
            if checks["database"]["ok"] and checks["cache"]["ok"]:
                return time.monotonic() - since
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.5)
    return None


def drain(layout, session_pk):
    """Wait (bounded) until every message of the session's bookings was sent."""
    deadline = time.monotonic() + layout.scaleout.DRAIN_TIMEOUT
    state = outcome(layout.env, session_pk)
    while time.monotonic() < deadline and state["sent"] < state["notifications"]:
        time.sleep(5)
        state = outcome(layout.env, session_pk)
    return state


def report(name, answers, pages, state, written, log, began, fault_start, fault_end, health):
    stored = Counter(state["organizations"])
    by_index = {i: answer for _, _, i, answer in answers}
    saved_errored = [
        i for i, answer in by_index.items() if answer != 302 and stored[f"故障测试学校{i}"]
    ]
    lost = [i for i, answer in by_index.items() if answer == 302 and not stored[f"故障测试学校{i}"]]
    counts = Counter(answer for *_, answer in answers)
    during = Counter(a for sent, _, _, a in answers if fault_start <= sent <= fault_end)
    latencies = sorted(seconds for _, seconds, _, _ in answers)
    back = [
        sent + seconds - fault_end
        for sent, seconds, _, answer in answers
        if sent >= fault_end and answer in (302, 409)
    ]
    duplicated = sum(count - 1 for count in written.values() if count > 1)
    page_counts = Counter(status for _, status in pages)
    five_hundreds = (
        sum(
            1
            for a in [*counts.elements(), *page_counts.elements()]
            if isinstance(a, int) and a >= 500
        )
        - counts[503]
        - page_counts[503]
    )
    lines = [
        f"{name}: fault {fault_start - began:.0f}–{fault_end - began:.0f} s {log or ''}",
        f"  bookings: {dict(sorted(counts.items(), key=str))}; during the fault: {dict(during)}",
        f"  pages: {dict(sorted(page_counts.items(), key=str))}",
        f"  booking latency p50 {statistics.median(latencies):.2f} s, "
        f"p99 {faults.percentile(latencies, 0.99):.2f} s, max {latencies[-1]:.2f} s",
        f"  stored: {state['rows']} bookings, {state['taken']} places taken; "
        f"saved but answered with an error: {len(saved_errored)} {saved_errored[:10]}; "
        f"302 without a booking: {len(lost)}",
        f"  messages: {state['notifications']} stored, {state['sent']} sent, "
        f"{sum(written.values())} written, {duplicated} twice",
        "  first booking answered after the fault: "
        + (f"{min(back):.1f} s" if back else "none")
        + "; /health/ healthy after "
        + (f"{health:.1f} s" if health is not None else "more than 60 s"),
    ]
    failures = []
    if five_hundreds:
        failures.append(f"{five_hundreds} answers 5xx other than 503")
    if lost:
        failures.append(f"{len(lost)} answers 302 without a booking")
    if state["taken"] > faults.CAPACITY:
        failures.append("oversold")
    if state["sent"] < state["notifications"]:
        failures.append(f"{state['notifications'] - state['sent']} messages never sent")
    if name != "kill" and saved_errored:
        failures.append(f"{len(saved_errored)} bookings saved but answered with an error")
    return "\n".join(lines), failures


def run(names):
    """Start the private servers once, run each scenario; returns the failures."""
    failures = []
    with private_postgres() as pg_base, private_redis() as redis_base:
        layout = Layout(pg_base, redis_base)
        try:
            for name in names:
                text, found = storm(layout, name)
                print(text, flush=True)
                failures += [f"{name}: {failure}" for failure in found]
        finally:
            layout.close()
    return failures
