"""Template tags of the site shell: menu, language links, breadcrumbs, share meta."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Locale, Page, Site

register = template.Library()


def _home_for(request):
    site = Site.find_for_request(request) if request else None
    if site is None:
        return None
    return site.root_page.localized


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
    items = []
    current_path = current_page.path if isinstance(current_page, Page) else ""
    for child in home.get_children().live().in_menu().only("title", "url_path", "path", "depth"):
        items.append(
            {
                "title": child.title,
                "url": child.get_url(request=context.get("request")),
                "current": bool(current_path) and current_path.startswith(child.path),
            }
        )
    return items


@register.simple_tag(takes_context=True)
def language_links(context):
    """For each language: the page's translation if it exists, else the same path."""
    request = context.get("request")
    page = context.get("page")
    current = get_language()
    links = []
    for code, name in settings.LANGUAGES:
        url = None
        if isinstance(page, Page):
            translation = page.get_translation_or_none(
                Locale.objects.filter(language_code=code).first()
            )
            if translation is not None and translation.live:
                url = translation.get_url(request=request)
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
