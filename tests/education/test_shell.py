"""The site's shell (education/shell.py): cached under the content generation, never stale."""

import pytest
from wagtail.models import Site

from education.i18n import sync_translation_aliases
from education.models import SiteSettings, StandardPage
from tests.education.factories import add_page

pytestmark = pytest.mark.django_db


def _footer(client, url):
    html = client.get(url).content.decode()
    return html[html.index('<footer class="site-footer">') :]


def test_the_footer_links_the_privacy_page_in_the_visitors_language(client, home, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0  # the shell, not a cached footer, is what is tested
    privacy = add_page(home, StandardPage, title="隐私政策", slug="privacy")
    sync_translation_aliases()
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.privacy_page = privacy
    site_settings.save()

    assert 'href="/privacy/"' in _footer(client, "/")
    assert 'href="/en/privacy/"' in _footer(client, "/en/")


def test_a_change_to_the_site_settings_shows_on_the_next_request(client, home, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    privacy = add_page(home, StandardPage, title="隐私政策", slug="privacy")
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.privacy_page = privacy
    site_settings.save()
    assert 'href="/privacy/"' in _footer(client, "/")  # now in the shell's cache entry

    site_settings.privacy_page = None
    site_settings.service_hotline = "0510-0000 0000"
    site_settings.save()
    footer = _footer(client, "/")
    assert 'href="/privacy/"' not in footer
    assert "0510-0000 0000" in footer


def test_a_database_without_sites_or_locales_still_renders_the_booking_pages(client):
    """What a live-server test sees after a flush: no site, no locale; never a 500."""
    from wagtail.models import Locale, Page

    Site.objects.all().delete()
    Page.objects.all().delete()
    Locale.objects.all().delete()
    response = client.get("/booking/")
    assert response.status_code == 200
    assert 'class="site-footer"' in response.content.decode()


def test_a_new_deploy_finds_the_route_and_the_shell_afresh(client, home, settings, monkeypatch):
    """The route and the shell are pickled page objects: what one deploy's code kept is
    never read by the next (``freshness.kept`` keys them by ``release()``)."""
    from wagtail.models import Page

    from core import freshness
    from education import shell

    settings.PAGE_CACHE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 0
    add_page(home, StandardPage, title="关于我们", slug="about")
    routed, menus = [], []
    route, menu = Page.route, shell._menu
    monkeypatch.setattr(Page, "route", lambda *a, **k: routed.append(1) or route(*a, **k))
    monkeypatch.setattr(shell, "_menu", lambda *a, **k: menus.append(1) or menu(*a, **k))

    assert client.get("/about/").status_code == 200
    first = len(routed), len(menus)
    assert client.get("/about/").status_code == 200
    assert (len(routed), len(menus)) == first  # kept

    monkeypatch.setattr(freshness, "release", lambda: "the-next-deploy")
    assert client.get("/about/").status_code == 200
    assert (len(routed), len(menus)) == (2 * first[0], 2 * first[1])
