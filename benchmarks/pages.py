"""Every public page type under the production server, against the framework's floor.

Sets up its own database (SQLite file under var/bench/, or DATABASE_URL if given) with
the demo content and serves it with gunicorn (2 workers, 1 thread each, production
settings; no page cache unless --page-cache SECONDS; cached routes and fragments as in
production unless --fragment-cache 0) on 127.0.0.1. Beside it, under the same gunicorn
settings, runs the framework's floor: a bare Django project with Django's default
middleware and one minimal view (``benchmarks/floor_settings.py``).

Each URL is measured with a bounded threaded load generator, in interleaved rounds
(medians reported): requests per second, p50/p99 latency, and server CPU per request
read from the worker processes' /proc/<pid>/stat. Two references measured in the same
run: the floor, and the same minimal view inside Firebreak's own middleware stack
("in-stack"). Ratios are the reference's figure over the page's (higher is better:
page ÷ reference for throughput, reference ÷ page for CPU). Before the load, each page's
SQL queries are counted in-process (first render, and a second render once the
process's own caches are warm).

    .venv/bin/python benchmarks/pages.py [--requests 300] [--concurrency 4] [--rounds 3]
        [--page-cache SECONDS] [--fragment-cache SECONDS] [--only home,guide]
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402 - a sibling script, not a package

HOST = "127.0.0.1"
FLOOR = "floor: minimal view, Django's default middleware"
IN_STACK = "in-stack: minimal view, Firebreak's middleware"

#: (name, path, expected status); the first two are the references.
URLS = [
    (FLOOR, "/bench/minimal/", 200),
    (IN_STACK, "/bench/minimal/", 200),
    ("home", "/", 200),
    ("guide", "/safety-guides/e-bike-charging/", 200),
    ("campaign", "/campaigns/100-day-campaign/", 200),
    ("camp", "/summer-camp/", 200),
    ("centre", "/experience-centers/xinqiao-community/", 200),
    ("centre index", "/experience-centers/", 200),
    ("contest gallery", "/children-contest/", 200),
    ("news", "/news/winter-e-bike-charging/", 200),
    ("booking list", "/booking/", 200),
    ("search 电动车", "/search/?q=" + quote("电动车"), 200),
    ("404", "/no-such-page/", 404),
]


def environment(page_cache_seconds=0, fragment_cache_seconds=300):
    return harness.bench_env(
        "pages",
        database_url=os.environ.get("DATABASE_URL"),
        redis_url=os.environ.get("REDIS_URL"),
        DJANGO_SETTINGS_MODULE="benchmarks.pages_settings",
        PAGE_CACHE_SECONDS=page_cache_seconds,
        FRAGMENT_CACHE_SECONDS=fragment_cache_seconds,
        ALLOWED_HOSTS=HOST,
    )


def count_queries():
    """In a Django process: each page's queries, first and second render (JSON on stdout)."""
    import django

    sys.path.insert(0, str(harness.ROOT))
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, counts = Client(HTTP_HOST=HOST), {}
    for name, path, expected in URLS[1:]:
        renders = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            if response.status_code != expected:
                raise RuntimeError(f"{path}: {response.status_code}, expected {expected}")
            renders.append(len(queries))
        counts[name] = renders
    print(json.dumps(counts))


def fetch(port, path, expected):
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Host": HOST})
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    if response.status != expected:
        raise RuntimeError(f"{path}: {response.status}, expected {expected}")
    return elapsed, response.getheader("X-Page-Cache")


def measure(port, path, expected, requests, concurrency, pids):
    for _ in range(20):  # warm up: imports, template cache, renditions, the page cache
        fetch(port, path, expected)
    latencies, hits, lock = [], [0], threading.Lock()
    remaining = [requests]

    def run():
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            elapsed, cache = fetch(port, path, expected)
            with lock:
                latencies.append(elapsed)
                hits[0] += cache == "hit"

    cpu_before = sum(harness.cpu_seconds(pid) for pid in pids)
    started = time.perf_counter()
    threads = [threading.Thread(target=run) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cpu = sum(harness.cpu_seconds(pid) for pid in pids) - cpu_before
    latencies.sort()
    return {
        "rps": requests / wall,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "cpu_ms": cpu / requests * 1000,
        "hit_rate": hits[0] / requests,
    }


def floor_environment(env):
    return {**env, "DJANGO_SETTINGS_MODULE": "benchmarks.floor_settings"}


def port_of(base):
    return int(base.rsplit(":", 1)[1])


def run(args, env):
    selected = URLS[:2] + [url for url in URLS[2:] if not args.only or url[0] in args.only]
    queries = json.loads(
        subprocess.run(
            [harness.PYTHON, __file__, "--count-queries"],
            cwd=harness.ROOT,
            env={**env, "FRAGMENT_CACHE_SECONDS": "0", "PAGE_CACHE_SECONDS": "0"},
            check=True,
            capture_output=True,
            text=True,
        ).stdout.splitlines()[-1]
    )
    with (
        harness.serve(env, workers=2, threads=1) as (base, server),
        harness.serve(floor_environment(env), workers=2, threads=1) as (floor_base, floor),
    ):
        pids = {True: harness.children(floor.pid), False: harness.children(server.pid)}
        ports = {True: port_of(floor_base), False: port_of(base)}
        rounds = {name: [] for name, _, _ in selected}
        for _ in range(args.rounds):
            for name, path, expected in selected:
                on_floor = name == FLOOR
                rounds[name].append(
                    measure(
                        ports[on_floor],
                        path,
                        expected,
                        args.requests,
                        args.concurrency,
                        pids[on_floor],
                    )
                )
    results = {
        name: {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        for name, runs in rounds.items()
    }
    return results, queries


def report(args, env, results, queries):
    floor, in_stack = results[FLOOR], results[IN_STACK]
    database = "PostgreSQL" if "postgres" in env["DATABASE_URL"] else "SQLite"
    cache = "Redis" if env.get("REDIS_URL") else "file cache"
    pages = f"page cache {args.page_cache} s" if args.page_cache else "no page cache"
    fragments = (
        f"fragment cache {args.fragment_cache} s" if args.fragment_cache else "no fragment cache"
    )
    print(
        f"\n{database}, {cache}, {pages}, {fragments}, gunicorn 2 workers × 1 thread, "
        f"{args.requests} requests per URL, {args.concurrency} concurrent clients, "
        f"{os.cpu_count()} cores (shared); medians of {args.rounds} interleaved rounds. "
        f"Queries: first render / second render, raw (no page or fragment cache)."
    )
    print(
        "| page | queries | req/s | ×floor | ×in-stack | p50 ms | p99 ms | CPU ms/req "
        "| ×floor | ×in-stack | page-cache hits |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, r in results.items():
        counted = "/".join(str(n) for n in queries.get(name, [])) or "–"
        print(
            f"| {name} | {counted} | {r['rps']:.0f} | {r['rps'] / floor['rps']:.2f} | "
            f"{r['rps'] / in_stack['rps']:.2f} | {r['p50']:.1f} | {r['p99']:.1f} | "
            f"{r['cpu_ms']:.2f} | {floor['cpu_ms'] / r['cpu_ms']:.2f} | "
            f"{in_stack['cpu_ms'] / r['cpu_ms']:.2f} | {r['hit_rate']:.2f} |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--skip-setup", action="store_true")
    parser.add_argument("--count-queries", action="store_true", help=argparse.SUPPRESS)
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
    parser.add_argument(
        "--only",
        type=lambda text: set(text.split(",")),
        default=set(),
        help="comma-separated page names (the references are always measured)",
    )
    args = parser.parse_args()
    if args.count_queries:
        count_queries()
        return
    env = environment(args.page_cache, args.fragment_cache)
    if not args.skip_setup:
        harness.prepare(env)
        harness.manage(env, "update_index")
    results, queries = run(args, env)
    report(args, env, results, queries)


if __name__ == "__main__":
    main()
