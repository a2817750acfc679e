"""QR scans under load: the redirect's speed, exact counting, and a cache restart.

Runs the production settings under gunicorn (2 workers) on 127.0.0.1 with the demo
content, against a private Redis started by this script on a free loopback port (never
a shared one: the script stops and restarts it). Three measurements:

1. **Speed**: ``/q/<code>/`` (a person's first scan: dedup mark, counter increment,
   302) against the minimal Django view, interleaved rounds, medians; the ratio is
   redirect ÷ minimal requests per second in the same run (the issue asks ≥ 0.5).
2. **Exactness**: 10,000 scans from 100 concurrent clients, 8,000 distinct phones (a
   fifth of the scans repeat a phone within 30 minutes), then one fold: the material
   must show exactly 8,000 scans.
3. **Cache restart**: scans, fold, more scans, Redis restarted (empty), scans during
   and right after, fold. Lost = scans after the last fold before the restart, plus
   those answered while Redis was down (fail open); the documented bound is "the scans
   since the last fold, and none during an outage are counted" (docs/scans.md).

Each phase also reads the web processes' scan outcomes from ``/metrics/``
(``firebreak_scans``: counted, repeat, machine, and every way a scan can go uncounted),
so that a shortfall names its cause; ``--stall`` freezes Redis for that many seconds
during the exactness phase, as an overloaded machine does. ``--cache file`` runs
against the file caches of an install without Redis instead (no restart phase there).

    .venv/bin/python benchmarks/scans.py [--requests 2000] [--concurrency 4] [--rounds 3]
        [--cache redis|file] [--phases speed,exact,restart] [--stall 1.5]
"""

import argparse
import http.client
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import (  # noqa: E402
    bench_env,
    free_port,
    prepare,
    serve,
    shell,
)

PHONE = "Mozilla/5.0 (Linux; Android 14) Mobile MicroMessenger/8.0.50 NetType/WIFI phone/"


class Redis:
    """A private redis-server on loopback, in memory only."""

    def __init__(self):
        self.port = free_port()
        self.folder = tempfile.mkdtemp(prefix="scans-redis-")
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", self.folder],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            try:
                with http.client.socket.create_connection(("127.0.0.1", self.port), 0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stall(self, after, seconds):
        """Freeze the server for ``seconds`` once ``after`` seconds have passed, as a
        starved or forking Redis does: connections stay open, replies stop."""

        def freeze():
            time.sleep(after)
            self.process.send_signal(signal.SIGSTOP)
            time.sleep(seconds)
            self.process.send_signal(signal.SIGCONT)

        thread = threading.Thread(target=freeze)
        thread.start()
        return thread

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"


NEW_MATERIAL = """
from media.reach import services
from media.reach.models import Material
template = Material.objects.filter(kind="truck").first()
m = Material(kind="leaflet", label="基准测试 {tag}", channel=template.channel,
             place=template.place, target_page=template.target_page,
             start_date=template.start_date)
print(services.save_material(m).code)
"""
FOLD = "from media.reach import services; print(services.fold_scans()['scans'])"
COUNT = """
from django.db.models import Sum
from media.reach.models import ScanCount
print(ScanCount.objects.filter(material__code="{code}").aggregate(n=Sum("count"))["n"] or 0)
"""


def run_load(port, paths_and_agents, concurrency, expected=None):
    """Send the requests over ``concurrency`` keep-alive connections; returns
    (seconds, latencies, statuses)."""
    items = list(paths_and_agents)
    lock, latencies, statuses = threading.Lock(), [], {}
    position = [0]

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if position[0] >= len(items):
                    break
                path, agent = items[position[0]]
                position[0] += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Host": "127.0.0.1", "User-Agent": agent})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = "error"
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if expected is not None and set(statuses) != {expected}:
        raise RuntimeError(f"unexpected statuses {statuses}")
    return wall, sorted(latencies), statuses


def scans(code, first_phone, count, repeat_every=0):
    """``count`` scans of ``code`` by phones first_phone…; every ``repeat_every``-th scan
    repeats the previous phone (a duplicate within 30 minutes)."""
    phone = first_phone
    for index in range(count):
        if not (repeat_every and index % repeat_every == repeat_every - 1):
            phone += 1
        yield f"/q/{code}/", f"{PHONE}{phone}"


def speed(port, code, requests, concurrency, rounds):
    results = {"minimal": [], "redirect": []}
    phone = 10_000_000
    for _ in range(rounds):
        wall, latencies, _ = run_load(
            port, [("/bench/minimal/", PHONE)] * requests, concurrency, expected=200
        )
        results["minimal"].append((requests / wall, statistics.median(latencies) * 1000))
        wall, latencies, _ = run_load(port, scans(code, phone, requests), concurrency, expected=302)
        phone += requests
        results["redirect"].append((requests / wall, statistics.median(latencies) * 1000))
    return {
        name: (statistics.median(r for r, _ in rows), statistics.median(p for _, p in rows))
        for name, rows in results.items()
    }


OUTCOME = re.compile(r'^firebreak_scans_total\{outcome="([^"]+)"\} ([0-9.e+]+)$', re.M)


def outcomes(port, token):
    """{outcome: scans so far} summed over the web processes (``/metrics/``)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        "GET", "/metrics/", headers={"Host": "127.0.0.1", "Authorization": f"Bearer {token}"}
    )
    text = connection.getresponse().read().decode()
    connection.close()
    return {name: int(float(value)) for name, value in OUTCOME.findall(text)}


def since(before, after):
    return {name: n - before.get(name, 0) for name, n in after.items() if n - before.get(name, 0)}


def load_average():
    return "/".join(f"{value:.1f}" for value in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cache", choices=("redis", "file"), default="redis")
    parser.add_argument("--phases", default="speed,exact,restart")
    parser.add_argument(
        "--stall",
        type=float,
        default=0,
        help="freeze Redis this many seconds, 20 s into the exactness phase",
    )
    args = parser.parse_args()
    phases = set(args.phases.split(","))
    token = secrets.token_urlsafe(16)

    redis = Redis()
    if args.cache == "redis":
        redis.start()
    else:
        phases.discard("restart")
    try:
        env = bench_env(
            f"scans-{args.cache}",
            redis_url=redis.url if args.cache == "redis" else None,
            DJANGO_SETTINGS_MODULE="benchmarks.pages_settings",
            METRICS_TOKEN=token,
        )
        print("preparing the benchmark database (demo content) …", flush=True)
        prepare(env)
        port = free_port()
        # A loaded machine can take minutes to start two workers.
        with serve(env, workers=2, port=port, start_timeout=300):
            print(f"cache: {args.cache}; load average at start {load_average()}")
            code = shell(env, NEW_MATERIAL.format(tag="speed"))
            run_load(port, scans(code, 0, 50), 2)  # warm up both workers
            run_load(port, [("/bench/minimal/", PHONE)] * 50, 2)
            if "speed" in phases:
                figures = speed(port, code, args.requests, args.concurrency, args.rounds)
                minimal, redirect = figures["minimal"], figures["redirect"]
                print(f"minimal view: {minimal[0]:.0f} req/s, p50 {minimal[1]:.1f} ms")
                print(f"scan redirect: {redirect[0]:.0f} req/s, p50 {redirect[1]:.1f} ms")
                print(f"ratio redirect ÷ minimal: {redirect[0] / minimal[0]:.2f}")
                print(f"load average after the speed rounds {load_average()}")

            if "exact" in phases:
                code = shell(env, NEW_MATERIAL.format(tag="exact"))
                before = outcomes(port, token)
                stalled = redis.stall(20, args.stall) if args.stall and redis.process else None
                wall, _, statuses = run_load(port, scans(code, 0, 10_000, repeat_every=5), 100)
                if stalled is not None:
                    stalled.join()
                shell(env, FOLD)
                counted = int(shell(env, COUNT.format(code=code)))
                print(
                    f"exactness: 10,000 scans by 100 clients in {wall:.1f} s ({statuses}); "
                    f"8,000 distinct phones; Redis frozen {args.stall:g} s; counted {counted}; "
                    f"outcomes {since(before, outcomes(port, token))}; "
                    f"load average {load_average()}"
                )

            if "restart" not in phases:
                return
            code = shell(env, NEW_MATERIAL.format(tag="restart"))
            before = outcomes(port, token)
            run_load(port, scans(code, 0, 3000), 20, expected=302)
            shell(env, FOLD)
            run_load(port, scans(code, 3000, 1000), 20, expected=302)  # not yet folded
            redis.stop()
            _, down_latencies, down = run_load(port, scans(code, 4000, 500), 20)
            redis.start()
            # No wait: a web process rests a failed cache for page reads (core/cache.py),
            # never for counting, so the scans right after the restart must count.
            run_load(port, scans(code, 4500, 2000), 20, expected=302)
            shell(env, FOLD)
            counted = int(shell(env, COUNT.format(code=code)))
            sent = 3000 + 1000 + 500 + 2000
            print(
                f"cache restart: {sent} scans sent, counted {counted}, lost {sent - counted}; "
                f"bound: 1000 unfolded before the restart + 500 during the outage = 1500; "
                f"outage answers {down}, p50 {statistics.median(down_latencies) * 1000:.1f} ms; "
                f"outcomes {since(before, outcomes(port, token))}; load average {load_average()}"
            )
    finally:
        redis.stop()


if __name__ == "__main__":
    main()
