"""Contest gallery with 10,000 approved entries: queries per page and render time.

Runs against a throwaway SQLite database in a temporary folder that is deleted at the
end (never your own data, nothing left in the repository), through Django's test
client (no network). Prints, for the gallery's first, a middle and the last page and a
filtered page, the number of SQL queries and the median render time, next to the home
page measured in the same run.

The first table is the raw render: the page cache and the fragment cache are both off
(``PAGE_CACHE_SECONDS=0``, ``FRAGMENT_CACHE_SECONDS=0``), so every request renders the
page and runs its queries. The second is the steady state with fragments cached
(``FRAGMENT_CACHE_SECONDS=300``) and the page cache still off. ``--show-sql`` lists
the queries of the gallery's first page.

    .venv/bin/python benchmarks/gallery.py [--entries 10000] [--runs 25] [--show-sql]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(var_dir):
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["FIREBREAK_VAR_DIR"] = var_dir
    os.environ["MEDIA_ROOT"] = str(Path(var_dir) / "media")
    os.environ["DEBUG"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ["LOG_LEVEL"] = "WARNING"
    # Raw render figures: no page answered from the page cache, no cached fragments.
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    os.environ["FRAGMENT_CACHE_SECONDS"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(entries):
    from datetime import timedelta

    from django.utils import timezone
    from wagtail.models import Site

    from education.demo import load as load_home
    from media.contest.models import AgeGroup, ConsentNotice, ContestPage, Criterion, Entry

    home = load_home()
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "testserver", 80
    site.save()
    notice = ConsentNotice.objects.create(version=1, title="告知书", text="……")
    now = timezone.now()
    contest = ContestPage(
        title="儿童消防绘画作文大赛",
        slug="children-contest",
        theme="消防安全在我心",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=1),
        status=ContestPage.Status.RESULTS_PUBLISHED,
    )
    for i, (low, high) in enumerate([(1, 3), (4, 6), (7, 9)]):
        contest.age_groups.add(
            AgeGroup(name=f"组{i + 1}", min_grade=low, max_grade=high, sort_order=i)
        )
    contest.criteria.add(Criterion(name="主题", weight=1))
    home.add_child(instance=contest)
    contest.save_revision().publish()
    groups = list(contest.age_groups.all())
    schools = [f"第{n}实验小学" for n in range(40)]
    awards = ["first", "second", "third", "excellence"] + [""] * 46
    rows = []
    for n in range(entries):
        group = groups[n % 3]
        drawing = n % 4 != 0
        rows.append(
            Entry(
                contest=contest,
                category="drawing" if drawing else "essay",
                age_group=group,
                title=f"作品{n}",
                display_name="小雨",
                school=schools[n % len(schools)],
                grade=group.min_grade,
                guardian_name="家长",
                guardian_phone="13900000000",
                consent_notice=notice,
                consent_version=1,
                consented_at=now,
                submitted_at=now - timedelta(minutes=n),
                withdrawal_token_hash=f"{n:064d}",
                status=Entry.Status.APPROVED,
                award=awards[n % len(awards)],
                essay_text="" if drawing else "消防安全很重要。\n我们要学会逃生。",
                thumbnail=f"contest/works/bench/{n}.jpg" if drawing else "",
                display_image=f"contest/works/bench/{n}d.jpg" if drawing else "",
            )
        )
    Entry.objects.bulk_create(rows, batch_size=1000)
    return contest


class CachedPage(RuntimeError):
    pass


def measure(client, url, runs):
    """(SQL queries of one request, median ms over ``runs`` requests, the queries)."""
    from django.db import connection

    response = client.get(url)  # warm caches
    assert response.status_code == 200, (url, response.status_code)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # Django resets connection.queries at each request start; count at the cursor.
    with connection.execute_wrapper(count):
        response = client.get(url)
    if response.get("X-Page-Cache") == "hit":
        raise CachedPage(f"{url} was answered from the page cache: no render was timed")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return len(queries), statistics.median(times), queries


def table(client, targets, runs):
    print(f"{'page':48} {'queries':>7} {'median ms':>10} {'× home':>7}")
    home_ms = None
    for label, url in targets:
        count, median, _queries = measure(client, url, runs)
        home_ms = home_ms or median
        print(f"{label:48} {count:7d} {median:10.1f} {median / home_ms:7.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--show-sql", action="store_true", help="list page 1's queries")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="firebreak-bench-") as var_dir:
        setup_django(var_dir)
        from django.conf import settings
        from django.test import Client, override_settings

        from media.contest.models import ContestPage
        from media.contest.views import PAGE_SIZE

        started = time.perf_counter()
        build(args.entries)
        built = time.perf_counter() - started
        last = -(-args.entries // PAGE_SIZE)
        group = ContestPage.objects.get(slug="children-contest").age_groups.first().pk
        targets = [
            ("home page (reference)", "/"),
            ("gallery page 1", "/children-contest/"),
            (f"gallery page {last // 2}", f"/children-contest/?page={last // 2}"),
            (f"gallery page {last} (last)", f"/children-contest/?page={last}"),
            (
                "gallery filtered (drawing, age group, award)",
                f"/children-contest/?category=drawing&age_group={group}&award=any",
            ),
        ]
        client = Client()
        print(f"{args.entries} approved entries built in {built:.1f} s; {args.runs} runs each\n")
        print(
            f"Raw render: page cache off (PAGE_CACHE_SECONDS={settings.PAGE_CACHE_SECONDS}), "
            f"fragments off (FRAGMENT_CACHE_SECONDS={settings.FRAGMENT_CACHE_SECONDS})"
        )
        table(client, targets, args.runs)
        with override_settings(FRAGMENT_CACHE_SECONDS=300):
            print("\nSteady state: fragments cached (FRAGMENT_CACHE_SECONDS=300), page cache off")
            table(client, targets, args.runs)
        if args.show_sql:
            print("\nQueries of gallery page 1, raw render:")
            for sql in measure(client, targets[1][1], 1)[2]:
                print("  " + " ".join(sql.split())[:200])


if __name__ == "__main__":
    main()
