"""The English page tree mirrors the Chinese one as Wagtail aliases.

With ``WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE`` Wagtail creates an alias in every
other locale when an editor creates a page in the admin. Pages made in code (the demo
content, tests) call :func:`sync_translation_aliases` to get the same result. An alias
keeps the Chinese content until an editor converts it into a real translation, and its
URLs stay under ``/en/`` so an English visitor keeps the English interface.
"""

from django.conf import settings
from wagtail.models import Locale, Page


def ensure_locales():
    return [Locale.objects.get_or_create(language_code=code)[0] for code, _ in settings.LANGUAGES]


def sync_translation_aliases():
    """Create aliases of default-locale pages in every other locale; return how many."""
    ensure_locales()
    default = Locale.get_default()
    created = 0
    for locale in Locale.objects.exclude(pk=default.pk):
        for page in Page.objects.filter(locale=default, depth__gt=1).order_by("path"):
            if not page.has_translation(locale):
                page.copy_for_translation(locale, copy_parents=True, alias=True)
                created += 1
    return created
