"""Materials in the admin, as a reach clerk: create, print, see the scans."""

import datetime

import pytest
from django.core.cache import caches
from django.utils import timezone

from media.reach import scans, services
from media.reach.models import Material, Tally
from media.reach.permissions import ensure_clerks_group

from .factories import campaign, channel, metric, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client, django_user_model):
    user = django_user_model.objects.create_user("clerk", "clerk@example.cn", "pw")
    user.groups.add(ensure_clerks_group())
    client.force_login(user)
    return user


def form_data(home, **changes):
    leaflets = metric("leaflets", "copies")
    data = {
        "kind": "leaflet",
        "label": "电动车安全充电 · 华士镇",
        "channel": channel(leaflets, "truck").pk,
        "place": place("华士镇").pk,
        "target_page": home.pk,
        "quantity": "400",
        "start_date": "2020-08-03",
        "end_date": "",
        "campaign": "",
    }
    data.update(changes)
    return data


def test_a_clerk_creates_a_leaflet_batch_and_its_copies_join_the_figures(client, clerk, home):
    response = client.post("/admin/reach_materials/new/", form_data(home))
    assert response.status_code == 302, response.content.decode()[:2000]
    material = Material.objects.get()
    assert len(material.code) == 6 and material.created_by == clerk
    tally = Tally.objects.get(metric__code="leaflets")
    assert (tally.count, tally.created_by) == (400, clerk)


def test_a_refused_figure_shows_on_the_form_and_saves_nothing(client, clerk, home):
    page = campaign(home)
    response = client.post(
        "/admin/reach_materials/new/", form_data(home, campaign=page.pk, start_date="2021-01-05")
    )
    assert response.status_code == 200
    assert "不在宣传活动的起止日期内" in response.content.decode()
    assert not Material.objects.exists() and not Tally.objects.exists()


def test_a_clerk_downloads_every_qr_file(client, clerk, home):
    client.post("/admin/reach_materials/new/", form_data(home))
    material = Material.objects.get()
    for kind, content_type in (
        ("sheet", "application/pdf"),
        ("poster", "application/pdf"),
        ("svg", "image/svg+xml"),
        ("png", "image/png"),
    ):
        response = client.get(f"/admin/reach_materials/qr/{material.pk}/{kind}/")
        assert response.status_code == 200 and response["Content-Type"] == content_type
        assert material.code in response["Content-Disposition"]
    assert client.get(f"/admin/reach_materials/qr/{material.pk}/exe/").status_code == 404


def test_the_scans_report_ranks_materials_with_rates(client, clerk, home):
    for label, quantity, count in (("A 传单", 100, 7), ("B 传单", 1000, 3)):
        client.post("/admin/reach_materials/new/", form_data(home, label=label, quantity=quantity))
        material = Material.objects.get(label=label)
        cache = caches["ratelimit"]
        key = scans.counter_key(material.pk, timezone.localdate())
        cache.add(key, 0, None)
        cache.incr(key, count)
    services.fold_scans()
    html = client.get("/admin/reach_scans/").content.decode()
    assert html.index("A 传单") < html.index("B 传单")
    assert "7.0 %" in html and "0.3 %" in html
    assert "10 " in html  # the total of scans


def test_only_reach_staff_see_materials(client, django_user_model, home):
    user = django_user_model.objects.create_user("editor", "e@example.cn", "pw")
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get("/admin/reach_scans/").status_code in (302, 403)
    response = client.get("/admin/reach_materials/qr/1/sheet/")
    assert response.status_code in (302, 403) and "pdf" not in response.get("Content-Type", "")


def test_the_campaign_page_shows_approved_scans(client, home):
    today = timezone.localdate()
    page = campaign(
        home, start=today - datetime.timedelta(days=5), end=today + datetime.timedelta(days=5)
    )
    leaflets = metric("leaflets", "copies")
    material = services.save_material(
        Material(
            kind="leaflet",
            label="传单",
            channel=channel(leaflets, "truck"),
            place=place(),
            target_page=home,
            campaign=page,
            start_date=today,
        )
    )
    key = scans.counter_key(material.pk, today)
    caches["ratelimit"].add(key, 412, None)
    services.fold_scans()
    assert "扫码阅读" not in client.get(page.url).content.decode()  # not approved yet
    services.approve_period(start=today - datetime.timedelta(days=5), end=today, campaign=page)
    assert "扫码阅读 412 次" in client.get(page.url).content.decode()
