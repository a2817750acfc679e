"""Synonym groups from the editors' list, cached until an editor changes one.

An editor's change starts a new ``search`` generation (``core/freshness.py``),
which keys the cached groups.
"""

from core import freshness

from .text import add_words, fold


def _read_groups():
    from ..models import SearchSynonym

    return [[fold(term) for term in synonym.term_list] for synonym in SearchSynonym.objects.all()]


def groups():
    """Each synonym group's terms, folded; kept as data under the ``search`` generation."""
    return freshness.kept(None, "education:search-synonyms", ("search",), _read_groups)


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
