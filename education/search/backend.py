"""Wagtail's database search backend, taught to find Chinese words in running text.

Used for every indexed model and Wagtail's admin search alike (``WAGTAILSEARCH_BACKENDS``).
Index side: each field's text goes through :func:`text.index_text` once, titles get their
pinyin, and an object's entry is written with one upsert, so two workers indexing the
same page never collide on the entry's unique key.
Query side: the query is segmented into words and rebuilt as a tree of plain-text
queries over the same tokens, each word with the editors' synonyms as alternatives.
"""

from functools import cache

from django.db import connection
from modelsearch.backends.base import EmptySearchResults
from modelsearch.index import AutocompleteField, SearchField
from modelsearch.query import And, Boost, Not, Or, Phrase, PlainText
from modelsearch.utils import get_content_type_pk

from core import freshness

from .synonyms import add_synonym_words, variants
from .text import bigrams, index_text, pinyin_text, query_parts, query_tokens


def _word(word, synonyms):
    alternatives = [
        PlainText(" ".join(query_tokens(variant)), operator="and")
        for variant in (variants(word) if synonyms else [word])
    ]
    return alternatives[0] if len(alternatives) == 1 else Or(alternatives)


def words_query(text, operator="and", synonyms=True):
    """Every word of the query (or any, with ``operator="or"``), each with its synonyms.

    None when nothing searchable is left.
    """
    if synonyms:
        add_synonym_words()
    words = [_word(word, synonyms) for _, part in query_parts(text) for word in part]
    if not words:
        return None
    return words[0] if len(words) == 1 else (And if operator == "and" else Or)(words)


def phrase_query(text):
    """The query's compound runs with their words touching (电动车火灾 with 车火); or None."""
    runs = [
        PlainText(" ".join(bigrams(run)), operator="and")
        for run, words in query_parts(text)
        if len(words) > 1 and len(run) > 1
    ]
    if not runs:
        return None
    return runs[0] if len(runs) == 1 else And(runs)


def rewrite_query(query, operator=None):
    """A query tree over the index's tokens; None when nothing searchable is left."""
    if isinstance(query, str):
        return words_query(query, operator or "and")
    if isinstance(query, PlainText):
        return words_query(query.query_string, query.operator)
    if isinstance(query, Phrase):
        return words_query(query.query_string, "and")
    if isinstance(query, Boost):
        subquery = rewrite_query(query.subquery)
        return Boost(subquery, query.boost) if subquery is not None else None
    if isinstance(query, Not):
        subquery = rewrite_query(query.subquery)
        return Not(subquery) if subquery is not None else None
    if isinstance(query, And | Or):
        parts = [part for part in map(rewrite_query, query.subqueries) if part is not None]
        if not parts:
            return None
        return type(query)(parts)
    return query


class SegmentingIndexMixin:
    """Writes each object's entry once, as tokens, in one upsert per batch."""

    indexer_class = None

    def add_items(self, model, objs):
        if not model.get_search_fields():
            return
        content_type_pk = get_content_type_pk(model)
        entries = []
        for obj in objs:
            indexer = self.indexer_class(obj, self.backend)
            entries.append(
                self.entries.model(
                    content_type_id=content_type_pk,
                    object_id=indexer.id,
                    **{field: getattr(indexer, field) for field in self.entry_fields},
                )
            )
        if not entries:
            return
        # INSERT … ON CONFLICT DO UPDATE: concurrent workers indexing the same object
        # both succeed, and the last write wins.
        self.entries.bulk_create(
            entries,
            update_conflicts=True,
            unique_fields=["content_type", "object_id"],
            update_fields=self.entry_fields,
        )
        # The index is written after the publish, by the worker: results cached in
        # between must not outlive it. Only the search page shows the index; a bump of
        # ``content`` here emptied every cached page and route once per object indexed.
        freshness.bump("search")


class SegmentingQueryMixin:
    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        query = rewrite_query(query, kwargs.pop("operator", None))
        if query is None:
            return EmptySearchResults()
        return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)

    def matching(self, query, queryset):
        """The objects of the queryset that match a tree from :func:`words_query`.

        A plain queryset, unordered, for the caller to filter, rank and count.
        """
        compiler = self.query_compiler_class(queryset, query, order_by_relevance=False)
        compiler.check()
        return self.results_class(self, compiler).get_queryset().order_by()


def _indexer(base):
    class SegmentingObjectIndexer(base):
        def prepare_field(self, obj, field):
            if not isinstance(field, SearchField | AutocompleteField):
                # Related fields come back through this method, already as tokens.
                yield from super().prepare_field(obj, field)
                return
            for *head, value in super().prepare_field(obj, field):
                tokens = index_text(value)
                if isinstance(field, SearchField) and field.field_name == "title":
                    tokens = f"{tokens} {index_text(pinyin_text(value))}"
                yield (*head, tokens)

    return SegmentingObjectIndexer


@cache
def _backend_class(vendor):
    if vendor == "postgresql":
        from modelsearch.backends.database.postgres import postgres as base

        index_base, backend_base = base.PostgresIndex, base.PostgresSearchBackend
        entry_fields = ["title", "autocomplete", "body", "title_text", "body_text"]
    else:
        from modelsearch.backends.database.sqlite import sqlite as base

        index_base, backend_base = base.SQLiteIndex, base.SQLiteSearchBackend
        entry_fields = ["title", "autocomplete", "body"]

    index_class = type(
        "SegmentingIndex",
        (SegmentingIndexMixin, index_base),
        {"indexer_class": _indexer(base.ObjectIndexer), "entry_fields": entry_fields},
    )
    return type(
        "SegmentingSearchBackend",
        (SegmentingQueryMixin, backend_base),
        {"index_class": index_class},
    )


def SearchBackend(params):  # noqa: N802 - Wagtail looks up this name in the module
    """The CJK-aware backend for the default database (SQLite FTS5 or PostgreSQL)."""
    return _backend_class(connection.vendor)(params)
