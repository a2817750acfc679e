"""Faults: a booking storm while things break, and a 1,000-client burst on SQLite.

    .venv/bin/python benchmarks/faults.py burst      # make run's server on SQLite
    .venv/bin/python benchmarks/faults.py redis      # production layout, Redis cut off
    .venv/bin/python benchmarks/faults.py all

**burst** starts the web server and worker the way ``make run`` does (gunicorn, one
process, ``GUNICORN_THREADS`` threads, the dev settings, SQLite in ``var/bench``) and
sends BENCH_BURST (1,000) booking POSTs from as many connections at once, all released
by one barrier, at one 60-place session. Every answer must be a booking or a waitlist
place (302), 409 (full, not waiting) or 503 with ``Retry-After``; no 500, no reset, and
every 302 must match exactly one stored booking.

**redis** is the production layout (two gunicorns, two ``qcluster``s, PostgreSQL
``BENCH_PG_URL``, default ``fb_faults_bench``, dropped and made afresh; Redis
``BENCH_REDIS_URL``, default db 10, flushed) with Redis reached through a TCP proxy
this script runs on loopback: a booking storm, and during it Redis is cut off for
12 s (the proxy refuses and drops every connection), then restored. It reports 500s,
saved-but-errored answers, overselling, lost and duplicated messages, and the time
from the restore until ``/health/`` sees the cache working again.

Loopback only; every loop is bounded. Exit status 1 when an invariant fails.
"""

import json
import os
import re
import secrets
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from booking import Client  # noqa: E402

BURST = int(os.environ.get("BENCH_BURST", "1000"))
THREADS = int(os.environ.get("GUNICORN_THREADS", "16"))
CAPACITY = 60
PARTY = 3
CUT_SECONDS = 12

MAKE_SESSION = f"""
from datetime import timedelta
from django.utils import timezone
from events.models import Event, Session
event, _ = Event.objects.get_or_create(
    title="Faults benchmark", defaults={{"kind": "camp_batch", "party_max": 60}}
)
start = timezone.now() + timedelta(days=10)
session = Session.objects.create(
    event=event, starts_at=start, ends_at=start + timedelta(hours=3), venue="Bench",
    capacity={CAPACITY},
)
print(session.pk)
"""

OUTCOME = """
from events import selectors
from events.models import Booking, Notification
b = Booking.objects.filter(session_id={pk})
n = Notification.objects.filter(booking__session_id={pk})
print(selectors.places_taken({pk}), b.exclude(status="waitlisted").count(),
      b.filter(status="waitlisted").count(), b.count(), n.count(),
      n.filter(sent_at__isnull=False).count())
"""


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


def outcome(env, session_pk):
    keys = ("taken", "booked", "waitlisted", "rows", "notifications", "sent")
    return dict(zip(keys, map(int, shell(env, OUTCOME.format(pk=session_pk)).split()), strict=True))


def booking_body(i, token, prefix):
    fields = {
        "csrfmiddlewaretoken": token,
        "organization": f"故障测试学校{i}",
        "organization_type": "school",
        "contact_name": "王老师",
        "phone": f"136{i:08d}",
        "email": f"teacher{i}@example.cn",
        "party_size": str(PARTY),
        "adults": "1",
        "privacy_consent": "on",
        "idempotency_key": f"{prefix}-{i:06d}-{secrets.token_hex(8)}",
    }
    if i % 2:
        fields["join_waitlist"] = "on"
    return urllib.parse.urlencode(fields)


def classify(status, headers):
    if status == 503 and not headers.get("Retry-After"):
        return "503 without Retry-After"
    return status


class BurstClient(Client):
    def request_with_headers(self, method, path, body=None):
        headers = {"Host": f"127.0.0.1:{self.conn.port}"}
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.conn.port}"
            headers["Referer"] = f"http://127.0.0.1:{self.conn.port}{path}"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        response.read()
        return response.status, dict(response.headers)


def one_shot_storm(port, path, count, prefix, timeout=180):
    """``count`` connections, each GETs the form, then all POST at once; answers + times."""
    barrier = threading.Barrier(count + 1, timeout=timeout)
    answers, lock = [], threading.Lock()

    def run(i):
        client = BurstClient(port)
        client.conn.timeout = timeout
        try:
            _, page = client.request("GET", path)
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        except (OSError, AttributeError) as error:
            barrier.abort()
            raise RuntimeError(f"form GET failed: {error}") from error
        # The form's connection has idled past the server's keep-alive by now: every
        # client opens a new one, as the barrier releases them, all at once.
        client.conn.close()
        barrier.wait()
        began = time.perf_counter()
        try:
            status, headers = client.request_with_headers(
                "POST", path, booking_body(i, token.decode(), prefix)
            )
            answer = classify(status, headers)
        except ConnectionResetError:
            answer = "reset"
        except OSError as error:
            answer = type(error).__name__
        with lock:
            answers.append((answer, time.perf_counter() - began))
        client.conn.close()

    threading.stack_size(256 * 1024)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    barrier.wait()
    for thread in threads:
        thread.join(timeout + 30)
    return answers


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def burst():
    """BURST simultaneous booking POSTs against make run's server on SQLite."""
    name = "faults-sqlite"
    shutil.rmtree(harness.BENCH_DIR / name, ignore_errors=True)
    env = harness.bench_env(name, BOOKING_RATE_LIMIT_PER_IP=BURST * 10)
    env.pop("DATABASE_URL")  # make run: SQLite in FIREBREAK_VAR_DIR
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    env["DEBUG"] = "0"  # the dev settings, without the debug pages' cost
    Path(env["FIREBREAK_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    harness.manage(env, "migrate", "--no-input", "-v0")
    session_pk = int(shell(env, MAKE_SESSION))
    port = harness.free_port()
    web_env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": str(THREADS),
        "GUNICORN_GRACEFUL_TIMEOUT": "5",
    }
    log = (harness.BENCH_DIR / f"{name}.log").open("wb")
    cluster = subprocess.Popen(
        [harness.PYTHON, "manage.py", "qcluster"],
        cwd=harness.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    web = subprocess.Popen(
        [harness.PYTHON, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=harness.ROOT,
        env=web_env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    try:
        harness.wait_until_up(f"http://127.0.0.1:{port}/robots.txt", timeout=120)
        path = f"/booking/session/{session_pk}/"
        began = time.perf_counter()
        answers = one_shot_storm(port, path, BURST, "burst")
        elapsed = time.perf_counter() - began
    finally:
        for process in (web, cluster):
            os.killpg(process.pid, signal.SIGTERM)
        for process in (web, cluster):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    state = outcome(env, session_pk)
    counts = Counter(answer for answer, _ in answers)
    times = [seconds for _, seconds in answers]
    print(f"burst: {BURST} POSTs at once, gunicorn 1 process x {THREADS} threads, SQLite")
    print(f"  answers: {dict(sorted(counts.items(), key=str))}, in {elapsed:.1f} s")
    print(
        f"  latency p50 {median(times):.2f} s, p99 {percentile(times, 0.99):.2f} s, "
        f"max {max(times):.2f} s"
    )
    print(f"  stored: {state}")
    allowed = {302, 409, 503}
    failures = []
    if len(answers) != BURST:
        failures.append(f"{BURST - len(answers)} requests got no answer")
    if set(counts) - allowed:
        failures.append(f"answers outside {sorted(allowed)}: {set(counts) - allowed}")
    if counts[302] != state["rows"]:
        failures.append(f"{counts[302]} redirects but {state['rows']} bookings stored")
    if state["taken"] > CAPACITY:
        failures.append(f"oversold: {state['taken']} > {CAPACITY}")
    return failures


class Proxy:
    """A TCP proxy on loopback that can cut its upstream off and restore it."""

    def __init__(self, upstream_port):
        self.upstream = ("127.0.0.1", upstream_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(512)
        self.port = self.listener.getsockname()[1]
        self.cut = threading.Event()
        self.stopped = threading.Event()
        self.pairs, self.lock = [], threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopped.is_set():
            readable, _, _ = select.select([self.listener], [], [], 0.2)
            if not readable:
                continue
            client, _ = self.listener.accept()
            if self.cut.is_set():
                client.close()  # refused, as by a host that is down
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=2)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.pairs.append((client, server))
            threading.Thread(target=self._pipe, args=(client, server), daemon=True).start()

    def _pipe(self, client, server):
        sockets = [client, server]
        try:
            while not self.stopped.is_set() and not self.cut.is_set():
                readable, _, _ = select.select(sockets, [], [], 0.2)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (server if sock is client else client).sendall(data)
        except OSError:
            pass
        finally:
            client.close()
            server.close()

    def cut_off(self):
        self.cut.set()

    def restore(self):
        self.cut.clear()

    def close(self):
        self.stopped.set()
        self.listener.close()


def redis_cut():
    """The production layout with Redis cut off for CUT_SECONDS during a booking storm."""
    # Databases of this script's own (scaleout.py's are dropped and made afresh too).
    os.environ.setdefault("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/fb_faults_bench")
    os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
    import scaleout

    scaleout.reset_stores()
    redis_parts = urllib.parse.urlsplit(scaleout.REDIS_URL)
    proxy = Proxy(redis_parts.port or 6379)
    proxied = redis_parts._replace(netloc=f"127.0.0.1:{proxy.port}").geturl()
    env = harness.bench_env(
        "faults-redis",
        database_url=scaleout.PG_URL,
        redis_url=proxied,
        EMAIL_BACKEND="benchmarks.scaleout.FileEmailBackend",
        EMAIL_FILE_PATH=scaleout.MAIL_DIR,
        BOOKING_RATE_LIMIT_PER_IP=100_000,
        BOOKING_RATE_LIMIT_PER_PHONE=100,
        BOOKING_OUTBOX_LEASE_SECONDS=scaleout.LEASE_SECONDS,
        BOOKING_OUTBOX_RETRY_AFTER_SECONDS=scaleout.RETRY_AFTER_SECONDS,
        Q_WORKERS=2,
        PAGE_CACHE_SECONDS=600,
    )
    harness.prepare(env)
    session_pk = int(shell(env, MAKE_SESSION))
    clusters = [scaleout.start_cluster(env, i) for i in range(2)]
    ports = [harness.free_port(), harness.free_port()]
    statuses, answers, lock = [], [], threading.Lock()
    recovered = []
    serve_a = harness.serve(env, workers=2, threads=4, port=ports[0])
    serve_b = harness.serve(env, workers=2, threads=4, port=ports[1])
    with serve_a as (base_a, _), serve_b:
        stop = threading.Event()
        path = f"/booking/session/{session_pk}/"

        def pages(n):
            client = Client(ports[n % 2])
            while not stop.is_set():
                sent = time.monotonic()
                try:
                    status, _ = client.request("GET", "/")
                except OSError:
                    client.conn.close()
                    status = 0
                with lock:
                    statuses.append((sent, status))
                time.sleep(0.02)

        def bookings(n):
            client = BurstClient(ports[n % 2])
            _, page = client.request("GET", path)
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            i = n
            while not stop.is_set() and i < 400:
                sent = time.monotonic()
                try:
                    status, headers = client.request_with_headers(
                        "POST", path, booking_body(i, token.decode(), "redis")
                    )
                    answer = classify(status, headers)
                except OSError as error:
                    client.conn.close()
                    answer = type(error).__name__
                with lock:
                    answers.append((sent, answer))
                i += 8
                time.sleep(0.1)

        workers = [threading.Thread(target=pages, args=(n,)) for n in range(4)]
        workers += [threading.Thread(target=bookings, args=(n,)) for n in range(8)]
        for thread in workers:
            thread.start()
        time.sleep(8)
        proxy.cut_off()
        cut_at = time.monotonic()
        time.sleep(CUT_SECONDS)
        proxy.restore()
        restored_at = time.monotonic()
        deadline = restored_at + 60
        while time.monotonic() < deadline and not recovered:
            # Bookings start new generations all the time, so the home page is rarely a
            # cache hit during the storm: /health/ says when the cache works again.
            try:
                try:
                    with urllib.request.urlopen(base_a + "/health/", timeout=5) as response:
                        checks = json.load(response)["checks"]
                except urllib.error.HTTPError as error:  # 503: the worker not seen yet
                    checks = json.load(error)["checks"]
                if checks["cache"]["ok"]:
                    recovered.append(time.monotonic() - restored_at)
            except (OSError, ValueError, KeyError):
                pass
            time.sleep(0.5)
        time.sleep(5)
        stop.set()
        for thread in workers:
            thread.join(120)
    # Let the outbox drain before the clusters stop.
    deadline = time.monotonic() + scaleout.DRAIN_TIMEOUT
    state = outcome(env, session_pk)
    while time.monotonic() < deadline and state["sent"] < state["notifications"]:
        time.sleep(5)
        state = outcome(env, session_pk)
    for cluster in clusters:
        scaleout.stop_cluster(cluster)
    proxy.close()
    written = Counter(scaleout.messages_written())
    during = [s for t, s in statuses if cut_at <= t <= restored_at]
    booking_counts = Counter(a for _, a in answers)
    print(f"redis cut off for {CUT_SECONDS} s during a booking storm and page load")
    print(f"  pages: {dict(Counter(s for _, s in statuses))}")
    print(f"  pages during the cut: {dict(Counter(during))}")
    print(f"  bookings: {dict(booking_counts)}")
    print(f"  stored: {state}")
    duplicated = sum(count - 1 for count in written.values() if count > 1)
    print(f"  messages written: {sum(written.values())}, duplicated: {duplicated}")
    if recovered:
        print(f"  /health/ saw the cache working {recovered[0]:.1f} s after the restore")
    else:
        print("  the cache was not serving again within 60 s of the restore")
    failures = []
    five_hundreds = sum(1 for _, s in statuses if s >= 500 and s != 503)
    five_hundreds += sum(1 for _, a in answers if isinstance(a, int) and a >= 500 and a != 503)
    if five_hundreds:
        failures.append(f"{five_hundreds} answers 5xx other than 503")
    if booking_counts[302] != state["rows"]:
        failures.append(f"{booking_counts[302]} redirects, {state['rows']} bookings stored")
    if state["taken"] > CAPACITY:
        failures.append("oversold")
    if state["sent"] < state["notifications"]:
        failures.append(f"{state['notifications'] - state['sent']} messages never sent")
    return failures


SCENARIOS = {"burst": burst, "redis": redis_cut}


def main():
    chosen = sys.argv[1:] or ["burst"]
    if chosen == ["all"]:
        chosen = list(SCENARIOS)
    failures = []
    for name in chosen:
        failures += [f"{name}: {failure}" for failure in SCENARIOS[name]()]
    for failure in failures:
        print("FAIL", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
