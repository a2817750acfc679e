"""Booking under load: one hot session, through the real HTTP stack.

Runs a production-configured gunicorn (config/gunicorn.py) on 127.0.0.1 against a
separate benchmark database and fires booking form submissions from CLIENTS threads
released together, each a browser of its own (keep-alive connection, CSRF cookie and
token, its own phone number and idempotency key; half of them willing to wait). Each
request carries the moment it was sent in ``X-Request-Start``, as the proxy stamps it,
so the bounded wait (config/faults.py) applies as in production; with ``--no-stamp``
the server's worker stamps them itself, as with no proxy in front.

Per database, in one run:

- reference: ATTEMPTS GETs of the booking page by the same clients;
- hot session: ATTEMPTS bookings of one session with room for 90 % of them — confirmed
  bookings per second, p50/p95/p99, and exactly the capacity booked at the end;
- 60 places: ATTEMPTS bookings of a 60-place session — 60 booked, 0 oversold;
- control run: the same 60-place storm against a server with the guard turned off
  (benchmarks/booking_control_wsgi.py), which must oversell: proof that the
  benchmark can see the race it checks.

    .venv/bin/python benchmarks/booking.py                      # SQLite, then PostgreSQL
    .venv/bin/python benchmarks/booking.py --database postgresql --attempts 2000
    .venv/bin/python benchmarks/booking.py --database postgresql --keep-database
    .venv/bin/python benchmarks/booking.py --database postgresql --no-redis
    BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/<db>  BENCH_REDIS_URL=redis://…/<n>

PostgreSQL runs as in production, beside Redis (the cache, the rate limits, the
generations and the task queue: ``BENCH_REDIS_URL``, db 0 unless given); ``--no-redis``
runs it with the laptop's file cache and the database as the task queue instead. The
run's cache entries and the tasks it queued (no worker runs here) are removed after it.

Each run also gives the CPU the server used per request: the web workers and, on
PostgreSQL, the database's backends for the benchmark database. On a shared machine
the throughput follows the load; the CPU per request says what two idle cores would
serve.

Exits non-zero on any oversold place in a guarded run, any unexpected answer, or a
control run that did not oversell.
"""

import argparse
import contextlib
import os
import secrets
import sys
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # noqa: E402
    BENCH_DIR,
    bench_env,
    children,
    cpu_seconds,
    forget_redis_keys,
    manage,
    recreate_postgres_database,
    serve,
    shell,
)
from visitors import Client, booking_form, storm, summary  # noqa: E402

PARTY = 3
PG_URL = os.environ.get(
    "BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/firebreak_booking_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def make_session(env, capacity):
    code = (
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from events.models import Event, Session\n"
        "event, _ = Event.objects.get_or_create(title='Benchmark camp batch', defaults={"
        "'kind': 'camp_batch', 'party_max': 60})\n"
        "start = timezone.now() + timedelta(days=10)\n"
        "s = Session.objects.create(event=event, starts_at=start, ends_at=start + "
        f"timedelta(hours=3), venue='Bench', capacity={capacity})\n"
        "print(s.pk)\n"
    )
    return int(shell(env, code))


def outcome(env, session_pk):
    """Places held by the stored rows, the session's counter, confirmed, waitlisted, rows."""
    code = (
        "from events import selectors\n"
        "from events.models import Booking, Session\n"
        f"qs = Booking.objects.filter(session_id={session_pk})\n"
        f"print(selectors.places_taken({session_pk}),"
        # The counter, on a code base that has one.
        f" getattr(Session.objects.get(pk={session_pk}), 'taken', -1),"
        " qs.filter(status='confirmed').count(), qs.filter(status='waitlisted').count(),"
        " qs.count())\n"
    )
    return [int(x) for x in shell(env, code).split()]


def booking_body(run):
    return lambda i, token: booking_form(token, i, run=run, party_size=PARTY)


class ServerCPU:
    """CPU seconds used by the web workers and by the database's backends for this
    benchmark's database (PostgreSQL), between ``start()`` and ``ms_per(requests)``."""

    def __init__(self, master_pid, database_url):
        self.master_pid = master_pid
        self.database_url = database_url if database_url.startswith("postgres") else ""

    def _pids(self):
        pids = children(self.master_pid)
        if self.database_url:
            import psycopg

            dbname = urllib.parse.urlsplit(self.database_url).path.lstrip("/")
            with psycopg.connect(self.database_url, autocommit=True) as conn:
                rows = conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> "
                    "pg_backend_pid()",
                    [dbname],
                ).fetchall()
            pids += [pid for (pid,) in rows]
        return pids

    def _sample(self):
        found = {}
        for pid in self._pids():
            with contextlib.suppress(OSError):  # ended meanwhile
                found[pid] = cpu_seconds(pid)
        return found

    def start(self):
        self.before = self._sample()

    def ms_per(self, requests):
        """CPU ms per request; a backend that ended during the storm is not counted."""
        after = self._sample()
        used = sum(cpu - self.before.get(pid, 0.0) for pid, cpu in after.items())
        return round(used * 1000 / max(requests, 1), 1)


def booking_run(env, port, name, capacity, attempts, clients, cpu):
    session_pk = make_session(env, capacity)
    cpu.start()
    results, elapsed = storm(
        port, f"/booking/session/{session_pk}/", booking_body(name), attempts, clients
    )
    cpu_ms = cpu.ms_per(attempts)
    held, counter, confirmed, waitlisted, rows = outcome(env, session_pk)
    stats = summary(results, elapsed)
    codes = stats.pop("codes")
    accepted = sum(1 for c in codes if c in (302, 303))
    full = codes.count(409)
    return {
        "run": name,
        "capacity": capacity,
        "places booked": held,
        "counter": counter,
        "oversold": max(held - capacity, 0),
        "confirmed": confirmed,
        "confirmed/s": round(confirmed / elapsed, 1),
        "waitlisted": waitlisted,
        "full 409": full,
        "errors": len(codes) - accepted - full - stats["busy 503"],
        "rows == accepted": rows == accepted,
        "server CPU ms/request": cpu_ms,
        **stats,
    }


def bench(name, database_url, redis_url, attempts, clients, workers, threads, control, port=None):
    run_id = secrets.token_hex(4)
    try:
        return _bench(
            name,
            database_url,
            redis_url,
            attempts,
            clients,
            workers,
            threads,
            control,
            port,
            run_id,
        )
    finally:
        if redis_url:
            forget_redis_keys(redis_url, f"bench-booking-{run_id}")


def _bench(
    name, database_url, redis_url, attempts, clients, workers, threads, control, port, run_id
):
    env = bench_env(
        f"booking-{name}",
        database_url=database_url,
        redis_url=redis_url,
        CACHE_KEY_PREFIX=f"bench-booking-{run_id}",
        # The booking messages' tasks wait in a queue of this run's own, removed after it.
        Q_CLUSTER_NAME=f"bench-booking-{run_id}",
        # One address sends every attempt here; the per-IP limit is for real visitors.
        BOOKING_RATE_LIMIT_PER_IP=attempts * 100,
    )
    Path(env["FIREBREAK_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    rows = []
    with serve(env, workers=workers, threads=threads, port=port, start_timeout=300) as (
        base,
        master,
    ):
        port = int(base.rsplit(":", 1)[1])
        cpu = ServerCPU(master.pid, database_url)
        reference_pk = make_session(env, 60)
        cpu.start()
        ref = summary(
            *storm(port, f"/booking/session/{reference_pk}/", lambda i, t: None, attempts, clients)
        )
        ref["server CPU ms/request"] = cpu.ms_per(attempts)
        ref.pop("codes")
        rows.append({"run": "GET booking page (reference)", **ref})
        hot_capacity = attempts * PARTY * 9 // 10
        rows.append(booking_run(env, port, "hot session", hot_capacity, attempts, clients, cpu))
        rows.append(booking_run(env, port, "60 places", 60, attempts, clients, cpu))
    if control:
        unguarded = "benchmarks.booking_control_wsgi"
        with serve(
            env,
            workers=workers,
            threads=threads,
            port=port and port + 1,
            app=unguarded,
            start_timeout=300,
        ) as (base, master):
            port = int(base.rsplit(":", 1)[1])
            cpu = ServerCPU(master.pid, database_url)
            rows.append(booking_run(env, port, "control: guard off", 60, attempts, clients, cpu))
    for row in rows:
        row["database"] = name
        row["ratio to GET"] = round(row["per s"] / ref["per s"], 2)
    return rows


COLUMNS = [
    "database",
    "run",
    "requests",
    "per s",
    "ratio to GET",
    "confirmed",
    "confirmed/s",
    "capacity",
    "places booked",
    "counter",
    "oversold",
    "waitlisted",
    "full 409",
    "busy 503",
    "errors",
    "rows == accepted",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "server CPU ms/request",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--attempts", type=int, default=int(os.environ.get("BENCH_ATTEMPTS", 1000)))
    parser.add_argument("--clients", type=int, default=int(os.environ.get("BENCH_CLIENTS", 50)))
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--no-control", dest="control", action="store_false")
    parser.add_argument(
        "--no-redis",
        action="store_true",
        help="PostgreSQL with the file cache and the database as the task queue",
    )
    parser.add_argument(
        "--no-stamp",
        dest="stamp",
        action="store_false",
        help="send no X-Request-Start, as with no proxy in front: the server's worker "
        "stamps each request itself (config/gunicorn_worker.py)",
    )
    parser.add_argument(
        "--port",
        type=int,
        help="the server's port on 127.0.0.1 (the control run's is the next one); "
        "a free port when not given",
    )
    parser.add_argument(
        "--keep-database",
        action="store_true",
        help="PostgreSQL: reuse the benchmark database of an earlier run (migrate only)",
    )
    args = parser.parse_args()
    Client.stamp = args.stamp
    runs = []
    if args.database in ("sqlite", "both"):
        sqlite = BENCH_DIR / "booking-sqlite.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
        runs.append(("sqlite", f"sqlite:///{sqlite}", ""))
    if args.database in ("postgresql", "both") and (
        args.keep_database or recreate_postgres_database(PG_URL)
    ):
        runs.append(("postgresql", PG_URL, "" if args.no_redis else REDIS_URL))
    rows = []
    for name, url, redis_url in runs:
        rows += bench(
            name,
            url,
            redis_url,
            args.attempts,
            args.clients,
            args.workers,
            args.threads,
            args.control,
            args.port,
        )
    print("| " + " | ".join(COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    for row in rows:
        print("| " + " | ".join(str(row.get(key, "")) for key in COLUMNS) + " |")
    guarded = [row for row in rows if "confirmed" in row and not row["run"].startswith("control")]
    failed = [row for row in guarded if row["oversold"] or row["errors"]]
    failed += [row for row in rows if row["run"].startswith("control") and not row["oversold"]]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
