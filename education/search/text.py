"""Chinese-aware tokens for the search index and for queries.

Chinese has no spaces, and the databases' full-text tokenizers (SQLite FTS5's
unicode61, PostgreSQL's default parser) take a whole run of Chinese characters up to
the next punctuation mark as one word, so 电动车 never matches 预防电动车火灾.

Index side: text is folded (traditional → simplified, lower case), every run of CJK
characters is cut into overlapping two-character pieces (bigrams) plus single
characters, and Latin words are stemmed (extinguishers → extinguish). Titles also get
their pinyin, in full and as initials (灭火器 → miehuoqi, mhq).

Query side: the same folding, then each run is segmented into words (jieba, with the
fire-safety words in ``words.txt`` and the editors' synonyms added), question words
are dropped, and each word must match all of its own bigrams. A compound query
(电动车火灾) therefore finds pages where 电动车 and 火灾 stand apart; the bigram that
spans the two words (车火) only boosts pages where they touch.
"""

import logging
import re
import threading
from functools import cache, lru_cache
from pathlib import Path

import jieba
import snowballstemmer
import zhconv
from django.conf import settings
from pypinyin import Style, lazy_pinyin

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN = re.compile(rf"(?P<cjk>[{CJK}]+)|(?P<word>(?:(?![{CJK}])[^\W_])+)")
WORDS_FILE = Path(__file__).with_name("words.txt")

# Words a resident types around what they look for, never what they look for.
_STOP_WORDS = """
的 了 吗 呢 啊 吧 呀 么 是 在 和 与 及 或 把 被 要 会 能 该 怎 怎么 怎么办 怎样 怎么样
如何 什么 哪些 哪里 哪儿 为什么 为何 请问 一下 时候 时 用 了解 知道
a an the of to in on for and or with how what is are do does i my
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
# The fire-safety words stay whole; segmenting more finely would only widen the match.
_SYNONYM_FREQUENCY = 200_000

_lock = threading.RLock()
_loaded = threading.Event()
_tokenizer_ready = threading.Event()
_added_words = set()
_local = threading.local()


def fold(text):
    """Simplified characters, lower case: what the index holds and queries compare."""
    _load_conversion_table()
    return zhconv.convert(text, "zh-cn").lower()


def stem(word):
    """The English stem of a Latin word (extinguishers → extinguish)."""
    if not (word.isascii() and word.isalpha()):
        return word
    return _english_stem(word)


@lru_cache(maxsize=65_536)
def _english_stem(word):
    # The same few thousand words come back in every page indexed and every query, and
    # stemming one costs about 25 µs: it is pure, so each is stemmed once per process.
    # A snowball stemmer keeps its work in the instance: one per thread.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


def _load_conversion_table():
    """Load zhconv's table once, under a lock: zhconv builds it in module globals,
    and a thread reading them half-built would convert wrongly or fail."""
    if _loaded.is_set():
        return
    with _lock:
        if not _loaded.is_set():
            # zhconv opens its default table without closing it; by path it closes it.
            zhconv.loaddict(str(Path(zhconv.__file__).with_name("zhcdict.json")))
            zhconv.convert("预热", "zh-cn")  # builds the conversion dictionary
            _loaded.set()


def _tokenizer():
    if _tokenizer_ready.is_set():
        return _jieba()
    with _lock:
        tokenizer = _jieba()
        _tokenizer_ready.set()
        return tokenizer


@cache
def _jieba():
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    # jieba caches its prefix dictionary on disk; ours, not a shared temporary folder.
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    tokenizer.tmp_dir = str(settings.VAR_DIR)
    tokenizer.initialize()
    with WORDS_FILE.open("rb") as words:
        tokenizer.load_userdict(words)
    return tokenizer


def warm():
    """Load the segmenter's dictionary and the conversion table now (about a second):
    a server process calls this as it starts (``config/gunicorn.py``), so its first
    search does not wait for them. Commands and tests load them when first used."""
    _load_conversion_table()
    segment("预热")


def add_words(words):
    """Keep these words (the editors' synonyms) whole when segmenting queries."""
    new = [word for word in words if word not in _added_words]
    if not new:
        return
    tokenizer = _tokenizer()
    with _lock:
        for word in new:
            tokenizer.add_word(word, _SYNONYM_FREQUENCY)
            _added_words.add(word)


def bigrams(run):
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_text(text):
    """Text as the index holds it: bigrams and single characters, Latin words stemmed."""
    _load_conversion_table()
    tokens = []
    for match in TOKEN.finditer(fold(text)):
        run = match.group("cjk")
        if run:
            tokens.extend(bigrams(run))
            if len(run) > 1:
                tokens.extend(run)
        else:
            tokens.append(stem(match.group("word")))
    return " ".join(tokens)


def pinyin_text(text):
    """Pinyin of each word of a title, in full and as initials (灭火器 → miehuoqi mhq)."""
    _load_conversion_table()
    spellings = []
    for match in TOKEN.finditer(fold(text)):
        run = match.group("cjk")
        if not run:
            continue
        for word in {run, *segment(run)}:
            if len(word) < 2:
                continue
            spellings.append("".join(lazy_pinyin(word)))
            spellings.append("".join(lazy_pinyin(word, style=Style.FIRST_LETTER)))
    return " ".join(dict.fromkeys(spellings))


def segment(run):
    """The words of a run of Chinese characters."""
    return _tokenizer().lcut(run, HMM=False)


def query_terms(text):
    """The runs of a query as typed and folded (punctuation, quotes and markup dropped)."""
    _load_conversion_table()
    return [match.group(0) for match in TOKEN.finditer(fold(text))]


def query_words(term):
    """The words one run of a query stands for."""
    match = TOKEN.fullmatch(term)
    if match and match.group("cjk"):
        return [word for word in segment(term) if word.strip()]
    return [term]


def query_tokens(word):
    """The index tokens one query word must match (all of them)."""
    tokens = []
    for match in TOKEN.finditer(word):
        run = match.group("cjk")
        tokens.extend(bigrams(run) if run else [stem(match.group("word"))])
    return tokens


def query_parts(text):
    """The runs of a query with their words: [(run, [word, …]), …], question words dropped.

    Question words are dropped across the whole query (how to use an extinguisher →
    use, extinguisher); a query of nothing but question words keeps them.
    """
    parts = [(term, query_words(term)) for term in query_terms(text)]
    kept = [(term, [w for w in words if w not in STOP_WORDS]) for term, words in parts]
    kept = [(term, words) for term, words in kept if words]
    return kept or [(term, words) for term, words in parts if words]
