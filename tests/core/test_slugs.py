"""A page an editor creates with a Chinese title gets a readable pinyin slug."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from core.slugs import pinyin_slug
from education.models import NewsIndexPage, NewsPage
from tests.education.factories import add_page

pytestmark = pytest.mark.django_db


def test_pinyin_slug_spells_chinese_keeps_latin_and_digits_and_stays_short():
    assert pinyin_slug("消防安全进校园") == "xiao-fang-an-quan-jin-xiao-yuan"
    assert pinyin_slug("2026年“119”消防宣传月") == "2026-nian-119-xiao-fang-xuan-chuan-yue"
    assert pinyin_slug("电动车 Safety") == "dian-dong-che-safety"
    long = pinyin_slug("消防" * 40)
    assert len(long) <= 80 and not long.endswith("-")
    assert pinyin_slug("！？") == ""


def news_form(title, slug):
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "",
            "date": "2026-12-01",
            "source": "",
            "body": streamfield([("text", rich_text("<p>充电请远离楼道。</p>"))]),
            "comments": inline_formset([]),
        }
    )


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw-123456789")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


def test_an_editor_creating_a_page_gets_a_pinyin_slug_unique_and_editable(editor, home):
    index = add_page(home, NewsIndexPage, title="新闻", slug="news")
    add = reverse("wagtailadmin_pages:add", args=["education", "newspage", index.pk])
    # What Wagtail's browser code sends for a Chinese title: the characters themselves.
    for _n in range(3):
        response = editor.post(add, news_form("电动车充电安全", "电动车充电安全"))
        assert response.status_code == 302, response.content.decode()[:1500]
    slugs = list(
        NewsPage.objects.filter(alias_of__isnull=True).order_by("pk").values_list("slug", flat=True)
    )
    assert slugs == [
        "dian-dong-che-chong-dian-an-quan",
        "dian-dong-che-chong-dian-an-quan-2",
        "dian-dong-che-chong-dian-an-quan-3",
    ]
    # An ASCII slug typed by the editor stays as typed.
    editor.post(add, news_form("厨房用火", "kitchen-fires"))
    assert NewsPage.objects.filter(slug="kitchen-fires").exists()
    # Editing: the editor may change it; an existing page's slug is never rewritten.
    page = NewsPage.objects.get(slug="kitchen-fires", alias_of__isnull=True)
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert editor.post(edit, news_form("厨房用火", "chu-fang")).status_code == 302
    assert Page.objects.get(pk=page.pk).get_latest_revision_as_object().slug == "chu-fang"
