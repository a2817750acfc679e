"""Reach at scale: dashboard totals and time series over 1,000,000 tallies, and import speed.

Runs once on SQLite (var/bench/reach.sqlite3) and once on PostgreSQL (``BENCH_PG_URL``,
default firebreak_reach_bench on 127.0.0.1, trust auth; the database is created if
missing; the benchmark's own connection lifts the statement timeout for the import
part), each in its own process:

    .venv/bin/python benchmarks/reach.py            # both
    .venv/bin/python benchmarks/reach.py sqlite     # one
    .venv/bin/python benchmarks/reach.py --import-only postgresql   # the import part only

For one campaign (500,000 of the rows) it times the dashboard's totals by metric, the
weekly time series and the channel breakdown (medians of 7 runs), read from the totals
the write path keeps, against a plain COUNT(*) of the same rows and the same figures
summed row by row (asserted equal), in the same run; then it checks and imports
100,000 CSV rows in one transaction and reports rows per second, against the same
number of rows stored by the write path's bulk step alone (no check, no revision;
rolled back) in the same run. Generated data is reused on later runs.
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/firebreak_reach_bench")
ROWS = 1_000_000
METRICS, CHANNELS, PLACES, DAYS = 8, 2, 125, 500  # 8 × 2 × 125 × 500 = 1,000,000
FIRST_DAY = datetime.date(2019, 1, 1)
IMPORT_ROWS = 100_000
REPEATS = 7


def median_ms(fn, repeats=REPEATS):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def setup_django(url):
    os.environ["DATABASE_URL"] = url
    # As in production: with DEBUG on, Django formats every statement and its
    # parameters for its query log, a quarter of an import's time on SQLite.
    os.environ["DEBUG"] = "0"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def catalogue():
    from wagtail.models import Locale, Page

    from media.reach.models import CampaignPage, Channel, Metric, Place

    metrics = []
    for i in range(METRICS):
        metric, _ = Metric.objects.get_or_create(
            code=f"bench-{i}",
            defaults={
                "name": f"bench {i}",
                "unit": Metric.Unit.PERSONS if i == 0 else Metric.Unit.PLAYS,
                "counts_people": i == 0,
                "aggregation": Metric.Aggregation.LAST if i == METRICS - 1 else "sum",
            },
        )
        channels = [
            Channel.objects.get_or_create(metric=metric, code=f"c{j}", defaults={"name": f"c{j}"})[
                0
            ]
            for j in range(CHANNELS)
        ]
        metrics.append((metric, channels))
    city, _ = Place.objects.get_or_create(name="bench-city", parent=None, defaults={"kind": "city"})
    places = [
        Place.objects.get_or_create(name=f"bench-{k}", parent=city, defaults={"kind": "district"})[
            0
        ]
        for k in range(PLACES)
    ]
    root = Page.get_first_root_node()
    campaigns = []
    for n in range(2):
        page = CampaignPage.objects.filter(slug=f"bench-{n}").first()
        if page is None:
            start = FIRST_DAY + datetime.timedelta(days=n * DAYS // 2)
            page = CampaignPage(
                title=f"bench {n}",
                slug=f"bench-{n}",
                theme="bench",
                start_date=start,
                end_date=start + datetime.timedelta(days=DAYS // 2 - 1),
                locale=Locale.get_default(),
            )
            root.add_child(instance=page)
        campaigns.append(page)
    return metrics, places, campaigns


def generate(metrics, places, campaigns):
    """Insert the rows with the database's fastest path (COPY on PostgreSQL)."""
    from django.db import connection

    from media.reach.models import Tally

    if Tally.objects.count() >= ROWS:
        return 0.0
    Tally.objects.all().delete()
    started = time.perf_counter()
    now = datetime.datetime.now(datetime.UTC)
    columns = (
        "metric_id, channel_id, period_kind, period_start, period_end, place_id, campaign_id, "
        "count, qualifier, source, origin, note, approved, created_at, updated_at"
    )

    def rows():
        for d in range(DAYS):
            day = FIRST_DAY + datetime.timedelta(days=d)
            campaign = campaigns[0].pk if d < DAYS // 2 else campaigns[1].pk
            for metric, channels in metrics:
                for channel in channels:
                    for place in places:
                        count = (d * 7 + place.pk * 3 + metric.pk) % 50 + 1
                        qualifier = "at_least" if (d + place.pk) % 97 == 0 else "exact"
                        yield (
                            metric.pk,
                            channel.pk,
                            "day",
                            day,
                            day,
                            place.pk,
                            campaign,
                            count,
                            qualifier,
                            "imported",
                            "",
                            "",
                            True,
                            now,
                            now,
                        )

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Loading a million rows outlasts the site's statement timeout; the
            # measured queries below run under it.
            cursor.execute("SET statement_timeout = 0")
            with cursor.cursor.copy(f"COPY reach_tally ({columns}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO reach_tally ({columns}) VALUES ({', '.join(['%s'] * 15)})"  # noqa: S608 (constants only)
            batch = []
            for row in rows():
                batch.append(row)
                if len(batch) == 20_000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
    # Loaded around the write path: its totals are rebuilt the way the migration does.
    from media.reach.services.totals import rebuild_totals

    rebuild_totals()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reach_tally")
            cursor.execute("ANALYZE reach_tallytotal")
            cursor.execute("RESET statement_timeout")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


def measure_dashboard(campaign):
    from media.reach import selectors

    qs = selectors.tallies(campaign=campaign)
    rows = qs.filter()  # a copy carries no summary: the same figures summed row by row
    figures = selectors.totals_by_metric(qs)
    assert len(figures) == METRICS
    public = selectors.tallies(campaign=campaign, public=True)
    for kept in (qs, public):  # the kept figures are exactly the row-by-row ones
        for read in (
            selectors.totals_by_metric,
            lambda q: selectors.time_series(q, "week"),
            lambda q: selectors.breakdown(q, "channel"),
        ):
            assert read(kept) == read(kept.filter())
    return {
        "count(*)": median_ms(lambda: selectors.tallies(campaign=campaign).count()),
        "totals by metric": median_ms(lambda: selectors.totals_by_metric(qs)),
        "weekly time series": median_ms(lambda: selectors.time_series(qs, "week")),
        "by channel": median_ms(lambda: selectors.breakdown(qs, "channel")),
        "public totals (approved only)": median_ms(lambda: selectors.totals_by_metric(public)),
        "public weekly time series": median_ms(lambda: selectors.time_series(public, "week")),
        "row by row: totals by metric": median_ms(lambda: selectors.totals_by_metric(rows)),
        "row by row: weekly time series": median_ms(lambda: selectors.time_series(rows, "week")),
        "row by row: by channel": median_ms(lambda: selectors.breakdown(rows, "channel")),
    }


def _remove_bench_import():
    """Delete the imported rows (one transaction: the figures are marked changed once)."""
    from media.reach.models import Tally, TallyRevision
    from media.reach.services.totals import rebuild_totals

    Tally.objects.filter(note="bench-import").delete()
    TallyRevision.objects.filter(source="imported", tally__isnull=True).delete()
    rebuild_totals()


def measure_import(metrics, places):
    from django.db import connection

    if connection.vendor == "postgresql":
        # The reference COPY and the import outlast the site's statement timeout when
        # the machine is loaded: this benchmark's own connection waits longer.
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
    try:
        return _measure_import(metrics, places)
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")


def _measure_import(metrics, places):
    from media.reach import imports, services

    metric, channels = metrics[1]
    _remove_bench_import()
    first = FIRST_DAY + datetime.timedelta(days=DAYS + 10)
    rows = [
        ["date", "metric", "channel", "place", "count", "qualifier", "period", "campaign", "note"]
    ]
    per_day = CHANNELS * PLACES
    for i in range(IMPORT_ROWS):
        day = first + datetime.timedelta(days=i // per_day)
        channel = channels[(i // PLACES) % CHANNELS]
        place = places[i % PLACES]
        rows.append(
            [
                day.isoformat(),
                metric.code,
                channel.code,
                place.name,
                str(i % 90 + 1),
                "",
                "",
                "",
                "bench-import",
            ]
        )
    reference = _raw_insert_rate(metric, channels, places, first)
    started = time.perf_counter()
    checked_rows, errors, _plan = imports.validate_rows(rows)
    checked = time.perf_counter() - started
    assert not errors and checked_rows == IMPORT_ROWS, errors[:3]
    started = time.perf_counter()
    created, _updated = services.apply_rows(rows)
    total = time.perf_counter() - started
    assert created == IMPORT_ROWS
    _remove_bench_import()
    return {
        "reference: raw insert rows/s": reference,
        "dry run rows/s": IMPORT_ROWS / checked,
        "import (checked as written) rows/s": IMPORT_ROWS / total,
    }


def _raw_insert_rate(metric, channels, places, first):
    """The reference: the same number of tallies stored by the write path's own bulk
    step (COPY on PostgreSQL) with no check and no revision, rolled back."""
    from django.db import connection, transaction
    from django.utils import timezone

    from media.reach.models import Tally
    from media.reach.services.storage import TALLY_FIELDS, bulk_insert

    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    per_day = CHANNELS * PLACES
    values = []
    for i in range(IMPORT_ROWS):
        day = first + datetime.timedelta(days=i // per_day)
        channel, place = channels[(i // PLACES) % CHANNELS], places[i % PLACES]
        values.append(
            (metric.pk, channel.pk, "day", day, day, place.pk, None, i % 90 + 1, "exact",
             "imported", "", "bench-import", False, None, stamp, stamp)
        )  # fmt: skip
    started = time.perf_counter()
    with transaction.atomic():
        bulk_insert(Tally, TALLY_FIELDS, values)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return IMPORT_ROWS / elapsed


def run_one(backend, import_only=False):
    if backend == "sqlite":
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{BENCH_DIR / 'reach.sqlite3'}"
    else:
        from urllib.parse import urlsplit, urlunsplit

        import psycopg
        from psycopg import sql

        url = PG_URL
        parts = urlsplit(url)
        name = parts.path.lstrip("/")
        server = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
        with psycopg.connect(server, autocommit=True) as c:
            if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    setup_django(url)
    metrics, places, campaigns = catalogue()
    seconds = generate(metrics, places, campaigns)
    from media.reach.models import RunningChange, RunningValue, Tally, TallyTotal

    print(
        f"## {backend}: {Tally.objects.count():,} tally rows"
        + (f" (generated in {seconds:.0f} s)" if seconds else " (reused)")
        + f"; kept: {TallyTotal.objects.count():,} totals, {RunningValue.objects.count():,}"
        f" latest values, {RunningChange.objects.count():,} daily changes"
    )
    if not import_only:
        dashboard = measure_dashboard(campaigns[0])
        reference = dashboard["count(*)"]
        for name, ms in dashboard.items():
            ratio = "" if name == "count(*)" else f"  ({ms / reference:.1f}× count(*))"
            print(f"{name:32} {ms:9.1f} ms median{ratio}")
    for name, value in measure_import(metrics, places).items():
        print(f"import 100,000 rows: {name:28} {value:9,.0f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "backends", nargs="*", choices=["sqlite", "postgresql"], metavar="sqlite|postgresql"
    )
    parser.add_argument(
        "--import-only", action="store_true", help="skip the dashboard part, time the import"
    )
    args = parser.parse_args()
    backends = args.backends or ["sqlite", "postgresql"]
    if len(backends) == 1:
        run_one(backends[0], import_only=args.import_only)
        return
    flags = ["--import-only"] if args.import_only else []
    for backend in backends:
        subprocess.run([sys.executable, __file__, *flags, backend], check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
