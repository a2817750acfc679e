"""Booking under load: 1,000 concurrent attempts against one 60-place session.

Runs a production-configured gunicorn on 127.0.0.1 against a separate benchmark
database (SQLite in var/bench/, and PostgreSQL when available), creates one session of
60 places, then fires ATTEMPTS form submissions (each with its own phone number and
idempotency key, half of them willing to wait) from CLIENTS threads at once through the
real HTTP stack: CSRF, middleware, form, view, the locked service.

It reports places booked (oversold must be 0), answers other than "booked/waitlisted"
(303/302) or "full" (409) (must be 0), and attempts per second, next to a reference
measured in the same run: the same number of GETs of the booking page.

    .venv/bin/python benchmarks/booking.py            # SQLite, then PostgreSQL
    BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/firebreak_booking_bench ...
"""

import http.client
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BENCH_DIR = ROOT / "var" / "bench"
ATTEMPTS = int(os.environ.get("BENCH_ATTEMPTS", "1000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "50"))
CAPACITY = 60
PARTY = 3
PG_URL = os.environ.get(
    "BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/firebreak_booking_bench"
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(name, database_url):
    var = BENCH_DIR / f"booking-{name}"
    var.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SMS_BACKEND=os.environ.get("SMS_BACKEND", "events.sms.LogSMSBackend"),
        SITE_URL="http://127.0.0.1",
        DATABASE_URL=database_url,
        FIREBREAK_VAR_DIR=str(var),
        LOG_LEVEL="WARNING",
        # One address sends every attempt here; the per-IP limit is for real visitors.
        BOOKING_RATE_LIMIT_PER_IP=str(ATTEMPTS * 10),
    )
    return env


def run(env, *args):
    subprocess.run([PYTHON, *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def make_session(env):
    code = (
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from events.models import Event, Session\n"
        "event, _ = Event.objects.get_or_create(title='Benchmark camp batch', defaults={"
        "'kind': 'camp_batch', 'party_max': 60})\n"
        "start = timezone.now() + timedelta(days=10)\n"
        f"s = Session.objects.create(event=event, starts_at=start, ends_at=start + "
        f"timedelta(hours=3), venue='Bench', capacity={CAPACITY})\n"
        "print(s.pk)\n"
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


def outcome(env, session_pk):
    code = (
        "from events import selectors\n"
        "from events.models import Booking\n"
        f"qs = Booking.objects.filter(session_id={session_pk})\n"
        f"print(selectors.places_taken({session_pk}), qs.filter(status='confirmed').count(),"
        " qs.filter(status='waitlisted').count(), qs.count())\n"
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return [int(x) for x in out.stdout.split()[-4:]]


class Client:
    """One keep-alive HTTP connection with its own cookies, like one browser."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies = {}

    def request(self, method, path, body=None):
        headers = {
            "Host": f"127.0.0.1:{self.conn.port}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.conn.port}"
            headers["Referer"] = f"http://127.0.0.1:{self.conn.port}{path}"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data


def serve(env, port):
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "3",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/robots.txt")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("the benchmark server did not start")


def storm(port, path, make_body):
    """ATTEMPTS requests from CLIENTS threads started together; status codes and latencies."""
    per_client = [list(range(i, ATTEMPTS, CLIENTS)) for i in range(CLIENTS)]
    start = threading.Barrier(CLIENTS + 1)
    results = []
    lock = threading.Lock()

    def client_run(indices):
        client = Client(port)
        status, page = client.request("GET", path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        start.wait()
        for i in indices:
            began = time.perf_counter()
            body = make_body(i, token)
            status, _ = client.request("POST" if body else "GET", path, body)
            with lock:
                results.append((status, time.perf_counter() - began))

    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(client_run, indices) for indices in per_client]
        start.wait()
        began = time.perf_counter()
        for future in futures:
            future.result()
        elapsed = time.perf_counter() - began
    return results, elapsed


def booking_body(i, token):
    fields = {
        "csrfmiddlewaretoken": token,
        "organization": f"基准测试学校{i}",
        "organization_type": "school",
        "contact_name": "王老师",
        "phone": f"139{i:08d}",
        "party_size": str(PARTY),
        "adults": "1",
        "privacy_consent": "on",
        "idempotency_key": f"bench-{i:06d}-{secrets.token_hex(8)}",
    }
    if i % 2:
        fields["join_waitlist"] = "on"
    return urllib.parse.urlencode(fields)


def bench(name, database_url):
    env = environment(name, database_url)
    run(env, "manage.py", "migrate", "--no-input", "-v0")
    run(env, "manage.py", "collectstatic", "--no-input", "-v0")
    session_pk = make_session(env)
    port = free_port()
    server = serve(env, port)
    path = f"/booking/session/{session_pk}/"
    try:
        reference, ref_elapsed = storm(port, path, lambda i, token: None)
        results, elapsed = storm(port, path, booking_body)
    finally:
        server.terminate()
        server.wait(timeout=30)
    taken, confirmed, waitlisted, rows = outcome(env, session_pk)
    codes = [status for status, _ in results]
    full = codes.count(409)
    accepted = sum(1 for c in codes if c in (302, 303))
    errors = len(codes) - full - accepted
    latencies = sorted(latency for _, latency in results)
    report = {
        "database": name,
        "attempts": len(codes),
        "clients": CLIENTS,
        "capacity": CAPACITY,
        "places booked": taken,
        "oversold": max(taken - CAPACITY, 0),
        "confirmed parties": confirmed,
        "waitlisted parties": waitlisted,
        "told full (409)": full,
        "other answers (errors)": errors,
        "rows == accepted": rows == accepted,
        "attempts/s": round(len(codes) / elapsed, 1),
        "median ms": round(statistics.median(latencies) * 1000, 1),
        "p95 ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
        "reference GET/s": round(len(reference) / ref_elapsed, 1),
        "ratio to GET": round((len(codes) / elapsed) / (len(reference) / ref_elapsed), 2),
    }
    return report


def postgres_available():
    try:
        import psycopg
    except ImportError:
        return False
    parts = urllib.parse.urlsplit(PG_URL)
    admin = parts._replace(path="/postgres").geturl()
    dbname = parts.path.lstrip("/")
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
            conn.execute(f'CREATE DATABASE "{dbname}"')
    except psycopg.Error:
        return False
    return True


def main():
    sqlite = BENCH_DIR / "booking-sqlite.sqlite3"
    shutil.rmtree(BENCH_DIR / "booking-sqlite", ignore_errors=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
    reports = [bench("sqlite", f"sqlite:///{sqlite}")]
    if postgres_available():
        reports.append(bench("postgresql", PG_URL))
    else:
        print("PostgreSQL not reachable: skipped", file=sys.stderr)
    keys = list(reports[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for report in reports:
        print("| " + " | ".join(str(report[key]) for key in keys) + " |")
    failed = [r for r in reports if r["oversold"] or r["other answers (errors)"]]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
