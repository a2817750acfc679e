"""The public search over pages the tests write: words, ranking, reach, other writing."""

import datetime
import json
import re
import threading
import time

import pytest
from django.db import IntegrityError, connection, connections
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

from education.models import HomePage, SearchSynonym, StandardPage
from education.search.backend import words_query
from education.search.results import PER_PAGE, ranked_pages, search_pages
from tests.education.factories import add_page, make_site

pytestmark = pytest.mark.django_db


def body(text):
    return json.dumps([{"type": "text", "value": f"<p>{text}</p>"}])


class Pages:
    """Pages written, published and indexed (the worker's job, done here at once)."""

    def __init__(self, home):
        self.home = home
        self.count = 0
        self.backend = get_search_backend()

    def add(self, title, text="", summary="", parent=None, days_ago=0):
        self.count += 1
        page = add_page(
            parent or self.home,
            StandardPage,
            title=title,
            slug=f"page-{self.count}",
            summary=summary,
            body=body(text or title),
        )
        published = timezone.now() - datetime.timedelta(days=days_ago)
        StandardPage.objects.filter(pk=page.pk).update(last_published_at=published)
        page.last_published_at = published
        self.backend.add(page)
        return page


@pytest.fixture
def pages():
    return Pages(make_site())


def titles(query, locale=None, page=None):
    results = search_pages(query, locale or Locale.get_default(), page)
    return [item.title for item in results.object_list]


def test_a_compound_query_finds_its_words_apart_and_ranks_them_together_first(pages):
    pages.add("楼道安全", "电动车不要停在楼道，一旦发生火灾，烟会封住楼梯。", days_ago=1)
    pages.add("预防电动车火灾", "充电八件事。", days_ago=5)
    pages.add("厨房防火", "油锅起火要盖锅盖。")
    assert titles("电动车火灾") == ["预防电动车火灾", "楼道安全"]


def test_question_words_do_not_have_to_match(pages):
    pages.add("电动车着火了", "先断电，再用灭火器。")
    assert titles("电动车着火怎么办") == ["电动车着火了"]


def test_the_typed_word_outranks_its_synonyms(pages):
    SearchSynonym.objects.create(terms="逃生, 疏散, 撤离")
    for n in range(6):
        pages.add(f"逃生演练第{n}场", "全家逃生，两分钟撤离。")
    pages.add("学校演练", "老师带学生沿楼梯疏散到操场。", days_ago=30)
    found = titles("疏散")
    assert found[0] == "学校演练"
    assert len(found) == 7  # the synonyms still widen the search


def test_the_title_outranks_the_text_and_recency_breaks_ties(pages):
    pages.add("居家安全", "灭火器放在门口。", days_ago=1)
    pages.add("灭火器怎么选", "看压力表。", days_ago=9)
    pages.add("家庭防火", "灭火器要定期检查。", days_ago=3)
    assert titles("灭火器") == ["灭火器怎么选", "居家安全", "家庭防火"]


def test_a_match_in_the_summary_outranks_a_match_only_in_the_body(pages):
    pages.add("居家安全", "灭火器放在门口。", days_ago=1)
    pages.add("家庭防火", "定期检查。", summary="灭火器要定期检查压力表。", days_ago=5)
    pages.add("灭火器怎么选", "看压力表。", days_ago=9)
    assert titles("灭火器") == ["灭火器怎么选", "家庭防火", "居家安全"]


def test_the_typed_word_in_the_summary_outranks_a_synonym_in_the_title(pages):
    SearchSynonym.objects.create(terms="电动车, 电瓶车")
    pages.add("电瓶车停放", "电动车不要停在楼道。", days_ago=1)
    pages.add("楼道安全", "不要堆放杂物。", summary="电动车不进楼道。", days_ago=5)
    pages.add("楼道杂物", "电动车和纸箱都不要放。", days_ago=2)
    assert titles("电动车") == ["楼道安全", "电瓶车停放", "楼道杂物"]


def test_a_compound_run_in_the_summary_outranks_the_same_run_in_the_body(pages):
    pages.add("楼道安全", "楼道里的电动车火灾，烟会封住楼梯。", days_ago=1)
    pages.add("充电八件事", "夜里不要充电。", summary="预防电动车火灾，从充电做起。", days_ago=5)
    assert titles("电动车火灾") == ["充电八件事", "楼道安全"]


def test_every_match_is_reachable_page_by_page(pages):
    made = {
        pages.add(f"灭火器第{n}课", "干粉灭火器的用法。").title for n in range(PER_PAGE * 5 + 3)
    }
    first = search_pages("灭火器", Locale.get_default(), 1)
    assert first.total == len(made) == first.paginator.count
    seen = []
    for number in first.paginator.page_range:
        seen += titles("灭火器", page=number)
    assert sorted(seen) == sorted(made)


def test_each_page_of_results_is_the_full_ranking_cut_there(pages):
    # The pages with a query word in the title or summary are the oldest: a page of
    # results that ranked only the newest matches would miss them.
    SearchSynonym.objects.create(terms="电动车, 电瓶车")
    for n in range(PER_PAGE * 2 + 5):
        pages.add(f"楼道第{n}期", "电动车不要停在楼道。" if n % 3 else "电瓶车也不行。", days_ago=n)
    pages.add("电动车火灾", "充电。", days_ago=40)
    pages.add("居民议事会", "电瓶车。", summary="电动车不进楼道。", days_ago=50)
    pages.add("电瓶车停放", "电动车。", days_ago=60)
    every = Page.objects.live().public().filter(locale=Locale.get_default())
    ranked = [page.title for page in ranked_pages("电动车", every)]
    shown = []
    for number in search_pages("电动车", Locale.get_default(), 1).paginator.page_range:
        shown += titles("电动车", page=number)
    assert shown == ranked
    assert set(ranked[:3]) == {"电动车火灾", "居民议事会", "电瓶车停放"}
    assert len(ranked) == PER_PAGE * 2 + 8


def test_a_page_past_the_last_or_not_a_number_shows_a_real_page(pages):
    made = [pages.add(f"灭火器第{n}课", "干粉。", days_ago=n).title for n in range(PER_PAGE + 2)]
    assert titles("灭火器", page=99) == made[PER_PAGE:]
    assert titles("灭火器", page="abc") == made[:PER_PAGE]
    assert search_pages("灭火器", Locale.get_default(), 99).total == len(made)


def test_when_no_page_holds_every_word_any_word_is_enough(pages):
    pages.add("灭火器", "干粉。")
    pages.add("楼道", "不要堆放杂物。")
    results = search_pages("灭火器 楼道 消防车", Locale.get_default(), 1)
    assert results.total == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
def test_postgresql_indexes_the_words_as_the_search_matches_them(pages):
    """Without ``education_search_entry_text_gin`` each search reads every entry: its
    expression must be the one the backend matches (on a tiny table the planner
    would read the entries whole anyway, so the plan cannot tell)."""
    pages.add("灭火器", "干粉灭火器。")
    tree = words_query("灭火器")
    sql = str(get_search_backend().matching(tree, Page.objects.all()).query)
    assert re.search(r'\("\w+"\."title" \|\| "\w+"\."body"\) @@', sql)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indexrelid = 'education_search_entry_text_gin'::regclass"
        )
        (definition,) = cursor.fetchone()
    assert definition.endswith("USING gin (((title || body)))")


def test_traditional_characters_find_simplified_pages_and_back(pages):
    pages.add("预防电动车火灾", "不要在楼道充电。")
    pages.add("滅火器使用說明", "拔掉保險銷，對準火焰根部。")
    assert titles("電動車") == ["预防电动车火灾"]
    assert titles("灭火器") == ["滅火器使用說明"]
    assert titles("保险销") == ["滅火器使用說明"]


def test_pinyin_in_full_and_initials_finds_titles(pages):
    pages.add("家用灭火器怎么选", "看压力表。")
    pages.add("厨房防火", "油锅起火。")
    assert titles("miehuoqi") == ["家用灭火器怎么选"]
    assert titles("mhq") == ["家用灭火器怎么选"]
    assert titles("Chufang") == ["厨房防火"]


def test_english_pages_are_found_in_english_with_stemming_and_mixed_queries(pages, client):
    english = Locale.objects.get(language_code="en")
    home_en = HomePage.objects.get(locale=english)
    pages.add("How to use a fire extinguisher", "Pull the pin, aim at the base.", parent=home_en)
    pages.add("Charging e-bikes safely", "Never charge an e-bike in the stairwell.", parent=home_en)
    assert titles("fire extinguishers", english) == ["How to use a fire extinguisher"]
    assert titles("charging e-bike", english) == ["Charging e-bikes safely"]
    html = client.get("/en/search/", {"q": "extinguishers"}).content.decode()
    assert "How to use a fire <mark>extinguish</mark>er" in html
    pages.add("APP注册指南", "慧消防APP，单位注册。")
    assert titles("app 注册") == ["APP注册指南"]


def test_editors_promotions_come_first(pages, client):
    pages.add("灭火器怎么选", "看压力表。")
    promoted = pages.add("消防站开放日", "来看看消防车和灭火器。", days_ago=40)
    query = Query.get("灭火器")
    SearchPromotion.objects.create(query=query, page=promoted, sort_order=0)
    results = search_pages("灭火器", Locale.get_default(), 1)
    assert [page.title for page in results.promoted] == ["消防站开放日"]
    assert [page.title for page in results.object_list] == ["灭火器怎么选"]
    assert results.total == 2
    html = client.get("/search/", {"q": "灭火器"}).content.decode()
    assert html.index(f'href="{promoted.url}"') < html.index('href="/page-1/"')


def test_a_promotion_shows_at_once_and_a_removed_one_goes(pages):
    """The promoted queries are kept as data under the search generation."""
    pages.add("灭火器怎么选", "看压力表。")
    promoted = pages.add("消防站开放日", "来看看消防车和灭火器。", days_ago=40)
    assert search_pages("灭火器", Locale.get_default(), 1).promoted == []
    promotion = SearchPromotion.objects.create(
        query=Query.get("灭火器"), page=promoted, sort_order=0
    )
    assert search_pages("灭火器", Locale.get_default(), 1).promoted == [promoted]
    promotion.delete()
    assert search_pages("灭火器", Locale.get_default(), 1).promoted == []


def test_the_body_is_indexed_once(pages):
    page = pages.add("页面", "预防电动车")
    entry = index_entries().get(object_id=str(page.pk))
    text = entry.body_text if connection.vendor == "postgresql" else entry.body
    assert text.split().count("电动") == 1
    assert text.split().count("电") == 1


def test_queries_that_segment_to_nothing_find_nothing_and_do_not_fail(pages, client):
    pages.add("灭火器", "灭火器。")
    assert titles("，。！") == []
    response = client.get("/search/", {"q": "的"})
    assert response.status_code == 200


def index_entries():
    return get_search_backend().get_index_for_model(StandardPage).entries.all()


# The index race: two workers index the same page at the same moment.

ROUNDS = 4
PAUSE = 0.2


def race(index, page, add_items):
    """Index the page from two threads at once; the errors they meet."""
    errors = []
    start = threading.Barrier(2)

    def worker():
        try:
            start.wait()
            add_items(index, type(page), [page])
        except IntegrityError as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def paused_index():
    """The backend's index, pausing between reading the entries and writing them."""
    index = get_search_backend().get_index_for_model(StandardPage)

    class PausedEntries(type(index.entries)):
        def bulk_create(self, *args, **kwargs):
            time.sleep(PAUSE)
            return super().bulk_create(*args, **kwargs)

    entries = index.entries.all()
    entries.__class__ = PausedEntries
    index.entries = entries
    return index


@pytest.mark.django_db(transaction=True)
def test_two_workers_indexing_one_page_leave_one_entry_and_no_error():
    IndexEntry = index_entries().model  # noqa: N806 - a model class
    page = Pages(make_site()).add("预防电动车火灾", "楼道不充电。")
    index = paused_index()
    stock = type(index).__mro__[2].add_items  # modelsearch's own: read, then insert
    assert type(index).__mro__[2].__module__.startswith("modelsearch.")
    if connection.vendor == "sqlite":
        # PostgreSQL's stock writer is already an upsert; SQLite's reads, then inserts.
        control = []
        for _ in range(ROUNDS):
            IndexEntry.objects.filter(object_id=str(page.pk)).delete()
            control += race(index, page, stock)
        assert control, "the control run never met the race: the test cannot see it"

    for _ in range(ROUNDS):
        IndexEntry.objects.filter(object_id=str(page.pk)).delete()
        assert race(index, page, type(index).add_items) == []
        assert IndexEntry.objects.filter(object_id=str(page.pk)).count() == 1
    assert search_pages("电动车", Locale.get_default()).total == 1
