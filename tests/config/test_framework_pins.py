"""The private names of Django that config/ relies on, each pinned by its behaviour.

``config/middleware.py`` gives the admin its own policy through the response attribute
Django's CSP middleware reads (``_csp_config``, what ``csp_override`` sets), and marks a
body it could not read with ``HttpRequest._mark_post_parse_error``, so nothing reads it
again. Neither is public API: each test fails when Django stops behaving the way the
middleware assumes, so an upgrade breaks here instead of in production. (Wagtail's
names used by the route cache are pinned in tests/education/test_routing_pins.py; the
Redis client's in tests/core/test_cache.py.)
"""

import pytest
from django.core.exceptions import BadRequest
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def _directives(header):
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_the_admin_gets_its_own_policy_and_public_pages_the_strict_one(client, home):
    admin = _directives(client.get("/admin/login/")["Content-Security-Policy"])
    public = _directives(client.get("/")["Content-Security-Policy"])
    assert "'unsafe-inline'" in admin["script-src"]
    assert admin["frame-ancestors"] == "'self'"
    assert "'unsafe-inline'" not in public["script-src"]
    assert public["frame-ancestors"] == "'none'"


def test_a_marked_body_is_read_as_empty_and_never_parsed_again():
    request = RequestFactory().generic(
        "POST",
        "/search/",
        data="q=火".encode("gbk"),
        content_type="application/x-www-form-urlencoded; charset=gbk",
    )
    with pytest.raises(BadRequest):
        request.POST  # noqa: B018
    request._mark_post_parse_error()
    assert not request.POST
    assert not request.FILES
