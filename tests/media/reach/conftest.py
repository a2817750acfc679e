import pytest


@pytest.fixture(autouse=True)
def _default_site_names_its_city(request):
    """Figures with no place of their own are counted in the default site's city, which
    its settings name (education/geography.py): give the site Wagtail's migrations make
    the city these tests count in."""
    if request.node.get_closest_marker("django_db") is None and "db" not in request.fixturenames:
        return
    from education.geography import default_site
    from education.models import Place, SiteSettings

    site = default_site()
    if site is None:
        return
    site_settings = SiteSettings.for_site(site)
    if site_settings.city_id is None:
        site_settings.city = Place.objects.get_or_create(
            name="江阴市", parent=None, defaults={"kind": Place.Kind.CITY}
        )[0]
        site_settings.save()
