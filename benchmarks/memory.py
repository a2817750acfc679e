"""Memory: does a web process stay small and flat, and does a worker stay flat?

1. One gunicorn worker (production settings, page and fragment caches off so that
   every request renders everything) serves 10,000 mixed requests: every page in the
   sitemap in both languages, searches, 404s. Its resident memory is read after the
   first 1,000 and at the end. Targets: under 200 MB, growth under 10 %.
2. A django-q2 cluster with one worker runs 1,000 tasks enqueued through Django's tasks
   API (Wagtail's reference-index task on the demo pages); the cluster's memory is read
   after 100 tasks and after 1,000. Target: flat (growth under 10 %).

Usage: .venv/bin/python benchmarks/memory.py [--requests 10000] [--tasks 1000]
"""

import argparse
import concurrent.futures
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

SEARCHES = [
    "电动车",
    "灭火器",
    "逃生",
    "夏令营",
    "119",
    "APP 注册",
    "高层 逃生",
    "厨房",
    "xyz无结果",
]


def page_urls(base):
    with urllib.request.urlopen(base + "/sitemap.xml", timeout=10) as response:
        xml = response.read().decode()
    paths = [re.sub(r"^https?://[^/]+", "", loc) for loc in re.findall(r"<loc>([^<]+)</loc>", xml)]
    paths += [f"/search/?q={urllib.request.quote(q)}" for q in SEARCHES]
    paths += [f"/en/search/?q={urllib.request.quote(q)}" for q in SEARCHES[:3]]
    paths += ["/no-such-page/", "/en/no-such-page/", "/robots.txt"]
    return paths


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def run_requests(base, paths, count, threads=4):
    urls = [base + paths[i % len(paths)] for i in range(count)]
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        statuses = list(pool.map(fetch, urls))
    return sum(1 for status in statuses if status >= 500)


def web_memory(env, total):
    # Nothing reused: every request renders every part of its page.
    quiet = {**env, "PAGE_CACHE_SECONDS": "0", "FRAGMENT_CACHE_SECONDS": "0"}
    with harness.serve(quiet, workers=1) as (base, master):
        time.sleep(1)
        (worker,) = harness.children(master.pid)
        paths = page_urls(base)
        errors = run_requests(base, paths, 1000)
        after_first = harness.rss_mb(worker)
        errors += run_requests(base, paths, total - 1000)
        at_end = harness.rss_mb(worker)
    return {
        "paths": len(paths),
        "after_1000_mb": after_first,
        "at_end_mb": at_end,
        "growth": at_end / after_first - 1,
        "server_errors": errors,
    }


def tree_rss(pid):
    pids, seen = [pid], []
    while pids:
        current = pids.pop()
        seen.append(current)
        pids.extend(harness.children(current))
    return sum(harness.rss_mb(p) for p in seen if Path(f"/proc/{p}").exists())


ENQUEUE = """
from wagtail.models import Page
from wagtail.tasks import update_reference_index_task
pages = list(Page.objects.filter(depth__gt=1).values_list("pk", flat=True)) or [1]
for i in range({count}):
    update_reference_index_task.enqueue("wagtailcore", "page", pages[i % len(pages)])
"""

COUNT_DONE = (
    "from django_q.models import Success; "
    "print(Success.objects.filter(func='config.tasks.run_task').count())"
)


def done(env):
    out = subprocess.run(
        [harness.PYTHON, "manage.py", "shell", "-c", COUNT_DONE],
        cwd=harness.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


def wait_for(env, target, timeout=600):
    deadline = time.monotonic() + timeout
    while done(env) < target:
        if time.monotonic() > deadline:
            raise RuntimeError(f"worker did not finish {target} tasks in {timeout} s")
        time.sleep(1)


def worker_memory(env, tasks):
    env = {**env, "Q_WORKERS": "1"}
    start = done(env)
    cluster = subprocess.Popen(
        [harness.PYTHON, "manage.py", "qcluster"],
        cwd=harness.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        harness.manage(env, "shell", "-c", ENQUEUE.format(count=100))
        wait_for(env, start + 100)
        after_100 = tree_rss(cluster.pid)
        harness.manage(env, "shell", "-c", ENQUEUE.format(count=tasks - 100))
        wait_for(env, start + tasks)
        at_end = tree_rss(cluster.pid)
    finally:
        cluster.send_signal(signal.SIGTERM)
        cluster.wait(timeout=60)
    return {"after_100_mb": after_100, "at_end_mb": at_end, "growth": at_end / after_100 - 1}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--tasks", type=int, default=1000)
    args = parser.parse_args()
    env = harness.bench_env("memory")
    harness.prepare(env)
    web = web_memory(env, args.requests)
    print(
        f"web process: {web['paths']} distinct URLs, {args.requests} requests, "
        f"{web['server_errors']} server errors"
    )
    print(
        f"  RSS after 1,000: {web['after_1000_mb']:.1f} MB; after {args.requests:,}: "
        f"{web['at_end_mb']:.1f} MB; growth {web['growth']:+.1%} "
        f"(targets: < 200 MB, < +10 %)"
    )
    worker = worker_memory(env, args.tasks)
    print(
        f"django-q2 cluster (1 worker): RSS after 100 tasks {worker['after_100_mb']:.1f} MB; "
        f"after {args.tasks:,}: {worker['at_end_mb']:.1f} MB; growth {worker['growth']:+.1%}"
    )
    ok = (
        web["at_end_mb"] < 200
        and web["growth"] < 0.10
        and web["server_errors"] == 0
        and worker["growth"] < 0.10
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
