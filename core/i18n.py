"""Data in two languages: a field ``x`` with an English twin ``x_en``.

Pages are translated as pages (Wagtail's simple_translation, see docs/translation.md);
rows that both languages share (site settings, bookable events, sessions) carry an
English twin of each field a visitor reads. This is the one rule for reading them.
"""

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

ENGLISH_HELP = _("Shown on the English site; the Chinese value is used when this is empty.")


class EnglishFields:
    """A model mixin: ``localized("title")`` is ``title_en`` on the English site when an
    editor filled it, else ``title``."""

    def localized(self, field, language=None):
        language = language or get_language()
        if language and language != settings.LANGUAGE_CODE:
            value = getattr(self, f"{field}_en", "")
            if value:
                return value
        return getattr(self, field)
