"""Chinese-aware tokens for the search index and for queries.

Chinese has no spaces, and the databases' full-text tokenizers (SQLite FTS5's
unicode61, PostgreSQL's default parser) take a whole run of Chinese characters up to
the next punctuation mark as one word, so 电动车 never matches 预防电动车火灾.
We cut every run of CJK characters into overlapping two-character pieces (bigrams),
plus single characters in the index so a one-character query still matches. A query
is cut the same way and all its bigrams must occur: 电动车 → 电动 AND 动车. No
dictionary to go stale; the same tokens on every database.
"""

import re

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN = re.compile(rf"(?P<cjk>[{CJK}]+)|(?P<word>(?:(?![{CJK}])[^\W_])+)")


def bigrams(run):
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_text(text):
    """Text as the index should hold it: bigrams and single characters, words as is."""
    tokens = []
    for match in TOKEN.finditer(text):
        run = match.group("cjk")
        if run:
            tokens.extend(bigrams(run))
            if len(run) > 1:
                tokens.extend(run)
        else:
            tokens.append(match.group("word"))
    return " ".join(tokens)


def query_terms(text):
    """The words of a query, as typed (punctuation, quotes and markup dropped)."""
    return [match.group(0) for match in TOKEN.finditer(text)]


def query_tokens(term):
    """The index tokens one query word must match (all of them)."""
    tokens = []
    for match in TOKEN.finditer(term):
        run = match.group("cjk")
        tokens.extend(bigrams(run) if run else [match.group("word")])
    return tokens
