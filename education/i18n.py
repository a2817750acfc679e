"""The English page tree mirrors the Chinese one as Wagtail aliases.

With ``WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE`` Wagtail creates an alias in every
other locale when an editor creates a page in the admin. Pages made in code (the demo
content, tests) call :func:`sync_translation_aliases` to get the same result. An alias
keeps the Chinese content until an editor converts it into a real translation, and its
URLs stay under ``/en/`` so an English visitor keeps the English interface; the page
then says it is not yet translated and marks its content as Chinese
(:func:`untranslated_language`). The editors' workflow is in ``docs/translation.md``.
"""

from django.conf import settings
from django.utils.translation import get_language
from wagtail.actions.convert_alias import ConvertAliasPageAction
from wagtail.models import Locale, Page


def ensure_locales():
    return [Locale.objects.get_or_create(language_code=code)[0] for code, _ in settings.LANGUAGES]


def sync_translation_aliases():
    """Create aliases of default-locale pages in every other locale; return how many."""
    ensure_locales()
    default = Locale.get_default()
    created = 0
    pages = Page.objects.filter(locale=default, depth__gt=1).order_by("path")
    for locale in Locale.objects.exclude(pk=default.pk):
        # What ``page.has_translation(locale)`` asks page by page, in one query.
        translated = set(
            Page.objects.filter(locale=locale).values_list("translation_key", flat=True)
        )
        for page in pages:  # parents first: ``copy_parents`` finds theirs made already
            if page.translation_key not in translated:
                page.copy_for_translation(locale, copy_parents=True, alias=True)
                translated.add(page.translation_key)
                created += 1
    return created


def untranslated_language(page):
    """The language of the content an untranslated page shows, or ``""``.

    In another language than the default, an alias shows the default language's page
    (the aliases :func:`sync_translation_aliases` and Wagtail's page-tree sync make), so
    its content is in the default language. Needs no query.
    """
    if not isinstance(page, Page) or not page.alias_of_id:
        return ""
    default = settings.LANGUAGE_CODE
    return default if get_language() != default else ""


def publish_translation(page, language_code, **fields):
    """Publish ``page``'s translation into ``language_code`` with ``fields`` set.

    What an editor does in the admin: the alias in that locale is converted into a page
    of its own, edited and published. An existing translation (not an alias) is left as
    its editors made it. Returns the translation.
    """
    sync_translation_aliases()
    locale = Locale.objects.get(language_code=language_code)
    translation = page.get_translation(locale).specific
    if not translation.alias_of_id:
        return translation
    ConvertAliasPageAction(translation).execute(skip_permission_checks=True)
    translation.refresh_from_db()
    translation = translation.specific
    for field, value in fields.items():
        setattr(translation, field, value)
    translation.save_revision().publish()
    return translation


def translation_in(obj, locale):
    """``obj`` in ``locale``: itself if it is there already (no query), else its
    translation, else itself. Wagtail's ``localized_draft`` for a locale the caller
    already holds (the shell's), instead of looking the active one up again."""
    if locale is None or obj.locale_id == locale.pk:
        return obj
    return obj.get_translation_or_none(locale) or obj
