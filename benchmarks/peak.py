"""The peak: summer-camp registration opens and every school arrives at once.

N virtual users arrive over M minutes, front-loaded (arrival = span × u², u uniform:
half of them in the first quarter). A third are bookers: home → camp page → booking
list → a camp batch's booking form → submit (a party of 5 to 8 with one adult; half
would join the waitlist). The others read: home → guide index → a guide → news index
→ a news item. Pages are fetched as a browser would, one after another, with a short
think time, each user with its own connection and cookies.

Set-up as in production on this machine: the demo content (the camp's 10 batches of
60 places), production settings, gunicorn with 2 web processes, 1 django-q2 worker;
PostgreSQL + Redis, then SQLite (file cache, ORM broker) for contrast; optionally with
the page cache off. Reports per page type p50/p95/p99, errors, busy answers (503),
page-cache hit rate (X-Page-Cache) and why the rest were rendered (miss / stale / down),
places booked against capacity (0 oversold), and the web processes' CPU per request.
Registration opens on a site in service: each page is asked for once before the storm,
so the page cache is warm (``--cold`` skips that).

    .venv/bin/python benchmarks/peak.py                       # 2,000 users, 5 minutes
    .venv/bin/python benchmarks/peak.py --users 300 --minutes 1 --database postgresql
    BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/<db>  BENCH_REDIS_URL=redis://…/<n>
    BENCH_PORTS=8131-8139                                     # the ports it may listen on
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # noqa: E402
    BENCH_DIR,
    PYTHON,
    ROOT,
    bench_env,
    children,
    cpu_seconds,
    forget_redis_keys,
    prepare,
    recreate_postgres_database,
    serve,
    shell,
)
from sampling import Sampler, settle  # noqa: E402
from visitors import EXPECTED, Client, answer_note, booking_form, percentile  # noqa: E402

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/firebreak_peak_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")

SITE_MAP = """
import json
from education.models import CampPage, NewsPage, SafetyGuideIndexPage, SafetyGuidePage
from education.models import NewsIndexPage
from events.models import Event
camp = CampPage.objects.live().filter(locale__language_code='zh-hans').first()
event = Event.objects.get(title='消防夏令营')
print(json.dumps({
    'camp': camp.url,
    'sessions': list(event.sessions.values_list('pk', flat=True)),
    'guide_index': SafetyGuideIndexPage.objects.live().filter(locale=camp.locale).first().url,
    'guides': [p.url for p in SafetyGuidePage.objects.live().filter(locale=camp.locale)],
    'news_index': NewsIndexPage.objects.live().filter(locale=camp.locale).first().url,
    'news': [p.url for p in NewsPage.objects.live().filter(locale=camp.locale)],
}))
"""

PLACES = """
from events import selectors
from events.models import Event
event = Event.objects.get(title='消防夏令营')
rows = [(s.capacity, selectors.places_taken(s.pk), s.taken) for s in event.sessions.all()]
print(rows)
"""


class User:
    """One visitor: their pages in order, each recorded as (page type, status, s, cache)."""

    def __init__(self, port, site, record, think):
        self.client = Client(port)
        self.site = site
        self.record = record
        self.think = think

    def get(self, kind, path):
        began = time.perf_counter()
        try:
            status, body = self.client.request("GET", path)
            cache = self.client.last_cache
        except (OSError, http.client.HTTPException):
            status, body, cache = 0, b"", ""
        self.record(kind, status, time.perf_counter() - began, cache)
        time.sleep(random.uniform(*self.think))
        return body

    def book(self, i):
        self.get("home", "/")
        self.get("camp", self.site["camp"])
        self.get("booking list", "/booking/?kind=camp_batch")
        path = f"/booking/session/{random.choice(self.site['sessions'])}/"
        form = self.get("booking form", path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        if token is None:  # the form itself was answered "busy": nothing to submit
            return
        body = booking_form(
            token[1].decode(), i, run="peak", party_size=random.randint(5, 8), phone_prefix="137"
        )
        began = time.perf_counter()
        try:
            status, page = self.client.request("POST", path, body)
        except (OSError, http.client.HTTPException):
            status, page = 0, b""
        # An unexpected answer is kept with what its page said, in the site's words.
        note = f"{status} {answer_note(page)}" if status not in EXPECTED else ""
        self.record("submit", status, time.perf_counter() - began, note)

    def read(self, i):
        self.get("home", "/")
        self.get("guide index", self.site["guide_index"])
        self.get("guide", random.choice(self.site["guides"]))
        self.get("news index", self.site["news_index"])
        self.get("news", random.choice(self.site["news"]))


def warm(port, site):
    """Every public page of the scenario asked for once, as a site in service has them
    cached when registration opens (``--cold`` starts the storm on an empty cache)."""
    client = Client(port)
    paths = ["/", site["camp"], "/booking/?kind=camp_batch", site["guide_index"]]
    for path in [*paths, *site["guides"], site["news_index"], *site["news"]]:
        client.request("GET", path)
        client.cookies.clear()  # a visitor without cookies: the page is stored
    client.conn.close()


def storm(port, site, users, minutes, concurrency, think, sampler=None, until=None):
    records, starts = [], []
    lock = threading.Lock()

    def record(kind, status, seconds, cache):
        with lock:
            records.append((kind, status, seconds, cache))
            starts.append(time.monotonic() - began - seconds)

    span = minutes * 60
    arrivals = sorted(span * random.random() ** 2 for _ in range(users))
    if until is not None:  # a close look at the opening: the later arrivals stay away
        arrivals = [at for at in arrivals if at < until]
    began = time.monotonic()
    if sampler is not None:
        sampler.began = began
        sampler.start()

    def visit(i):
        user = User(port, site, record, think)
        (user.book if i % 3 == 0 else user.read)(i)
        user.client.conn.close()

    with ThreadPoolExecutor(concurrency) as pool:
        futures = []
        for i, at in enumerate(arrivals):
            time.sleep(max(0.0, began + at - time.monotonic()))
            futures.append(pool.submit(visit, i))
        for future in futures:
            future.result()
    if sampler is not None:
        sampler.stopping.set()
    return records, starts, time.monotonic() - began


def timeline(records, starts, window=30, sampler=None):
    """Every page type together, by when the request was sent: (window, requests,
    p50, p95, p99 ms, and how busy the machine, the web processes and the worker were,
    in % of one core for the processes). The arrivals are front-loaded, so the first
    windows are the storm."""
    by_window = {}
    for (_, _, seconds, _), start in zip(records, starts, strict=True):
        by_window.setdefault(int(start // window), []).append(seconds)
    rows = []
    for index in sorted(by_window):
        latencies = sorted(by_window[index])
        busy, web, worker = sampler.window(index, window) if sampler else ("–",) * 3
        rows.append(
            {
                "sent at s": f"{index * window}–{(index + 1) * window}",
                "requests": len(latencies),
                "p50 ms": percentile(latencies, 0.50),
                "p95 ms": percentile(latencies, 0.95),
                "p99 ms": percentile(latencies, 0.99),
                "machine busy %": busy,
                "web % of a core": web,
                "worker % of a core": worker,
            }
        )
    return rows


def report(records):
    kinds = sorted({kind for kind, *_ in records})
    rows = []
    for kind in kinds:
        mine = [r for r in records if r[0] == kind]
        latencies = sorted(seconds for _, _, seconds, _ in mine)
        statuses = [status for _, status, _, _ in mine]
        ok = {200, 302, 303} | ({409} if kind == "submit" else set())
        cached = Counter(cache for *_, cache in mine if cache and kind != "submit")
        answered = sum(cached.values())
        rows.append(
            {
                "page": kind,
                "requests": len(mine),
                "p50 ms": percentile(latencies, 0.50),
                "p95 ms": percentile(latencies, 0.95),
                "p99 ms": percentile(latencies, 0.99),
                "busy 503": statuses.count(503),
                "errors": sum(1 for s in statuses if s not in ok and s != 503),
                "cache hit rate": round(cached["hit"] / answered, 2) if answered else "–",
                # Why the others were rendered (config/pagecache.py): not stored yet or
                # expired / a scope the page shows changed / the cache could not be read.
                "miss / stale / down": (
                    f"{cached['miss']} / {cached['stale']} / {cached['down']}" if answered else "–"
                ),
            }
        )
    return rows


def run(name, database_url, redis_url, args):
    run_id = secrets.token_hex(4)
    try:
        return _run(name, database_url, redis_url, args, run_id)
    finally:
        if redis_url:  # the run's cache entries and queue, out of the shared Redis
            forget_redis_keys(redis_url, f"bench-peak-{run_id}")


def _run(name, database_url, redis_url, args, run_id):
    env = bench_env(
        # Its own folder: a run with the page cache off may run beside one with it on.
        f"peak-{name}" + ("" if args.page_cache else "-uncached"),
        database_url=database_url,
        redis_url=redis_url,
        CACHE_KEY_PREFIX=f"bench-peak-{run_id}",
        # A queue of its own on a shared Redis: this run's worker takes this run's tasks.
        Q_CLUSTER_NAME=f"bench-peak-{run_id}",
        # Every virtual user comes from 127.0.0.1; the per-address limit is for people.
        BOOKING_RATE_LIMIT_PER_IP=args.users * 10,
        PAGE_CACHE_SECONDS=600 if args.page_cache else 0,
        Q_WORKERS=1,
    )
    prepare(env)
    site = json.loads(shell(env, SITE_MAP))
    worker = subprocess.Popen(
        [PYTHON, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        with serve(env, workers=2, threads=args.threads, start_timeout=300) as (base, master):
            port = int(base.rsplit(":", 1)[1])
            pids = children(master.pid)
            settled = settle(worker.pid)
            if not args.cold:
                warm(port, site)
            cpu_before = sum(cpu_seconds(pid) for pid in pids)
            # The virtual users share the machine: what they cost is reported beside.
            client_before = time.process_time()
            sampler = Sampler(pids, worker.pid)
            records, starts, elapsed = storm(
                port,
                site,
                args.users,
                args.minutes,
                args.concurrency,
                (0.2, 1.0),
                sampler,
                args.until,
            )
            cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
            client_cpu = time.process_time() - client_before
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    places = eval(shell(env, PLACES))  # noqa: S307 - a list of tuples printed just above
    rows = report(records)
    unexpected = Counter(note for kind, _, _, note in records if kind == "submit" and note)
    for answer, count in unexpected.most_common(5):
        print(f"{name}: {count} × submit answered {answer}", file=sys.stderr)
    capacity = sum(c for c, _, _ in places)
    booked = sum(t for _, t, _ in places)
    return {
        "database": name,
        "page cache": "on" if args.page_cache else "off",
        "users": args.users,
        "warm-up": "none (cold)" if args.cold else "each page once",
        "minutes": args.minutes,
        "worker caught up in s": settled,
        "elapsed s": round(elapsed, 1),
        "requests": len(records),
        "CPU ms per request": round(cpu * 1000 / max(len(records), 1), 1),
        "client CPU ms per request": round(client_cpu * 1000 / max(len(records), 1), 1),
        "places booked / capacity": f"{booked} / {capacity}",
        "oversold": sum(max(t - c, 0) for c, t, _ in places),
        "counter == rows": all(t == counter for _, t, counter in places),
        "pages": rows,
        "timeline": timeline(records, starts, args.window, sampler),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--no-page-cache", dest="page_cache", action="store_false")
    parser.add_argument(
        "--cold", action="store_true", help="start the storm on an empty page cache (no warm-up)"
    )
    parser.add_argument("--concurrency", type=int, default=300, help="client threads at most")
    parser.add_argument("--threads", type=int, default=4, help="threads per web process")
    parser.add_argument("--window", type=int, default=30, help="seconds per timeline row")
    parser.add_argument(
        "--until", type=float, help="only the users arriving in the first UNTIL seconds"
    )
    args = parser.parse_args()
    results = []
    if args.database in ("postgresql", "both") and recreate_postgres_database(PG_URL):
        results.append(run("postgresql", PG_URL, REDIS_URL, args))
    if args.database in ("sqlite", "both"):
        sqlite = BENCH_DIR / "peak-sqlite.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
        results.append(run("sqlite", f"sqlite:///{sqlite}", "", args))
    for result in results:
        pages, over_time = result.pop("pages"), result.pop("timeline")
        print("\n" + ", ".join(f"{k}: {v}" for k, v in result.items()))
        for table in (pages, over_time):
            print("| " + " | ".join(table[0]) + " |")
            print("|---" * len(table[0]) + "|")
            for row in table:
                print("| " + " | ".join(str(v) for v in row.values()) + " |")
            print()
        result["pages"] = pages
    failed = [r for r in results if r["oversold"] or any(p["errors"] for p in r["pages"])]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
