"""Template tags of the site shell: menu, language links, breadcrumbs, share meta."""

from django import template
from django.conf import settings
from django.core.cache import cache
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Page, Site

register = template.Library()
MENU_VERSION_KEY = "site-menu-version"


def _home_for(request):
    """The site's home page in the active language, looked up once per request."""
    if request is None:
        return None
    language = get_language()
    memo = getattr(request, "_firebreak_home", None)
    if memo is None or memo[0] != language:
        site = Site.find_for_request(request)
        memo = (language, site.root_page.localized if site else None)
        request._firebreak_home = memo
    return memo[1]


def _menu_items(home, request):
    """The home page's menu children as plain data, cached until a page changes."""
    key = f"site-menu:{home.pk}:{cache.get_or_set(MENU_VERSION_KEY, 1, None)}"
    items = cache.get(key)
    if items is None:
        items = [
            {"title": child.title, "url": child.get_url(request=request), "path": child.path}
            for child in home.get_children()
            .live()
            .in_menu()
            .only("title", "url_path", "path", "depth", "locale_id")
        ]
        cache.set(key, items, 3600)
    return items


@register.simple_tag
def shell_version():
    """Changes whenever a page is published or moved, or the site settings change."""
    return cache.get_or_set(MENU_VERSION_KEY, 1, None)


def forget_menus(**kwargs):
    """Called when pages are published, unpublished, moved or deleted."""
    try:
        cache.incr(MENU_VERSION_KEY)
    except ValueError:
        cache.set(MENU_VERSION_KEY, 2, None)


@register.simple_tag(takes_context=True)
def home_url(context):
    home = _home_for(context.get("request"))
    return home.url if home else "/"


@register.simple_tag(takes_context=True)
def main_menu(context, current_page=None):
    """The home page's children marked 'show in menus', in the visitor's language."""
    home = _home_for(context.get("request"))
    if home is None:
        return []
    current_path = current_page.path if isinstance(current_page, Page) else ""
    return [
        {**item, "current": bool(current_path) and current_path.startswith(item["path"])}
        for item in _menu_items(home, context.get("request"))
    ]


@register.simple_tag(takes_context=True)
def language_links(context):
    """For each language: the page's translation if it exists, else the same path."""
    request = context.get("request")
    page = context.get("page")
    current = get_language()
    translations = {}
    if isinstance(page, Page):
        translations = {
            translation.locale.language_code: translation
            for translation in Page.objects.filter(translation_key=page.translation_key, live=True)
            .select_related("locale")
            .only("url_path", "path", "depth", "locale__language_code", "translation_key")
        }
    links = []
    for code, name in settings.LANGUAGES:
        url = None
        if code in translations:
            url = translations[code].get_url(request=request)
        if url is None and request is not None:
            url = translate_url(request.get_full_path(), code)
        links.append({"code": code, "name": name, "url": url or "/", "current": code == current})
    return links


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page):
    ancestors = []
    if isinstance(page, Page) and page.depth > 2:
        ancestors = list(
            page.get_ancestors().filter(depth__gt=1).only("title", "url_path", "path", "depth")
        )
    return {"ancestors": ancestors, "page": page, "request": context.get("request")}


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
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
