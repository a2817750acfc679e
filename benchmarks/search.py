"""Search quality and speed on the demo content, then in a growing body of news pages.

    .venv/bin/python benchmarks/search.py [--database-url URL] [--sizes 32,1000,10000]

Loads the demo into a throwaway benchmark database (SQLite in var/bench/ unless a URL
is given; the script flushes it), runs every query of tests/education/search_queries.py
through the search the site uses, and reports, per size:

- hit@5, P@5 (over min(5, relevant pages)) and recall (every result, all pages of
  them), counting the pages graded 2 or 3 as relevant;
- nDCG@5 and nDCG@10 over the graded judgements (0-3, gain 2**g - 1);
- the same for stock Wagtail search (its own database backend, the index rebuilt
  by it) in the same run, on the same pages;
- uncached search p50 and p95 through Django's test client: the results uncached with
  the site shell cached, and with the whole cache cleared; and the p50 of the minimal
  view (robots.txt) in the same run, as a ratio;
- the search call alone (no request, no template), cache cleared: the site's first
  page of results against stock Wagtail's (its first page and count, on its own index),
  p50 and p95, and the ratio of the p50s.

Between sizes it adds generated news pages (benchmarks/search_corpus.py: street events
that mention fire safety only in passing, in the body), written in bulk, and indexes
them in batches, timed. After the last size the index is stock Wagtail's: ``--keep``
reuses the database's pages in the next run, ``--reindex`` rebuilds the site's index
first. Everything runs in this process; nothing leaves loopback.
"""

import argparse
import logging
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(database_url, keep=False):
    """The demo in a fresh benchmark database; with ``keep``, the database as the last
    run left it when it holds the demo (its generated pages are then reused)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    bench = ROOT / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        path = bench / "search.sqlite3"
        if not keep:
            path.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["FIREBREAK_VAR_DIR"] = str(bench / "search")
    import django

    django.setup()
    # A line per page created would bury the figures.
    logging.getLogger("wagtail").setLevel(logging.WARNING)
    logging.getLogger("django-q").setLevel(logging.WARNING)
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    if keep:
        from education.models import HomePage, StandardPage
        from tests.education.search_queries import ENGLISH_PAGES

        english = StandardPage.objects.filter(slug=ENGLISH_PAGES[-1][0])
        home = HomePage.objects.filter(locale__language_code="zh-hans").first()
        if home is not None and english.exists():
            return home, True
    call_command("flush", interactive=False, verbosity=0)

    from education.demo import load
    from education.i18n import sync_translation_aliases
    from tests.education.factories import ensure_tree_roots

    ensure_tree_roots()
    home = load()
    sync_translation_aliases()
    call_command("update_index", verbosity=0)
    return home, False


def add_english_pages():
    """The English pages the English queries are about, under the English home page."""
    import json

    from wagtail.models import Locale
    from wagtail.search.backends import get_search_backend

    from education.models import HomePage, StandardPage
    from tests.education.search_queries import ENGLISH_PAGES

    home = HomePage.objects.get(locale=Locale.objects.get(language_code="en"))
    made = []
    for slug, title, text in ENGLISH_PAGES:
        body = json.dumps([{"type": "text", "value": f"<p>{text}</p>"}])
        page = StandardPage(title=title, slug=slug, body=body, locale=home.locale)
        home.add_child(instance=page)
        made.append(page)
    get_search_backend().add_bulk(StandardPage, made)


def ranked_slugs(query, locale):
    """Every result of the site's search, in its order (promotions, then the ranking)."""
    from wagtail.models import Page

    from education.search.results import promoted_pages, ranked_pages

    pages = Page.objects.live().public().filter(locale=locale)
    promoted = promoted_pages(query, pages)
    ranked = ranked_pages(query, pages.exclude(pk__in=[page.pk for page in promoted]))
    return [page.slug for page in promoted] + list(ranked.values_list("slug", flat=True))


def stock_slugs(backend, query, locale):
    """Every result of stock Wagtail search, in its order of relevance."""
    from wagtail.models import Page

    pages = Page.objects.live().public().filter(locale=locale)
    return [page.slug for page in backend.search(query, pages)]


def quality(queries, search):
    """The mean measures over (query, grades, language code), and the queries missed."""
    from wagtail.models import Locale

    from tests.education.search_metrics import judge, mean_measures

    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    judged, misses = [], []
    for query, grades, language in queries:
        slugs = search(query, locales[language])
        judged.append(judge(slugs, grades))
        if not judged[-1]["hit@5"]:
            misses.append((query, slugs[:5]))
    return mean_measures(judged), misses


def reindex(backend):
    """Index every indexed model's objects with this backend; the seconds it took."""
    from modelsearch.index import get_indexed_models

    return sum(
        index_batches(backend, model, list(model.get_indexed_objects()))
        for model in get_indexed_models()
    )


def reindex_site():
    from wagtail.search.backends import get_search_backend

    return reindex(get_search_backend())


def stock_figures(queries, rounds, restore=True):
    """Stock Wagtail search on the same pages: the index rebuilt by its own backend,
    measured (quality, and the speed of its search call), then, with ``restore``,
    rebuilt by the site's."""
    from modelsearch.backends.database import SearchBackend as StockBackend
    from wagtail.search.backends import get_search_backend

    stock = StockBackend({})
    seconds = reindex(stock)
    analyze()
    figures = quality(queries, lambda query, locale: stock_slugs(stock, query, locale))[0]
    calls = call_speed(queries, rounds, lambda query, locale: stock_page(stock, query, locale))
    if restore:
        reindex(get_search_backend())
        analyze()
    return figures, calls, seconds


def stock_page(backend, query, locale):
    """What a stock Wagtail search view does: the first page of results, and the count."""
    from django.core.paginator import Paginator
    from wagtail.models import Page

    pages = Page.objects.live().public().filter(locale=locale)
    page = Paginator(backend.search(query, pages), 10).get_page(1)
    return [item.pk for item in page], page.paginator.count


def site_page(query, locale):
    """The site's search call for the first page of results (the page types' own rows,
    the highlighted titles and summaries), as the search view makes it."""
    from education.search.results import search_pages

    results = search_pages(query, locale, 1)
    return [item.pk for item in results.object_list], results.total


def call_speed(queries, rounds, search):
    """p50 and p95 of the search call alone (no request, no template), cache cleared."""
    from django.core.cache import cache
    from wagtail.models import Locale

    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    times = []
    for _ in range(rounds):
        for query, _grades, language in queries:
            cache.clear()
            start = time.perf_counter()
            search(query, locales[language])
            times.append(time.perf_counter() - start)
    return {
        "call p50 ms": statistics.median(times) * 1000,
        "call p95 ms": percentile(times, 0.95) * 1000,
    }


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def speed(queries, rounds=3):
    """The search page over HTTP, uncached, two ways: with the whole cache cleared (the
    site shell rebuilt too, as after a deploy), and with only the results uncached
    (the shell cached, as for a visitor who has seen any other page); and the minimal
    view in the same run."""
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    cold, search, minimal = [], [], []
    for _ in range(rounds):
        for query, _grades, language in queries:
            path = "/search/" if language == "zh-hans" else f"/{language}/search/"
            cache.clear()  # uncached: the results fragment is cached once rendered
            cold.append(timed(client, path, {"q": query}))
            cache.clear()
            client.get(path)  # the shell, cached again; no results to cache
            search.append(timed(client, path, {"q": query}))
            minimal.append(timed(client, "/robots.txt", {}))
    search_p50, minimal_p50 = statistics.median(search), statistics.median(minimal)
    return {
        "search p50 ms": search_p50 * 1000,
        "search p95 ms": percentile(search, 0.95) * 1000,
        "robots.txt p50 ms": minimal_p50 * 1000,
        "p50 ratio to robots.txt": search_p50 / minimal_p50,
        "cache cleared: search p50 ms": statistics.median(cold) * 1000,
        "cache cleared: search p95 ms": percentile(cold, 0.95) * 1000,
    }


def timed(client, path, data):
    start = time.perf_counter()
    response = client.get(path, data)
    seconds = time.perf_counter() - start
    assert response.status_code == 200, (path, data, response.status_code)
    return seconds


def analyze():
    """Refresh PostgreSQL's statistics after a bulk write, as autovacuum soon would:
    planned on a table it still believes empty, a search reads the wrong way round."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def add_news(home, count, start, seed=17):
    """Generated news pages under the news index; the seconds to index them in one batch."""
    from django.db import transaction
    from search_corpus import news_pages, write_pages
    from wagtail.search.backends import get_search_backend

    from education.models import NewsIndexPage, NewsPage

    index = NewsIndexPage.objects.descendant_of(home).get()
    rng = random.Random(seed + start)
    # The pages are written in bulk, in one transaction, as an import would write them;
    # the whole batch is then indexed at once, as `update_index` would, and timed.
    with transaction.atomic():
        made = write_pages(index, news_pages(rng, count, start))
    return index_batches(get_search_backend(), NewsPage, made)


def index_batches(backend, model, objects, size=500):
    """Index the objects in batches (one statement each stays under the database's
    statement timeout); the seconds it took."""
    begin = time.perf_counter()
    for start in range(0, len(objects), size):
        backend.add_bulk(model, objects[start : start + size])
    return time.perf_counter() - begin


def show(label, figures):
    print(f"  {label}: " + ", ".join(f"{name} {value:.3f}" for name, value in figures.items()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--sizes", default="32,1000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="reuse the database the last run left (its pages), instead of a fresh one",
    )
    parser.add_argument(
        "--build-only", action="store_true", help="write and index the pages, measure nothing"
    )
    parser.add_argument(
        "--reindex",
        action="store_true",
        help="with --keep, rebuild the site's index first (a run ends on stock Wagtail's)",
    )
    args = parser.parse_args()
    home, kept = setup(args.database_url, args.keep)

    from django.db import connection
    from wagtail.models import Page

    from tests.education.search_queries import ALL_QUERIES, ENGLISH

    if not kept:
        add_english_pages()
    queries = [(query, grades, "zh-hans") for query, grades in ALL_QUERIES]
    queries += [(query, grades, "en") for query, grades in ENGLISH]
    print(f"database: {connection.vendor}; queries: {len(queries)}", flush=True)
    added = Page.objects.filter(slug__startswith="report-").count()
    sizes = [int(size) for size in args.sizes.split(",")]
    if kept and args.reindex:
        print(f"the site's index rebuilt in {reindex_site():.1f} s", flush=True)
        analyze()
    for size in sizes:
        pages = Page.objects.filter(locale=home.locale, depth__gt=1).count()
        indexing = add_news(home, size - pages, added) if size > pages else 0.0
        added += max(0, size - pages)
        pages = Page.objects.filter(locale=home.locale, depth__gt=1).count()
        print(f"{pages} pages; indexing the new pages {indexing:.1f} s", flush=True)
        analyze()
        if args.build_only:
            continue
        ours, misses = quality(queries, ranked_slugs)
        show("this site", ours)
        for query, top in misses:
            print(f"    miss: {query} → {top}")
        show("speed", speed(queries, args.rounds))
        calls = call_speed(queries, args.rounds, site_page)
        show("this site's search call", calls)
        last = size == sizes[-1]
        stock, stock_calls, seconds = stock_figures(queries, args.rounds, restore=not last)
        show(f"stock Wagtail (its index rebuilt in {seconds:.1f} s)", stock)
        show("stock Wagtail's search call", stock_calls)
        show(
            "call p50 ratio, this site to stock",
            {"": calls["call p50 ms"] / stock_calls["call p50 ms"]},
        )
        print(f"  load average: {' '.join(f'{value:.1f}' for value in os.getloadavg())}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
