"""The one admin idiom: every staff screen names its permission, and its menu entry is
shown to exactly those the screen lets in."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse
from wagtail.admin.menu import SubmenuMenuItem, admin_menu, settings_menu

from core.admin_screens import AdminScreen, CodenamePermissionPolicy, ScreenMenuItem
from core.models import PersonalDataAction
from education.moderation import ensure_groups as ensure_editor_groups
from events.permissions import ensure_booking_staff_group
from media.contest.groups import ensure_groups as ensure_contest_groups
from media.reach.permissions import ensure_groups as ensure_reach_groups

pytestmark = pytest.mark.django_db

GROUPS = [
    "Booking staff",
    "Contest staff",
    "Judges",
    "Reach clerks",
    "Reach approvers",
    "Editors",
    "Moderators",
]


def screen_menu_items():
    """Every menu entry for a staff screen, in the main menu, its groups and settings."""
    reverse("wagtailadmin_home")  # loading the admin's URLs registers its viewsets' menus
    found = []
    pending = [*admin_menu.registered_menu_items, *settings_menu.registered_menu_items]
    while pending:
        item = pending.pop()
        if isinstance(item, SubmenuMenuItem):
            pending.extend(item.menu.registered_menu_items)
        elif isinstance(item, ScreenMenuItem):
            found.append(item)
    return found


@pytest.fixture
def groups(home):
    ensure_editor_groups()
    ensure_booking_staff_group()
    ensure_contest_groups()
    ensure_reach_groups()


def test_each_area_has_its_screen_entries():
    urls = {item.url for item in screen_menu_items()}
    assert {
        "/admin/booking-desk/check-in/",
        "/admin/contest/moderation/",
        "/admin/contest/judging/",
        "/admin/contest/results/",
        "/admin/reach_admin/",
        "/admin/reach_entry/",
        "/admin/reach_import/",
        "/admin/reach_scans/",
        "/admin/personal-data/",
    } <= urls


@pytest.mark.parametrize("group_name", GROUPS)
def test_a_screen_entry_shows_exactly_when_its_screen_lets_the_user_in(
    client, django_user_model, groups, group_name
):
    user = django_user_model.objects.create_user("member", password="pw-123456789")
    user.groups.add(Group.objects.get(name=group_name))
    client.force_login(user)
    request = RequestFactory().get("/admin/")
    request.user = user
    shown_somewhere = False
    for item in screen_menu_items():
        shown = item.is_shown(request)
        status = client.get(item.url).status_code
        assert shown == (status == 200), (group_name, item.url, status)
        shown_somewhere |= shown
    assert shown_somewhere == (group_name not in {"Editors", "Moderators"})


def test_a_screen_that_names_no_permission_is_refused_to_everyone(django_user_model):
    class Unguarded(AdminScreen):
        template_name = "wagtailadmin/generic/base.html"

    request = RequestFactory().get("/admin/")
    request.user = django_user_model.objects.create_superuser("root", password="pw-123456789")
    with pytest.raises(ImproperlyConfigured):
        Unguarded.as_view()(request)
    assert not Unguarded.admits(request.user)


def test_a_menu_entry_must_open_a_staff_screen(rf, django_user_model):
    request = rf.get("/admin/")
    request.user = django_user_model.objects.create_superuser("root", password="pw-123456789")
    with pytest.raises(ImproperlyConfigured):
        ScreenMenuItem("Pages", "/admin/pages/").is_shown(request)


def test_the_codename_policy_reads_the_permission_by_its_codename(django_user_model):
    policy = CodenamePermissionPolicy(PersonalDataAction)
    clerk = django_user_model.objects.create_user("clerk", password="pw-123456789")
    gone = django_user_model.objects.create_user("gone", password="pw-123456789", is_active=False)
    other = django_user_model.objects.create_user("other", password="pw-123456789")
    handle = Permission.objects.get(codename="handle_personal_data")
    clerk.user_permissions.add(handle)
    gone.user_permissions.add(handle)
    assert policy.user_has_permission(clerk, "handle_personal_data")
    assert not policy.user_has_permission(other, "handle_personal_data")
    assert list(policy.users_with_permission("handle_personal_data")) == [clerk]
