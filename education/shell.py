"""The site's shell: what every page shows whatever its content, read once a request.

The home page's URL, the main menu, the fire hotline, the site settings, the footer's
links, the site, and the active and the default languages' ``Locale``. Everything here
changes only with content (pages, site settings, menu items, sites and locales are
tracked as content in ``education/apps.py``), so it is kept per host and language under
the content generation (``freshness.kept``), and on the request: a page's shell costs one
cache read and no query, whether or not fragments are cached.
"""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, override
from wagtail.models import Locale, Site

from core import freshness

from .models import SiteSettings


def shell(request):
    """The shell of the request's site in the active language (see the module's docstring).

    Also tells Wagtail the request's site, so ``{% pageurl %}`` on a page Wagtail did not
    route (search, the 404 page) does not look it up again.
    """
    if request is None:
        return {
            "home_url": "/",
            "menu": [],
            "fire_hotline": "119",
            "settings": None,
            "links": {},
            "site": None,
            "locale": _active_locale(),
            "default_locale": _default_locale(),
        }
    language = get_language()
    memo = getattr(request, "_firebreak_shell", None)
    if memo is not None and memo[0] == language:
        return memo[1]

    def compute():
        site = Site.find_for_request(request)
        home = site.root_page.localized if site else None
        site_settings = SiteSettings.for_site(site) if site else None
        return {
            "home_url": home.get_url(request=request) if home else "/",
            "menu": _menu(request, home, site_settings, language) if home else [],
            "fire_hotline": (site_settings.fire_hotline if site_settings else "") or "119",
            "settings": site_settings,
            "links": _footer_links(request, site_settings),
            "site": site,
            "locale": _active_locale(),
            "default_locale": _default_locale(),
        }

    name = f"shell:{request.get_host()}:{language}"
    parts = freshness.kept(request, name, ("content",), compute)
    request._firebreak_shell = (language, parts)
    if parts["site"] is not None and not hasattr(request, "_wagtail_site"):
        request._wagtail_site = parts["site"]  # what Site.find_for_request keeps on it
    return parts


def _menu(request, home, site_settings, language):
    """The main menu: the site settings' short labels, else the home page's children
    marked 'show in menus' by title. Each item: title, url, and the tree path of its page."""
    items = list(site_settings.menu_items.select_related("page")) if site_settings else []
    if not items:
        return [
            {"title": child.title, "url": child.get_url(request=request), "path": child.path}
            for child in home.get_children()
            .live()
            .in_menu()
            .only("title", "url_path", "path", "depth", "locale_id")
        ]
    menu = []
    for item in items:
        title = (item.label_en if language == "en" else "") or item.label
        if item.page_id is None:
            # The path is stored as the default language spells it, and resolved so.
            with override(settings.LANGUAGE_CODE):
                url = translate_url(item.path, language)
            menu.append({"title": title, "url": url, "path": ""})
            continue
        page = item.page.localized
        if page.live:
            menu.append({"title": title, "url": page.get_url(request=request), "path": page.path})
    return menu


def _footer_links(request, site_settings):
    """The footer's privacy and accessibility pages, in the visitor's language."""
    links = {}
    for name in ("privacy_page", "accessibility_page"):
        page = getattr(site_settings, name) if site_settings else None
        if page is not None:
            links[name] = page.localized.get_url(request=request)
    return links


def _default_locale():
    """The default language's ``Locale`` (where the contest and the campaigns are read
    from), or None on a database without locales."""
    try:
        return Locale.get_default()
    except Locale.DoesNotExist:
        return None


def _active_locale():
    """The active language's ``Locale``, or None on a database without locales (their
    migration's row emptied by a test's flush): the booking pages render without one."""
    try:
        return Locale.get_active()
    except Locale.DoesNotExist:
        return None
