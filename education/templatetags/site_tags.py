"""Template tags of the site shell: menu, language links, breadcrumbs, share meta, and
``{% fragment %}``, the cache for parts of a page that do not depend on the visitor."""

import hashlib

from django import template
from django.conf import settings
from django.core.cache import cache
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.translation import get_language
from wagtail.models import Page

from core import freshness

from ..i18n import untranslated_language as untranslated_language_of
from ..shell import shell

register = template.Library()


@register.simple_tag(takes_context=True)
def site_settings(context):
    """The site's settings (``SiteSettings``) from the cached shell: no query."""
    return shell(context.get("request"))["settings"]


@register.simple_tag(takes_context=True)
def footer_link(context, name):
    """The URL of the footer's ``privacy_page`` or ``accessibility_page`` (``""`` if unset)."""
    return shell(context.get("request"))["links"].get(name, "")


@register.simple_tag(takes_context=True)
def home_url(context):
    return shell(context.get("request"))["home_url"] or "/"


@register.simple_tag(takes_context=True)
def site_short_name(context):
    """The department's short name for the header, in the visitor's language ("" when
    its settings give none)."""
    site_settings = shell(context.get("request"))["settings"]
    return site_settings.localized("short_name") if site_settings else ""


@register.simple_tag(takes_context=True)
def fire_hotline(context):
    return shell(context.get("request"))["fire_hotline"]


@register.simple_tag(takes_context=True)
def main_menu(context, current_page=None):
    """The main menu in the visitor's language, the entry they are in marked current:
    by the page tree for pages, by the address for paths such as /booking/."""
    request = context.get("request")
    current_path = current_page.path if isinstance(current_page, Page) else ""
    # The not-found header is one cached shell for every missing address: nothing current.
    address = request.path if request is not None and not context.get("not_found") else ""

    def current(item):
        if item["path"]:
            return bool(current_path) and current_path.startswith(item["path"])
        return address.startswith(item["url"])

    return [{**item, "current": current(item)} for item in shell(request)["menu"]]


@register.filter
def is_page(value):
    return isinstance(value, Page)


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on, scopes, condition=None):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on
        self.scopes, self.condition = scopes, condition

    def render(self, context):
        request = context.get("request")
        seconds = settings.FRAGMENT_CACHE_SECONDS
        if (
            seconds <= 0
            or request is None
            or getattr(request, "is_preview", False)
            or (self.condition is not None and not self.condition.resolve(context))
        ):
            return self.nodelist.render(context)
        parts = [
            self.name,
            freshness.release(),
            freshness.token(request, self.scopes),
            get_language(),
            request.get_host(),
            *(value.resolve(context) for value in self.vary_on),
        ]
        key = "fragment:" + hashlib.sha256(repr(parts).encode()).hexdigest()
        html = cache.get(key)
        if html is None:
            html = self.nodelist.render(context)
            cache.set(key, html, seconds)
        return html


@register.tag
def fragment(parser, token):
    """``{% fragment "name" var ... [on scope ...] [if cond] %}…{% endfragment %}``.

    Renders the part once and reuses it: cached under its name, the values given, the
    language, the host, the deploy and the generations of the scopes of change it
    shows (``on content``; all scopes unless named, see ``core/freshness.py``),
    for ``FRAGMENT_CACHE_SECONDS`` at most (the bound on anything that changes with the
    clock alone, such as a booking deadline passing). Never around anything per
    visitor: forms that post (CSRF), cookies, the query string unless passed in. With
    ``if cond``, only cached when ``cond`` is true (a listing whose filters were valid,
    say). Previews always render afresh.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'fragment' needs a name")
    condition = None
    if len(bits) > 3 and bits[-2] == "if":
        condition = parser.compile_filter(bits[-1])
        bits = bits[:-2]
    scopes = freshness.SCOPES
    if "on" in bits[2:]:
        at = bits.index("on", 2)
        scopes, bits = tuple(bits[at + 1 :]), bits[:at]
        unknown = set(scopes) - set(freshness.SCOPES)
        if not scopes or unknown:
            raise template.TemplateSyntaxError(
                f"'fragment … on' takes scopes of {freshness.SCOPES}, not {sorted(unknown)}"
            )
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    vary_on = [parser.compile_filter(bit) for bit in bits[2:]]
    return FragmentNode(nodelist, bits[1], vary_on, scopes, condition)


@register.simple_tag(takes_context=True)
def language_links(context):
    """For each language: the page's translation if it exists, else the same path."""
    request = context.get("request")
    page = context.get("page")
    current = get_language()
    translations = {}
    if isinstance(page, Page):
        # The translations change only with content: kept as data, their URLs made here.
        translations = freshness.kept(
            request,
            f"translations:{page.translation_key}",
            ("content",),
            lambda: {
                translation.locale.language_code: translation
                for translation in Page.objects.filter(
                    translation_key=page.translation_key, live=True
                )
                .select_related("locale")
                .only("url_path", "path", "depth", "locale__language_code", "translation_key")
            },
        )
    links = []
    for code, name in settings.LANGUAGES:
        url = None
        if code in translations:
            url = translations[code].get_url(request=request)
        if url is None and request is not None:
            # A missing page has no translation: offer each language's home page.
            path = "/" if context.get("not_found") else request.get_full_path()
            url = translate_url(path, code)
        links.append({"code": code, "name": name, "url": url or "/", "current": code == current})
    return links


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page):
    """The path from the home page, each untranslated title marked with its language."""
    ancestors = []
    if isinstance(page, Page) and page.depth > 2:
        # The ancestors change only with content: kept as data (the page's path names them).
        ancestors = freshness.kept(
            context.get("request"),
            f"ancestors:{page.path}",
            ("content",),
            lambda: list(
                page.get_ancestors()
                .filter(depth__gt=1)
                .only("title", "url_path", "path", "depth", "alias_of_id", "locale_id")
            ),
        )
        for ancestor in ancestors:
            # Not the home page: its crumb is the interface's word "Home".
            if ancestor.depth > 2:
                ancestor.source_language = untranslated_language_of(ancestor)
    return {
        "ancestors": ancestors,
        "page": page,
        "source_language": untranslated_language_of(page),
        "request": context.get("request"),
    }


@register.inclusion_tag("includes/share_meta.html", takes_context=True)
def share_meta(context):
    """Open Graph meta for WeChat and others: title, description, absolute URL and image."""
    request = context.get("request")
    page = context.get("page")
    title = description = image_url = url = ""
    if isinstance(page, Page):
        title = page.seo_title or page.title
        description = page.search_description
        url = page.get_full_url(request=request)
        image = getattr(page, "share_image", None)
        if image is not None and request is not None:
            image_url = request.build_absolute_uri(image.get_rendition("fill-1200x630").url)
    elif request is not None:
        url = request.build_absolute_uri()
    return {
        "title": context.get("share_title") or title,
        "description": context.get("share_description") or description,
        "url": url,
        "image_url": context.get("share_image_url") or image_url,
        "site_name": _site_name(request),
    }


def _site_name(request):
    """The request's own site's name (each department's), else the install's."""
    site = shell(request)["site"] if request is not None else None
    return (site.site_name if site else "") or settings.WAGTAIL_SITE_NAME


@register.simple_tag
def untranslated_language(page):
    """The language of the content an untranslated page shows (``""`` when translated)."""
    return untranslated_language_of(page)


@register.filter
def localized(obj, field):
    """``{{ settings|localized:"address" }}``, ``{{ event|localized:"title" }}``: a field
    with an English twin (``core.i18n.EnglishFields``) in the visitor's language."""
    return obj.localized(field) if obj else ""


@register.filter
def content_language(page):
    """``lang="…"`` for a page shown untranslated on another language's site, else ``""``."""
    language = untranslated_language_of(page)
    return format_html(' lang="{}"', language) if language else ""
