"""Role home panels on the admin home: each panel is labelled by its own heading, and
reach approvers see the figures waiting for them, linked to a filled-in approval."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from core.admin_panels import JobsPanel

pytestmark = pytest.mark.django_db


def test_panels_with_chinese_headings_are_labelled_each_by_its_own_heading(rf):
    html = "".join(
        JobsPanel(name, heading, [], empty="—").render_html({})
        for name, heading in (("todays_sessions", "今天的场次"), ("figures_to_approve", "待审核"))
    )
    sections = re.findall(r'<section[^>]* aria-labelledby="([^"]+)"', html)
    headings = re.findall(r'<h2[^>]* id="([^"]+)"', html)
    assert len(set(sections)) == 2 and sections == headings


@pytest.fixture
def reach(home):
    from media.reach import demo, services
    from media.reach.models import Channel, Metric, Place
    from media.reach.permissions import ensure_groups
    from tests.media.reach.factories import campaign

    demo.ensure_places()
    demo.ensure_metrics()
    ensure_groups()
    page = campaign(home, start=datetime.date(2026, 3, 1), end=datetime.date(2026, 5, 31))
    leaflets = Metric.objects.get(code="leaflets")
    for day, count in ((datetime.date(2026, 3, 4), 200), (datetime.date(2026, 3, 9), 150)):
        services.record_tally(
            metric=leaflets,
            channel=Channel.objects.get(metric=leaflets, code="crowded"),
            place=Place.objects.get(name="澄江街道"),
            campaign=page,
            day=day,
            count=count,
        )
    return page


def member(client, group):
    user = User.objects.create_user(group.replace(" ", ""), password="pw-panels-1")
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


def home_html(client):
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return response.content.decode()


def test_approver_home_lists_a_campaign_with_unapproved_figures(client, reach):
    from media.reach.permissions import APPROVERS_GROUP

    member(client, APPROVERS_GROUP)
    html = home_html(client)
    assert "待审核的数字" in html
    assert "百日攻坚：2 个数字，2026-03-04 至 2026-03-09" in html
    link = re.search(r'href="([^"]*/reach_approvals/new/\?[^"]*)"', html).group(1)
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="2026-03-04"' in form and 'value="2026-03-09"' in form
    assert re.search(rf'<option value="{reach.pk}"[^>]*selected', form)


def test_approved_figures_leave_the_panel_and_corrections_join_it(client, reach):
    from media.reach import services
    from media.reach.models import Channel, Metric, PendingCorrection, Place
    from media.reach.permissions import APPROVERS_GROUP

    member(client, APPROVERS_GROUP)
    services.approve_period(
        start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31), campaign=reach
    )
    html = home_html(client)
    assert "百日攻坚：" not in html and "没有等待审核的数字。" in html
    leaflets = Metric.objects.get(code="leaflets")
    PendingCorrection.objects.create(
        metric=leaflets,
        channel=Channel.objects.get(metric=leaflets, code="crowded"),
        place=Place.objects.get(name="澄江街道"),
        campaign=reach,
        period_start=datetime.date(2026, 3, 4),
        period_end=datetime.date(2026, 3, 4),
        count=210,
    )
    html = home_html(client)
    assert "已审核时段内有 1 处更正等待重新审核" in html
    assert reverse("reach_approvals:index") in html


def test_clerks_have_no_approval_panel(client, reach):
    from media.reach.permissions import CLERKS_GROUP

    member(client, CLERKS_GROUP)
    assert "待审核的数字" not in home_html(client)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"campaign": "x<script>", "start": "2026-13-45", "end": "'"}, 200),
        ({"campaign": "99999999999999999999", "start": ""}, 200),
        ({"end": "\x00"}, 400),  # refused before any view, as every NUL in a query is
    ],
)
def test_a_hostile_approval_link_is_never_an_error(client, reach, query, status):
    from media.reach.permissions import APPROVERS_GROUP

    member(client, APPROVERS_GROUP)
    response = client.get(reverse("reach_approvals:add"), query)
    assert response.status_code == status
    assert "<script>" not in response.content.decode()
