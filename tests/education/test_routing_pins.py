"""The private names of Django and Wagtail that ``education/routing.py`` relies on.

The route cache hands Wagtail a site and a route it has already found, through the
request attributes Wagtail itself memoises them in, and skips a restriction query by
replacing a page instance's ``get_view_restrictions``. None of that is public API: each
test below fails when the framework stops behaving the way routing.py assumes, so an
upgrade breaks here, loudly, instead of serving the wrong page silently.
"""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail import views as wagtail_views
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.url_routing import RouteResult

from education.models import SafetyGuideIndexPage, SafetyGuidePage

from .factories import add_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide(home):
    index = add_page(home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
    return add_page(index, SafetyGuidePage, title="电动车安全充电", slug="e-bike")


def test_wagtail_takes_the_site_from_request_wagtail_site():
    request = RequestFactory().get("/", HTTP_HOST="localhost")
    marker = Site(hostname="pinned.example")
    request._wagtail_site = marker
    with CaptureQueriesContext(connection) as captured:
        assert Site.find_for_request(request) is marker
    assert len(captured) == 0


def test_wagtail_takes_the_route_from_request_wagtail_route_for_request(guide):
    request = RequestFactory().get("/anything/", HTTP_HOST="localhost")
    route = RouteResult(guide)
    request._wagtail_route_for_request = route
    with CaptureQueriesContext(connection) as captured:
        assert Page.route_for_request(request, "/anything/") is route
    assert len(captured) == 0


def test_django_reads_the_raw_host_without_the_allowed_hosts_check():
    request = RequestFactory().get("/", HTTP_HOST="not-allowed.example")
    assert request._get_raw_host() == "not-allowed.example"


def test_wagtail_asks_the_page_instance_for_its_view_restrictions(guide):
    """A restricted page served with its instance's restrictions emptied is public:
    Wagtail's check calls ``page.get_view_restrictions()`` on the routed instance."""
    PageViewRestriction.objects.create(page=guide, restriction_type=PageViewRestriction.LOGIN)
    request = RequestFactory().get(guide.url, HTTP_HOST="localhost")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    request.session = {}
    request._wagtail_site = Site.find_for_request(request)
    request._wagtail_route_for_request = RouteResult(guide)
    assert wagtail_views.serve(request, guide.url).status_code == 302  # login required

    page = SafetyGuidePage.objects.get(pk=guide.pk)
    page.get_view_restrictions = PageViewRestriction.objects.none
    request._wagtail_route_for_request = RouteResult(page)
    assert wagtail_views.serve(request, guide.url).status_code == 200
