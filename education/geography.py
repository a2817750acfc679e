"""Which site a thing belongs to, and the site's places: the one rule for multi-site.

One install may serve several departments, each a Wagtail ``Site`` with its own host,
root page, site settings (department name, hotlines, its city) and place tree. Nothing
in code names a department, a city or a district: they are data.

What belongs to a site:

- a page: it lies under the site's root page or under one of the root's translations
  (the English tree mirrors the Chinese one, ``education/i18n.py``);
- a record described by a page (an event, a campaign's figures, a contest's entries):
  the site of that page;
- a record with no page (an event no page describes yet): the default site;
- a place: it is the city the site's settings name, or lies inside it.

Code that runs without a request (worker tasks, imports, derived reach figures) finds
the site the same way, from the page or campaign the record belongs to, else the default
site. Public lists read through :func:`pages_of` / :func:`page_filter`, so no list can
forget the rule.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import StartsWith
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from core import freshness

from .models import Place, SiteSettings


def default_site():
    """The default site (the first one when none is marked default), or None."""
    return Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()


#: (host, port) -> (content generation, site): the sites this process has matched.
_sites_by_host = {}


def site_for_request(request):
    """The request's site, else the default site.

    Wagtail looks the host up in the database for every request it did not route itself
    (a booking POST, the booking list); a fifth of a booking's CPU. Sites change only
    with the ``content`` generation, so each process keeps the answer for a host under
    that generation (``core/freshness.py``): a site saved anywhere is matched afresh by
    the next request, and while the shared cache is down nothing is reused.
    """
    if request is None:
        return default_site()
    key = (request.get_host(), request.get_port())
    generation = freshness.generation_for(request, ("content",))
    known = _sites_by_host.get(key)
    if known is not None and known[0] == generation:
        return known[1]
    site = Site.find_for_request(request) or default_site()
    if len(_sites_by_host) > 64:  # hosts are few (ALLOWED_HOSTS); never let it grow
        _sites_by_host.clear()
    _sites_by_host[key] = (generation, site)
    return site


def page_filter(site, prefix=""):
    """A filter for rows whose page (reached through ``prefix``, e.g. ``"page__"``) lies in
    ``site``; rows with no page belong to the default site.

    A page lies in the site when its path starts with the path of the site's root page or
    of one of the root's translations. The roots are read inside the same query (an
    ``EXISTS``), so filtering costs no query of its own, and an English home made after
    the site was saved belongs to it at once.
    """
    if site is None:
        return Q(pk__in=[])
    roots = Page.objects.filter(translation_key=site.root_page.translation_key).filter(
        StartsWith(OuterRef(f"{prefix}url_path"), F("url_path"))
    )
    q = Q(Exists(roots))
    if prefix and site.is_default_site:
        q |= Q(**{f"{prefix.removesuffix('__')}__isnull": True})
    return q


def pages_of(site):
    """Every page of the site, in every language."""
    return Page.objects.filter(page_filter(site))


def site_of_page(page):
    """The site ``page`` lies in (the one with the longest root path that holds it); the
    default site for a page outside every site, or no page at all."""
    if page is None:
        return default_site()
    sites = {
        site.root_page.translation_key: site for site in Site.objects.select_related("root_page")
    }
    roots = Page.objects.filter(translation_key__in=list(sites)).values_list(
        "url_path", "translation_key"
    )
    holding = [(path, key) for path, key in roots if page.url_path.startswith(path)]
    if not holding:
        return default_site()
    return sites[max(holding, key=lambda root: len(root[0]))[1]]


def city_of(site):
    """The city the site's settings name (the root of its place tree), or None."""
    if site is None:
        return None
    return SiteSettings.for_site(site).city


def require_city(site):
    """The site's city; a clear error when its settings do not name one yet."""
    city = city_of(site)
    if city is None:
        raise ImproperlyConfigured(
            _("Choose the city in the site settings of %(site)s first.") % {"site": site}
        )
    return city


def places_of(site):
    """The site's places: its city and every place inside it."""
    city = city_of(site)
    return Place.objects.filter(pk__in=city.descendant_ids() if city else [])


def districts_of(site):
    """The site's districts and towns, the places a centre may lie in, by name."""
    return places_of(site).filter(kind__in=Place.CENTRE_KINDS).order_by("name")


def place_named(site, name, kind=Place.Kind.VENUE):
    """The site's place called ``name``, made inside its city (of ``kind``) when the site
    has none; the site's city for an empty name."""
    city = require_city(site)
    if not name:
        return city
    found = places_of(site).filter(name=name).order_by("kind").first()
    return found or Place.objects.create(name=name[:80], kind=kind, parent=city)
