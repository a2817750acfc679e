"""Each staff group sees and changes only its own part of the admin."""

import pytest
from django.contrib.auth.models import Group

from education.moderation import ensure_groups as ensure_editor_groups
from events.permissions import ensure_booking_staff_group
from media.contest.groups import ensure_groups as ensure_contest_groups
from media.reach.permissions import ensure_clerks_group

pytestmark = pytest.mark.django_db

AREAS = {
    "booking": [
        "/admin/booking/bookings/",
        "/admin/booking/notifications/",
        "/admin/booking-desk/check-in/",
        "/admin/booking-desk/notifications/retry-failed/",
    ],
    "moderation": ["/admin/contest/moderation/", "/admin/contest_entries/"],
    "results": ["/admin/contest/results/"],
    "judging": ["/admin/contest/judging/"],
    "reach": ["/admin/reach_admin/", "/admin/reach_entry/", "/admin/reach_tallies/"],
}
# The admin menu entry of each area: shown to the groups that may open it, only.
MENU = {
    "booking": "/admin/booking/bookings/",
    "reach": "/admin/reach_entry/",
    "judging": "/admin/contest/judging/",
}
ALLOWED = {
    "Booking staff": {"booking"},
    "Contest staff": {"moderation", "results"},
    "Judges": {"judging"},
    "Reach clerks": {"reach"},
    "Editors": set(),
    "Moderators": set(),
}


@pytest.fixture
def groups(home):
    ensure_editor_groups()
    ensure_booking_staff_group()
    ensure_contest_groups()
    ensure_clerks_group()


@pytest.mark.parametrize("group_name", sorted(ALLOWED))
def test_group_reaches_only_its_own_admin_area(client, django_user_model, groups, group_name):
    user = django_user_model.objects.create_user(f"u-{len(group_name)}", password="pw-123456789")
    user.groups.add(Group.objects.get(name=group_name))
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    for area, urls in AREAS.items():
        for url in urls:
            status = client.get(url).status_code
            if area in ALLOWED[group_name]:
                assert status == 200, (group_name, url, status)
            else:
                assert status in (302, 403), (group_name, url, status)
    menu = client.get("/admin/").content.decode()
    for area, url in MENU.items():
        assert (url in menu) == (area in ALLOWED[group_name]), (group_name, url)


def test_only_contest_staff_may_open_a_childs_original_drawing(
    client, django_user_model, groups, home
):
    from tests.media.contest.factories import make_contest, make_entry

    entry = make_entry(make_contest(home))
    url = f"/admin/contest/entries/{entry.pk}/original/"
    for group_name, allowed in (
        ("Contest staff", True),
        ("Judges", False),
        ("Booking staff", False),
        ("Reach clerks", False),
    ):
        user = django_user_model.objects.create_user(f"o-{group_name}", password="pw-123456789")
        user.groups.add(Group.objects.get(name=group_name))
        client.force_login(user)
        response = client.get(url)
        if response.streaming:  # read the original to the end, which closes it
            b"".join(response.streaming_content)
        assert (response.status_code == 200) is allowed, (group_name, response.status_code)


def test_anonymous_visitors_reach_no_admin_area(client, home):
    for urls in AREAS.values():
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302, (url, response.status_code)
            assert response["Location"].startswith("/admin/login/"), url
