"""Every admin screen the project adds passes axe-core, found from the URL configuration.

The role journeys check the screens each role uses on its way; this sweep checks the
rest, so a screen no journey passes through (an inspect view, a delete confirmation, a
history) is not left out. Screens are found by walking the admin's URL patterns and
keeping those whose view is the project's own or that show one of its models; a new
screen is swept without this file changing. The visitor belongs to every group and is
not a superuser.
"""

import pytest
from django.urls import URLResolver, get_resolver

from tests.browser.conftest import assert_accessible
from tests.browser.staff.accounts import log_in

pytestmark = pytest.mark.django_db(transaction=True)

OURS = ("events", "media", "core", "education", "config")
OUR_APPS = {"events", "contest", "reach", "education", "core"}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace or "") if n)
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            yield prefix + str(pattern.pattern), namespace, pattern


def _model_of(pattern):
    view = pattern.callback
    model = (getattr(view, "view_initkwargs", None) or {}).get("model")
    return model if hasattr(model, "_meta") else None


def project_admin_screens():
    """(path pattern, URL name, model or None) of each admin screen the project adds."""
    for path, namespace, pattern in _walk(get_resolver().url_patterns):
        # "…results" views are the partial updates a listing fetches for itself.
        if not path.startswith("admin/") or (pattern.name or "").endswith("results"):
            continue
        view = pattern.callback
        module = getattr(view, "view_class", view).__module__
        model = _model_of(pattern)
        ours = module.split(".")[0] in OURS
        if ours or (model is not None and model._meta.app_label in OUR_APPS):
            yield path, f"{namespace}:{pattern.name}" if namespace else pattern.name, model


def _fill(path, model):
    """The path with each parameter taken from the demo data, or None if nothing fits."""
    from media.contest.models import ContestPage, Entry

    entry = Entry.objects.filter(judging_code__gt="").order_by("pk").first()
    contest = ContestPage.objects.order_by("pk").first()
    values = {
        "<int:pk>": model.objects.order_by("pk").values_list("pk", flat=True).first()
        if model is not None
        else None,
        "<int:entry_id>": entry and entry.pk,
        "<str:judging_code>": entry and entry.judging_code,
        "<int:contest_id>": contest and contest.pk,
    }
    for parameter, value in values.items():
        if parameter in path:
            if value is None:
                return None
            path = path.replace(parameter, str(value))
    return None if "<" in path else path


def test_every_admin_screen_the_project_adds_passes_axe(
    browser, live_server, demo_site, django_user_model
):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("sweep", "sweep@example.cn", "pw-staff-journey-1")
    user.groups.set(Group.objects.all())
    assert not user.is_superuser
    page = log_in(browser, live_server.url, "sweep")

    problems, checked, not_pages = [], [], []
    for path, name, model in sorted(set(project_admin_screens())):
        url = _fill(path, model)
        if url is None:
            continue
        # Asked first without rendering: Chromium refuses to navigate to some answers
        # (an empty 405), which are not screens anyway.
        response = page.request.get(f"{live_server.url}/{url}", max_redirects=0)
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            # A file (QR code, original drawing), a POST-only action (405), or a screen
            # that sends the visitor on (302) is not a screen to audit here.
            assert response.status < 500, f"{name}: {response.status} at {url}"
            not_pages.append(name)
            continue
        page.goto(f"{live_server.url}/{url}")
        checked.append(name)
        try:
            assert_accessible(page)
        except AssertionError as error:
            problems.append(f"[{name}] {error}")

    # The sweep is not empty: every kind of screen the project adds was reached.
    for expected in (
        "events_admin:check_in",
        "events_booking:index",
        "events_booking:inspect",
        "contest_admin:moderation",
        "contest_admin:judging",
        "reach_admin:dashboard",
        "reach_places:edit",
    ):
        assert expected in checked, f"{expected} was not checked"
    assert not problems, f"{len(problems)} of {len(checked)} screens:\n" + "\n".join(problems)
