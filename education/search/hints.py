"""Where to go when a search finds nothing: a word that sounds alike, the guides, the
current campaign.

Most misspellings on a phone are homophones picked from the pinyin keyboard (灭火气 for
灭火器) or pinyin typed with a slip (miehuoqu): both are compared by their sound with the
fire-safety words and the editors' synonyms, and the closest word that finds something
in the visitor's language is offered. Traditional characters need no hint: they are
folded to simplified before every search.
"""

import difflib
from functools import cache

from pypinyin import lazy_pinyin
from wagtail.models import Page

from .synonyms import groups
from .text import TOKEN, WORDS_FILE, fold

# How alike two spellings must sound (difflib's ratio) for one to be offered for the other.
CLOSE_ENOUGH = 0.75
CANDIDATES = 3


def sound(text):
    """The pinyin of the text's Chinese runs and its Latin words, run together."""
    parts = []
    for match in TOKEN.finditer(fold(text)):
        run = match.group("cjk")
        parts.extend(lazy_pinyin(run) if run else [match.group("word")])
    return "".join(parts)


@cache
def _dictionary_words():
    with WORDS_FILE.open(encoding="utf-8") as lines:
        return tuple(line.split()[0] for line in lines if line.strip())


def vocabulary():
    """The words a suggestion is chosen from, each with its sound."""
    words = dict.fromkeys([*_dictionary_words(), *(word for group in groups() for word in group)])
    return {word: sound(word) for word in words if len(word) > 1}


def suggestion(query, pages):
    """The word that sounds most like the query and finds one of the pages; or None."""
    from .results import ranked_pages

    heard = sound(query)
    if len(heard) < 3:
        return None
    by_sound = {}
    for word, spoken in vocabulary().items():
        by_sound.setdefault(spoken, word)
    folded = fold(query)
    for spoken in difflib.get_close_matches(heard, by_sound, CANDIDATES, CLOSE_ENOUGH):
        word = by_sound[spoken]
        if word != folded and ranked_pages(word, pages).exists():
            return word
    return None


def no_result_hints(query, locale, home):
    """A suggested word, the safety guides and the current campaign, in the locale."""
    from ..models import SafetyGuideIndexPage

    pages = Page.objects.live().public().filter(locale=locale)
    guides = campaign = None
    if home is not None:
        home = home.localized.specific
        guides = SafetyGuideIndexPage.objects.live().descendant_of(home).first()
        featured = getattr(home, "featured_page", None)
        if featured is not None:
            featured = featured.localized.specific
            campaign = featured if featured.live else None
    return {"suggestion": suggestion(query, pages), "guides": guides, "campaign": campaign}
