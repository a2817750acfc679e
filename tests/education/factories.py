import wagtail_factories
from wagtail.models import Collection, Locale, Page, Site

from education.geography import default_site, place_named
from education.i18n import ensure_locales, sync_translation_aliases
from education.models import HomePage, Place, SiteSettings


class HomePageFactory(wagtail_factories.PageFactory):
    title = "首页"
    slug = "home"
    hero_title = "学消防知识，护平安江阴"
    hero_text = "消防主题公园、体验室与夏令营。"

    class Meta:
        model = HomePage


def ensure_tree_roots():
    """The page and collection roots that Wagtail's migrations make.

    A transactional test (live server, worker) empties the database when it ends, so
    the tests after it cannot count on rows made by migrations.
    """
    ensure_locales()
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    return root


def make_site(**settings):
    """The default site rooted at a fresh home page, settings filled in, aliases synced."""
    root = ensure_tree_roots()
    for child in root.get_children():
        child.delete()
    home = HomePageFactory(parent=root, locale=Locale.get_default())
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname, site.port, site.root_page = "testserver", 80, home
    site.save()
    site_settings = SiteSettings.for_site(site)
    site_settings.city = Place.objects.get_or_create(
        name="江阴市", parent=None, defaults={"kind": Place.Kind.CITY}
    )[0]
    for field, value in {
        "service_hotline": "0510-8686 0119",
        "icp_number": "苏ICP备00000000号-1",
        **settings,
    }.items():
        setattr(site_settings, field, value)
    site_settings.save()
    sync_translation_aliases()
    return home


def add_page(parent, model, **fields):
    """A published child page with sensible defaults for the page type."""
    fields.setdefault("slug", fields.get("title", model.__name__.lower()))
    page = model(locale=parent.locale, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def district(name="澄江街道", site=None):
    """A town of the site's city (the default site's), made if missing: a centre's district."""
    return place_named(site or default_site(), name, kind=Place.Kind.TOWN)
