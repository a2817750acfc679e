"""Wagtail's database search backend, taught to find Chinese words in running text.

Used for every indexed model and Wagtail's admin search alike (``WAGTAILSEARCH_BACKENDS``).
Index side: each object's text goes through :func:`text.index_text` before it is stored.
Query side: the query is rebuilt as a tree of plain-text queries over the same tokens,
with editor-managed synonyms as alternatives.
"""

from functools import cache, reduce

from django.db import connection
from modelsearch.backends.base import EmptySearchResults
from modelsearch.query import And, Boost, Not, Or, Phrase, PlainText
from modelsearch.utils import get_content_type_pk

from .. import freshness
from .synonyms import variants
from .text import index_text, query_terms, query_tokens


def rewrite_query(query, operator=None):
    """A query tree over bigram tokens; None when nothing searchable is left."""
    if isinstance(query, str):
        return _plain(query, operator or "and")
    if isinstance(query, PlainText):
        return _plain(query.query_string, query.operator)
    if isinstance(query, Phrase):
        return _plain(query.query_string, "and")
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


def _plain(text, operator):
    words = []
    for term in query_terms(text):
        alternatives = [
            PlainText(" ".join(query_tokens(variant)), operator=operator)
            for variant in variants(term)
        ]
        words.append(alternatives[0] if len(alternatives) == 1 else Or(alternatives))
    if not words:
        return None
    combine = (lambda a, b: And([a, b])) if operator == "and" else (lambda a, b: Or([a, b]))
    return reduce(combine, words)


class SegmentingIndexMixin:
    """After the stock indexer writes an entry, rewrite its text as CJK tokens."""

    indexer_class = None

    def add_items(self, model, objs):
        objs = list(objs)
        super().add_items(model, objs)
        if not objs or not model.get_search_fields():
            return
        content_type_pk = get_content_type_pk(model)
        for obj in objs:
            indexer = self.indexer_class(obj, self.backend)
            self.entries.filter(content_type_id=content_type_pk, object_id=indexer.id).update(
                title=indexer.title, body=indexer.body, autocomplete=indexer.autocomplete
            )
        # The index is written after the publish, by the worker: results cached in
        # between must not outlive it.
        freshness.bump("content")


class SegmentingQueryMixin:
    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        query = rewrite_query(query, kwargs.pop("operator", None))
        if query is None:
            return EmptySearchResults()
        return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)


def _indexer(base):
    class SegmentingObjectIndexer(base):
        def prepare_value(self, value):
            return index_text(super().prepare_value(value))

    return SegmentingObjectIndexer


@cache
def _backend_class(vendor):
    if vendor == "postgresql":
        from modelsearch.backends.database.postgres import postgres as base

        index_base, backend_base = base.PostgresIndex, base.PostgresSearchBackend
    else:
        from modelsearch.backends.database.sqlite import sqlite as base

        index_base, backend_base = base.SQLiteIndex, base.SQLiteSearchBackend

    index_class = type(
        "SegmentingIndex",
        (SegmentingIndexMixin, index_base),
        {"indexer_class": _indexer(base.ObjectIndexer)},
    )
    return type(
        "SegmentingSearchBackend",
        (SegmentingQueryMixin, backend_base),
        {"index_class": index_class},
    )


def SearchBackend(params):  # noqa: N802 - Wagtail looks up this name in the module
    """The CJK-aware backend for the default database (SQLite FTS5 or PostgreSQL)."""
    return _backend_class(connection.vendor)(params)
