"""Synonym groups from the editors' list, cached until an editor changes one.

An editor's change starts a new ``search`` generation (``core/freshness.py``),
which keys the cached groups.
"""

from django.core.cache import cache

from core import freshness

from .text import add_words, fold


def groups():
    (generation,) = freshness.generation(("search",))
    key = f"education:search-synonyms:{generation}"
    cached = cache.get(key)
    if cached is None:
        from ..models import SearchSynonym

        cached = [
            [fold(term) for term in synonym.term_list] for synonym in SearchSynonym.objects.all()
        ]
        cache.set(key, cached, 3600)
    return cached


def add_synonym_words():
    """Teach the query segmenter the synonyms, so each stays one word."""
    add_words(word for group in groups() for word in group)


def variants(term):
    """The term, and the term with each synonym it contains swapped for the others."""
    found = [term]
    for group in groups():
        for word in group:
            if word in term:
                for other in group:
                    candidate = term.replace(word, other)
                    if candidate not in found:
                        found.append(candidate)
    return found
