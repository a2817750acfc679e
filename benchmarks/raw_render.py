"""Raw renders: the CPU and the SQL queries of one render of each public page type.

In process, through the production WSGI stack (``benchmarks.pages_settings``: production
settings, the product's URLs and the minimal view), with the page cache off and, unless
``--fragment-cache SECONDS``, the ``{% fragment %}`` cache off too: what a page costs
whenever nothing rendered can be reused. The reference, measured in the same process, is
the minimal view at /bench/minimal/ behind the same middleware; ratios are page ÷
reference.

Each page is rendered a few times first (the process's own data: routes, the shell,
compiled templates), then its queries are counted on one render and the CPU time
(``time.process_time``) of each of ``--requests`` renders is taken. ``--rounds`` processes
run one after another; with ``--compare DIR`` (another checkout of the project, on the
same database), its processes alternate with this checkout's, so both are measured in
the same sitting under the same load. Medians over every render are reported.

``--html DIR`` writes each page's HTML (CSRF tokens and nonces blanked) to DIR instead,
to compare two checkouts' pages with ``diff -r``; ``--profile PAGE`` prints a cProfile;
``--cold reach`` renders each time after a change of those scopes (what data is kept
under their generation must be read again); ``--sql`` lists each page's queries.

    .venv/bin/python benchmarks/raw_render.py [--rounds 4] [--requests 20]
        [--fragment-cache 0] [--only home,guide] [--compare DIR] [--skip-setup]
        [--html DIR] [--profile PAGE] [--cold SCOPES] [--sql]

On PostgreSQL and Redis: set DATABASE_URL and REDIS_URL.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402 - a sibling script, not a package

HOST = "127.0.0.1"
REFERENCE = "minimal view"
PAGES = {
    REFERENCE: "/bench/minimal/",
    "home": "/",
    "home (en)": "/en/",
    "guide": "/safety-guides/e-bike-charging/",
    "campaign": "/campaigns/100-day-campaign/",
    "campaign (en)": "/en/campaigns/100-day-campaign/",
    "search": "/search/?q=" + quote("电动车"),
    "camp": "/summer-camp/",
    "news": "/news/winter-e-bike-charging/",
    "centre": "/experience-centers/xinqiao-community/",
    "contest gallery": "/children-contest/",
    "booking list": "/booking/",
}
#: What differs between two renders of the same page: CSRF tokens and CSP nonces.
VOLATILE = re.compile(r'((?:csrfmiddlewaretoken" value|nonce)=")[^"]*"')


def environment(fragment_cache_seconds):
    return harness.bench_env(
        "raw_render",
        database_url=os.environ.get("DATABASE_URL"),
        redis_url=os.environ.get("REDIS_URL"),
        DJANGO_SETTINGS_MODULE="benchmarks.pages_settings",
        PAGE_CACHE_SECONDS=0,
        FRAGMENT_CACHE_SECONDS=fragment_cache_seconds,
        ALLOWED_HOSTS=HOST,
    )


def inner(args):
    """In a Django process of the checkout ``args.inner``: measure, profile or save HTML."""
    sys.path.insert(0, args.inner)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client, results = Client(HTTP_HOST=HOST), {}
    names = [REFERENCE, *args.only] if args.only else list(PAGES)
    if args.profile:
        names = [args.profile]
    for name in names:
        path = PAGES[name]
        for _ in range(3):
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code}")
        if args.html:
            html = VOLATILE.sub(r'\1-"', response.content.decode())
            (Path(args.html) / f"{name.replace(' ', '_')}.html").write_text(html)
            continue
        if args.profile:
            profile(client, path)
            return
        cold = make_cold(args.cold)
        cold()
        queries = count_queries(connection, client, path, args.inner)
        if args.sql:
            for sql, where in queries:
                print(f"{name}: {where}\n    {sql[:300]}", file=sys.stderr)
        times = []
        for _ in range(args.requests):
            cold()
            started = time.process_time()
            client.get(path)
            times.append((time.process_time() - started) * 1000)
        results[name] = {"queries": len(queries), "cpu_ms": times}
    print(json.dumps(results))


def make_cold(scopes):
    """What to do before each measured render: with ``--cold SCOPES``, start a new
    generation of them (``core/freshness.py``), so that no data kept under them (a
    campaign's figures, say) is found: the first render after such a change."""
    if not scopes:
        return lambda: None
    from core import freshness

    return lambda: freshness.bump(*scopes)


def count_queries(connection, client, path, root):
    """The queries of one render of ``path``: (SQL, the project's line that ran it)."""
    queries = []

    def record(execute, sql, params, many, context):
        queries.append((sql, caller(root)))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        client.get(path)
    return queries


def caller(root):
    """The innermost line of the project (not of a library) on the stack: who queried."""
    import traceback

    for frame in reversed(traceback.extract_stack()):
        name = frame.filename
        if name.startswith(root) and "/.venv/" not in name and not name.endswith(__file__):
            return f"{frame.filename[len(root) + 1 :]}:{frame.lineno} {frame.name}"
    return "?"


def profile(client, path):
    import cProfile
    import pstats

    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(30):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(30)


def run_inner(root, args, env):
    command = [harness.PYTHON, __file__, "--inner", str(root), "--requests", str(args.requests)]
    if args.only:
        command += ["--only", ",".join(args.only)]
    for flag in ("html", "profile"):
        if getattr(args, flag):
            command += [f"--{flag}", getattr(args, flag)]
    if args.sql:
        command.append("--sql")
    if args.cold:
        command += ["--cold", ",".join(args.cold)]
    output = None if args.profile else subprocess.PIPE
    done = subprocess.run(command, cwd=root, env=env, check=True, stdout=output)
    return json.loads(done.stdout) if done.stdout else {}


def report(trees, args):
    print(
        f"raw render, page cache off, fragment cache {args.fragment_cache or 'off'}; "
        f"{args.rounds} rounds × {args.requests} renders; load {os.getloadavg()[0]:.1f}"
    )
    for label, rounds in trees.items():
        print(f"\n{label}")
        print(f"{'page':18} {'queries':>7} {'CPU ms':>8} {'÷ ref':>6}  per-round medians")
        reference = statistics.median(ms for result in rounds for ms in result[REFERENCE]["cpu_ms"])
        for name in rounds[0]:
            cpu = [ms for result in rounds for ms in result[name]["cpu_ms"]]
            per_round = " ".join(
                f"{statistics.median(result[name]['cpu_ms']):.1f}" for result in rounds
            )
            print(
                f"{name:18} {rounds[0][name]['queries']:7} {statistics.median(cpu):8.2f} "
                f"{statistics.median(cpu) / reference:6.1f}  {per_round}"
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inner", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--fragment-cache", type=int, default=0, metavar="SECONDS")
    parser.add_argument("--only", type=lambda text: text.split(","), default=[])
    parser.add_argument("--compare", metavar="DIR", help="another checkout, measured alongside")
    parser.add_argument("--skip-setup", action="store_true")
    parser.add_argument("--html", metavar="DIR", help="save each page's HTML, do not measure")
    parser.add_argument("--profile", metavar="PAGE", help="print a cProfile of one page")
    parser.add_argument("--sql", action="store_true", help="print each page's queries")
    parser.add_argument(
        "--cold",
        type=lambda text: text.split(","),
        default=[],
        metavar="SCOPES",
        help="new generations of these scopes before each render (e.g. reach)",
    )
    args = parser.parse_args()
    if args.inner:
        inner(args)
        return
    env = environment(args.fragment_cache)
    if not args.skip_setup:
        harness.prepare(env)
        # The worker indexes what the demo publishes; here no worker runs, so index it now.
        harness.manage(env, "update_index")
    if args.html or args.profile:
        Path(args.html or ".").mkdir(parents=True, exist_ok=True)
        run_inner(Path(args.compare or harness.ROOT), args, env)
        return
    checkouts = {"this checkout": harness.ROOT}
    if args.compare:
        checkouts = {f"compared: {args.compare}": Path(args.compare), **checkouts}
    trees = {label: [] for label in checkouts}
    for number in range(args.rounds):
        # Alternate which checkout goes first, so neither always meets a warmer machine.
        order = list(checkouts.items())[:: -1 if number % 2 else 1]
        for label, root in order:
            trees[label].append(run_inner(root, args, env))
    report(trees, args)


if __name__ == "__main__":
    main()
