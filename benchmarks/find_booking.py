"""Find my booking (#16): does the answer's timing tell whether a booking matched?

In process (Django's test client, test settings: tasks run at once, SMS to the log),
on SQLite by default or on ``--database-url``. Alternates requests for a code that
match a booking (a code row, an outbox row and an SMS) with requests that match none,
with the view's minimum answer time on (as served) and off (the work alone); the
reference is ``/robots.txt`` in the same run. Rate limits are lifted for the run.

Usage: .venv/bin/python benchmarks/find_booking.py [--rounds 40] [--database-url URL]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(database_url):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    bench = ROOT / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        path = bench / "find_booking.sqlite3"
        path.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["FIREBREAK_VAR_DIR"] = str(bench / "find_booking")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    from tests.education.factories import ensure_tree_roots, make_site

    ensure_tree_roots()
    make_site()


def timed(call):
    started = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - started
    assert response.status_code in {200, 302}, response.status_code
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    setup(args.database_url)

    from django.test import Client

    from events import views_find
    from tests.events.factories import BookingFactory

    for name in ("REQUESTS_PER_IP", "REQUESTS_PER_PHONE"):
        setattr(views_find, name, 10**9)
    booking = BookingFactory(phone="13806161001")
    client = Client()
    matched = {"reference": booking.reference, "phone": "13806161001"}
    unmatched = {"reference": "FB-ZZZZZZ", "phone": "13806161001"}
    floor = views_find.ANSWER_FLOOR_SECONDS
    rows = []
    for label, floor_seconds in (("with the minimum answer time", floor), ("work alone", 0)):
        views_find.ANSWER_FLOOR_SECONDS = floor_seconds
        times = {"match": [], "no match": [], "robots": []}
        for _round in range(args.rounds):
            times["match"].append(timed(lambda: client.post("/booking/find/", matched)))
            times["no match"].append(timed(lambda: client.post("/booking/find/", unmatched)))
            times["robots"].append(timed(lambda: client.get("/robots.txt")))
        medians = {key: statistics.median(value) for key, value in times.items()}
        rows.append((label, medians))
    views_find.ANSWER_FLOOR_SECONDS = floor

    print("| answer | match p50 | no match p50 | match / no match | robots.txt p50 |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, m in rows:
        print(
            f"| {label} | {m['match'] * 1000:.1f} ms | {m['no match'] * 1000:.1f} ms "
            f"| {m['match'] / m['no match']:.2f} | {m['robots'] * 1000:.1f} ms |"
        )


if __name__ == "__main__":
    main()
