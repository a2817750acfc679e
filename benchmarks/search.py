"""Search quality and speed on the demo content, then with filler pages added.

    .venv/bin/python benchmarks/search.py [--database-url URL] [--sizes 32,1000]

Loads the demo into a benchmark database (SQLite in var/bench/ unless a URL is given),
runs every query of tests/education/search_queries.py through the search the site
uses, and reports, per size:

- hit@5: a page the query is about is among the first five;
- P@5: such pages among the first five, over min(5, number of such pages);
- recall: such pages anywhere in the results (every result, all pages of them);
- nDCG@10 (binary gains);
- uncached search p50 through Django's test client (the cache cleared before each),
  and the p50 of the minimal view (robots.txt) in the same run, as a ratio.

Then it adds filler pages (civic news that is about none of the queries) up to each
size, indexes them as the worker would, and measures again: what the query set was
about must still come first. Everything runs in this process; nothing leaves loopback.
"""

import argparse
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILLER_SUBJECTS = [
    "社区文化节",
    "公园绿化",
    "图书馆阅读周",
    "菜市场改造",
    "公交线路调整",
    "老年大学招生",
    "垃圾分类宣传",
    "运动会",
    "献血活动",
    "志愿者招募",
]
FILLER_TEXT = [
    "本周末在广场举行，欢迎居民参加。",
    "活动由街道办事处组织，报名请联系社区工作人员。",
    "新的线路将于下月起运行，站点设置征求意见。",
    "现场提供咨询服务，市民可以带孩子一起来。",
    "今年共有三百余名居民报名，比去年增加两成。",
]


def setup(database_url):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    bench = ROOT / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        path = bench / "search.sqlite3"
        path.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["FIREBREAK_VAR_DIR"] = str(bench / "search")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)

    from education.demo import load
    from education.i18n import sync_translation_aliases
    from tests.education.factories import ensure_tree_roots

    ensure_tree_roots()
    home = load()
    sync_translation_aliases()
    call_command("update_index", verbosity=0)
    return home


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


def quality(queries):
    """The figures over (query, relevant slugs, language code) triples."""
    from wagtail.models import Locale

    from education.search.results import search_pages

    hits, precision, recall, ndcg, misses = [], [], [], [], []
    for query, relevant, language in queries:
        locale = Locale.objects.get(language_code=language)
        first = search_pages(query, locale, 1)
        slugs = []
        for number in first.paginator.page_range:
            page = first if number == 1 else search_pages(query, locale, number)
            slugs += [item.slug for item in [*page.promoted, *page.object_list]]
        top = slugs[:5]
        found = len(relevant & set(top))
        hits.append(1.0 if found else 0.0)
        precision.append(found / min(5, len(relevant)))
        recall.append(len(relevant & set(slugs)) / len(relevant))
        dcg = sum(1 / math.log2(i + 2) for i, slug in enumerate(slugs[:10]) if slug in relevant)
        ideal = sum(1 / math.log2(i + 2) for i in range(min(10, len(relevant))))
        ndcg.append(dcg / ideal)
        if not found:
            misses.append((query, top))
    return {
        "hit@5": statistics.mean(hits),
        "P@5": statistics.mean(precision),
        "recall": statistics.mean(recall),
        "nDCG@10": statistics.mean(ndcg),
        "misses": misses,
    }


def speed(queries, rounds=3):
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    search, minimal = [], []
    for _ in range(rounds):
        for query, _relevant, language in queries:
            cache.clear()  # uncached: the results fragment is cached once rendered
            start = time.perf_counter()
            path = "/search/" if language == "zh-hans" else f"/{language}/search/"
            response = client.get(path, {"q": query})
            search.append(time.perf_counter() - start)
            assert response.status_code == 200, (query, response.status_code)
            start = time.perf_counter()
            client.get("/robots.txt")
            minimal.append(time.perf_counter() - start)
    search_p50, minimal_p50 = statistics.median(search), statistics.median(minimal)
    return {"search p50 ms": search_p50 * 1000, "ratio to robots.txt": search_p50 / minimal_p50}


def add_filler(home, count, seed=17):
    """Civic news pages about none of the queries; the seconds to index them all."""
    from django.test import override_settings
    from wagtail.search.backends import get_search_backend

    from education.models import StandardPage

    rng = random.Random(seed)
    made = []
    # The pages are written with the per-page index tasks held back; the whole batch is
    # then indexed at once, as `update_index` or a bulk import would, and timed.
    quiet = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=quiet):
        for page in _filler_pages(rng, count):
            home.add_child(instance=page)
            made.append(page)
    start = time.perf_counter()
    get_search_backend().add_bulk(StandardPage, made)
    return time.perf_counter() - start


def _filler_pages(rng, count):
    import json

    from education.models import StandardPage

    for n in range(count):
        subject = rng.choice(FILLER_SUBJECTS)
        text = "".join(rng.sample(FILLER_TEXT, 3))
        yield StandardPage(
            title=f"{subject}（第{n}期）",
            slug=f"filler-{n}",
            summary=text[:60],
            body=json.dumps([{"type": "text", "value": f"<p>{text}</p>"}]),
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--sizes", default="32,1000")
    args = parser.parse_args()
    home = setup(args.database_url)

    from django.db import connection
    from wagtail.models import Page

    from tests.education.search_queries import ALL_QUERIES, ENGLISH

    add_english_pages()
    queries = [(query, relevant, "zh-hans") for query, relevant in ALL_QUERIES]
    queries += [(query, relevant, "en") for query, relevant in ENGLISH]
    print(f"database: {connection.vendor}; queries: {len(queries)}")
    for size in [int(size) for size in args.sizes.split(",")]:
        pages = Page.objects.filter(locale=home.locale, depth__gt=1).count()
        indexing = add_filler(home, size - pages) if size > pages else 0.0
        pages = Page.objects.filter(locale=home.locale, depth__gt=1).count()
        figures = {**quality(queries), **speed(queries)}
        misses = figures.pop("misses")
        line = ", ".join(f"{name} {value:.3f}" for name, value in figures.items())
        print(f"{pages} pages: {line}; indexing the filler {indexing:.1f} s")
        for query, top in misses:
            print(f"  miss: {query} → {top}")


if __name__ == "__main__":
    main()
