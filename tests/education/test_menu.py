"""The main menu: short labels from the site settings, in each language, kept fresh."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from wagtail.models import Site

from education.i18n import sync_translation_aliases
from education.models import MenuItem, SiteSettings, StandardPage
from tests.education.factories import add_page

pytestmark = pytest.mark.django_db


def menu(client, url):
    html = client.get(url).content.decode()
    nav = html[html.index('class="nav-list"') : html.index("</ul>", html.index('class="nav-list"'))]
    return re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav)


@pytest.fixture
def site_settings(home):
    return SiteSettings.for_site(Site.objects.get(is_default_site=True))


@pytest.fixture
def about(home):
    page = add_page(home, StandardPage, title="关于江阴消防宣传", slug="about", body=[])
    sync_translation_aliases()
    return page


def add_item(site_settings, order, label, label_en="", page=None, path=""):
    return MenuItem.objects.create(
        settings=site_settings,
        sort_order=order,
        label=label,
        label_en=label_en,
        page=page,
        path=path,
    )


def test_short_labels_in_order_with_pages_and_paths(client, site_settings, about):
    add_item(site_settings, 1, "预约", "Book a visit", path="/booking/")
    add_item(site_settings, 0, "关于", "About", page=about)
    assert menu(client, "/") == [("/about/", "", "关于"), ("/booking/", "", "预约")]
    # English: its labels, the page's English alias, the path under /en/.
    assert menu(client, "/en/") == [
        ("/en/about/", "", "About"),
        ("/en/booking/", "", "Book a visit"),
    ]


def test_the_current_entry_is_marked_for_pages_and_paths(client, site_settings, about):
    add_item(site_settings, 0, "关于", page=about)
    add_item(site_settings, 1, "预约", path="/booking/")
    assert menu(client, "/about/")[0][1] == ' aria-current="page"'
    assert menu(client, "/booking/") == [
        ("/about/", "", "关于"),
        ("/booking/", ' aria-current="page"', "预约"),
    ]
    # A missing address shares one cached header: nothing in it is current.
    response = client.get("/booking/no-such-session/")
    assert response.status_code == 404
    assert 'aria-current="page">预约' not in response.content.decode()


def test_an_english_label_falls_back_to_the_chinese_one(client, site_settings, about):
    add_item(site_settings, 0, "关于", page=about)
    assert menu(client, "/en/") == [("/en/about/", "", "关于")]


def test_edits_show_at_once_and_unpublished_pages_drop_out(client, site_settings, about):
    item = add_item(site_settings, 0, "关于", page=about)
    assert menu(client, "/") == [("/about/", "", "关于")]
    item.label = "本站"
    item.save()
    assert menu(client, "/") == [("/about/", "", "本站")]
    about.unpublish()
    assert menu(client, "/") == []
    about.delete()
    assert not MenuItem.objects.exists()  # a deleted page takes its entry with it


def test_without_items_the_menu_lists_pages_shown_in_menus(client, home):
    add_page(
        home, StandardPage, title="关于江阴消防宣传", slug="about", show_in_menus=True, body=[]
    )
    assert menu(client, "/") == [("/about/", "", "关于江阴消防宣传")]


def test_an_item_is_a_page_or_a_path_never_both_or_neither(site_settings, about):
    for fields in ({"page": about, "path": "/booking/"}, {}):
        item = MenuItem(settings=site_settings, label="坏", **fields)
        with pytest.raises(ValidationError):
            item.clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            item.save()
    with pytest.raises(ValidationError):
        MenuItem(settings=site_settings, label="坏", path="https://evil.example/").full_clean()


def test_the_demo_menu_fits_a_phone(client, site_settings):
    from education.demo import SITE

    assert all(len(item["label"]) <= 4 for item in SITE["menu"])
    assert any(item["target"] == "/booking/" for item in SITE["menu"])


def test_staff_edit_the_menu_in_the_site_settings(client, admin_client, site_settings, about):
    from django.urls import reverse
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    url = reverse("wagtailsettings:edit", args=["education", "sitesettings", site_settings.site_id])
    fields = {"fire_hotline": "119", "service_hotline": site_settings.service_hotline}
    items = [
        {"label": "关于", "label_en": "About", "page": about.pk, "path": ""},
        {"label": "预约", "label_en": "", "page": "", "path": "/booking/"},
    ]
    response = admin_client.post(
        url, nested_form_data({**fields, "menu_items": inline_formset(items)})
    )
    assert response.status_code == 302, response.context["form"].errors
    assert menu(client, "/") == [("/about/", "", "关于"), ("/booking/", "", "预约")]

    # Both a page and a path: refused with the reason, nothing saved.
    items[1]["page"] = about.pk
    response = admin_client.post(
        url, nested_form_data({**fields, "menu_items": inline_formset(items)})
    )
    assert response.status_code == 200
    assert "请选择一个页面或填写一个路径，二者只能选其一。" in response.content.decode()
    assert MenuItem.objects.get(label="预约").page is None
