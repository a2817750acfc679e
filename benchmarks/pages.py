"""Content pages under the production server, compared with a minimal Django view.

Sets up its own database (SQLite file under var/bench/, or DATABASE_URL if given) with
the demo content, serves it with gunicorn (2 workers, production settings; no page
cache unless --page-cache SECONDS; cached routes and fragments as in production unless
--fragment-cache 0) on 127.0.0.1, and measures each URL with a bounded threaded load
generator, in interleaved rounds (medians reported):
requests per second, p50/p99 latency, and server CPU per request read from the worker
processes' /proc/<pid>/stat. Every figure is also given as a ratio to the minimal view
measured in the same run (higher is better: page ÷ minimal for throughput, minimal ÷
page for latency and CPU).

    .venv/bin/python benchmarks/pages.py [--requests 400] [--concurrency 4] [--rounds 3]
"""

import argparse
import http.client
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "var" / "bench"
PY = sys.executable
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PORT", "8101"))
CLK_TCK = os.sysconf("SC_CLK_TCK")

URLS = [
    ("minimal view (reference)", "/bench/minimal/", 200),
    ("home", "/", 200),
    ("guide", "/safety-guides/e-bike-charging/", 200),
    ("experience-center index", "/experience-centers/", 200),
    ("search 电动车", "/search/?q=" + quote("电动车"), 200),
    ("404", "/no-such-page/", 404),
]


def environment(page_cache_seconds=0, fragment_cache_seconds=300):
    env = dict(os.environ)
    env.update(
        PAGE_CACHE_SECONDS=str(page_cache_seconds),
        FRAGMENT_CACHE_SECONDS=str(fragment_cache_seconds),
        DJANGO_SETTINGS_MODULE="benchmarks.pages_settings",
        SECRET_KEY="bench-" + "x" * 60,
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        FIREBREAK_VAR_DIR=str(BENCH),
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="WARNING",  # production's logging, minus the INFO lines
    )
    env.pop("REDIS_URL", None)
    return env


def manage(env, *args):
    subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def set_up(env):
    if not env.get("DATABASE_URL"):
        shutil.rmtree(BENCH, ignore_errors=True)
    BENCH.mkdir(parents=True, exist_ok=True)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    manage(env, "demo", "--no-admin")
    manage(env, "update_index")


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLK_TCK


def worker_pids(master):
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def fetch(path, expected):
    connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Host": HOST})
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    if response.status != expected:
        raise RuntimeError(f"{path}: {response.status}, expected {expected}")
    return elapsed


def measure(path, expected, requests, concurrency, pids):
    for _ in range(20):  # warm up: imports, template cache, renditions
        fetch(path, expected)
    latencies, lock = [], threading.Lock()
    remaining = [requests]

    def run():
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            elapsed = fetch(path, expected)
            with lock:
                latencies.append(elapsed)

    cpu_before = cpu_seconds(pids)
    started = time.perf_counter()
    threads = [threading.Thread(target=run) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cpu = cpu_seconds(pids) - cpu_before
    latencies.sort()
    return {
        "rps": requests / wall,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "cpu_ms": cpu / requests * 1000,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--skip-setup", action="store_true")
    parser.add_argument(
        "--page-cache",
        type=int,
        default=0,
        metavar="SECONDS",
        help="serve anonymous pages from the page cache (0, the default: render every time)",
    )
    parser.add_argument(
        "--fragment-cache",
        type=int,
        default=300,
        metavar="SECONDS",
        help="cached routes and {%% fragment %%}s, as in production (0: the raw cost)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="measure every URL this many times, interleaved; report the medians",
    )
    args = parser.parse_args()

    env = environment(args.page_cache, args.fragment_cache)
    if not args.skip_setup:
        set_up(env)
    server = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"{HOST}:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                fetch("/bench/minimal/", 200)
                break
            except OSError:
                time.sleep(0.2)
        pids = worker_pids(server.pid)
        rounds = {name: [] for name, _, _ in URLS}
        for _ in range(args.rounds):
            for name, path, expected in URLS:
                rounds[name].append(measure(path, expected, args.requests, args.concurrency, pids))
        results = {
            name: {key: statistics.median(run[key] for run in runs) for key in runs[0]}
            for name, runs in rounds.items()
        }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    ref = results["minimal view (reference)"]
    database = "PostgreSQL" if env.get("DATABASE_URL") else "SQLite"
    cache = f"page cache {args.page_cache} s" if args.page_cache else "no page cache"
    fragments = (
        f"fragment cache {args.fragment_cache} s" if args.fragment_cache else "no fragment cache"
    )
    print(
        f"\n{database}, {cache}, {fragments}, gunicorn 2 workers, {args.requests} requests "
        f"per URL, {args.concurrency} concurrent clients, {os.cpu_count()} cores; "
        f"medians of {args.rounds} interleaved rounds"
    )
    print("| page | req/s | ×min | p50 ms | ×min | p99 ms | CPU ms/req | ×min |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, r in results.items():
        print(
            f"| {name} | {r['rps']:.0f} | {r['rps'] / ref['rps']:.3f} | {r['p50']:.1f} | "
            f"{ref['p50'] / r['p50']:.3f} | {r['p99']:.1f} | {r['cpu_ms']:.2f} | "
            f"{ref['cpu_ms'] / r['cpu_ms']:.3f} |"
        )


if __name__ == "__main__":
    main()
