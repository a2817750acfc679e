import importlib
import inspect

from django.db import connection
from modelsearch.backends.base import BaseSearchBackend

from education.search.backend import rewrite_query
from education.search.text import (
    fold,
    index_text,
    pinyin_text,
    query_parts,
    query_terms,
    query_tokens,
)


def test_index_text_cuts_chinese_runs_into_bigrams_and_characters():
    assert index_text("预防电动车") == "预防 防电 电动 动车 预 防 电 动 车"
    assert index_text("慧消防APP注册, 119!") == "慧消 消防 慧 消 防 app 注册 注 册 119"


def test_traditional_folds_to_simplified_and_english_is_stemmed():
    assert fold("電動車滅火器") == "电动车灭火器"
    assert index_text("滅火器") == index_text("灭火器")
    assert index_text("Extinguishers charging") == "extinguish charg"


def test_titles_get_their_pinyin_in_full_and_as_initials():
    spellings = pinyin_text("家用灭火器怎么选").split()
    assert "miehuoqi" in spellings and "mhq" in spellings


def test_queries_are_segmented_into_words_and_question_words_dropped():
    assert query_parts("电动车火灾") == [("电动车火灾", ["电动车", "火灾"])]
    assert query_parts("灭火器怎么用") == [("灭火器怎么用", ["灭火器"])]
    assert query_parts("how to use an extinguisher") == [
        ("use", ["use"]),
        ("extinguisher", ["extinguisher"]),
    ]
    assert query_parts("怎么办") == [("怎么办", ["怎么办"])]


def test_query_words_drop_punctuation_and_markup():
    assert query_terms('<script>"电动车"</script> AND 119') == [
        "script",
        "电动车",
        "script",
        "and",
        "119",
    ]
    assert query_tokens("电动车") == ["电动", "动车"]
    assert query_tokens("火") == ["火"]


def test_query_with_nothing_searchable_is_empty(db):
    assert rewrite_query("“”，。!?") is None


def test_the_modelsearch_names_the_backend_relies_on_are_still_there():
    """The backend overrides or calls these; a modelsearch upgrade that renames them
    must fail here, not in a resident's search."""
    assert list(inspect.signature(BaseSearchBackend._search).parameters) == [
        "self",
        "query_compiler_class",
        "query",
        "model_or_queryset",
        "kwargs",
    ]
    # Each vendor's module can only be imported on its own database.
    vendor = "postgres" if connection.vendor == "postgresql" else "sqlite"
    module = importlib.import_module(f"modelsearch.backends.database.{vendor}.{vendor}")
    parameters = inspect.signature(module.ObjectIndexer.prepare_field).parameters
    assert list(parameters) == ["self", "obj", "field"]
    backend = getattr(module, f"{vendor.title()}SearchBackend".replace("Sqlite", "SQLite"))
    assert callable(backend.results_class.get_queryset)
    assert callable(backend.query_compiler_class.check)


def test_stemming_is_safe_from_several_threads_at_once():
    """Gunicorn threads and index workers stem at the same time; a shared snowball
    stemmer corrupts its state (IndexError) under that."""
    from concurrent.futures import ThreadPoolExecutor

    from education.search.text import stem

    def work(_):
        return {stem(word) for word in ["extinguishers", "miehuoqi", "charging"] * 3000}

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(work, range(4)))
    assert results == [{"extinguish", "miehuoqi", "charg"}] * 4
