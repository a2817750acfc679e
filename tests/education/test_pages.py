import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from education.models import (
    CampPage,
    ExperienceCenterIndexPage,
    ExperienceCenterPage,
    GuideTopic,
    HomePage,
    NewsIndexPage,
    NewsPage,
    SafetyGuideIndexPage,
    SafetyGuidePage,
    SelfCheckPage,
    StandardPage,
    ThemeParkPage,
)
from tests.education.factories import add_page, district

pytestmark = pytest.mark.django_db

GUIDE_BODY = [{"type": "text", "value": "<p>不要在楼道里给电动车充电。</p>"}]


@pytest.mark.parametrize(
    ("child", "parent", "allowed"),
    [
        (ThemeParkPage, HomePage, True),
        (ExperienceCenterIndexPage, HomePage, True),
        (ExperienceCenterPage, ExperienceCenterIndexPage, True),
        (ExperienceCenterPage, HomePage, False),
        (SafetyGuidePage, SafetyGuideIndexPage, True),
        (SafetyGuidePage, HomePage, False),
        (SafetyGuidePage, NewsIndexPage, False),
        (NewsPage, NewsIndexPage, True),
        (NewsPage, SafetyGuideIndexPage, False),
        (StandardPage, StandardPage, True),
        (CampPage, ThemeParkPage, False),
        (SelfCheckPage, HomePage, True),
        (ThemeParkPage, StandardPage, False),
    ],
)
def test_editors_can_create_each_page_type_only_where_it_belongs(child, parent, allowed):
    assert (parent in child.allowed_parent_page_models()) is allowed


def test_only_one_guide_index_per_home(home):
    add_page(home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
    assert not SafetyGuideIndexPage.can_create_at(home)


def _guides(home, count):
    index = SafetyGuideIndexPage.objects.child_of(home).first() or add_page(
        home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides"
    )
    topic, _ = GuideTopic.objects.get_or_create(slug="e-bike", defaults={"name": "电动车"})
    existing = index.get_children().count()
    for number in range(existing, existing + count):
        guide = SafetyGuidePage(
            title=f"指南{number}", slug=f"guide-{number}", locale=index.locale, body=GUIDE_BODY
        )
        guide.topics = [topic]
        index.add_child(instance=guide)
        guide.save_revision().publish()
    return index


def _centers(home, count):
    index = ExperienceCenterIndexPage.objects.child_of(home).first() or add_page(
        home, ExperienceCenterIndexPage, title="体验室", slug="experience-centers"
    )
    existing = index.get_children().count()
    for number in range(existing, existing + count):
        add_page(
            index,
            ExperienceCenterPage,
            title=f"体验点{number}",
            slug=f"center-{number}",
            host="社区",
            district=district(),
            address="澄江街道",
            status="open",
        )
    return index


def _news(home, count):
    index = NewsIndexPage.objects.child_of(home).first() or add_page(
        home, NewsIndexPage, title="新闻", slug="news"
    )
    existing = index.get_children().count()
    for number in range(existing, existing + count):
        add_page(index, NewsPage, title=f"新闻{number}", slug=f"news-{number}", body=GUIDE_BODY)
    return index


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("build", "url"),
    [
        (_guides, "/safety-guides/"),
        (_centers, "/experience-centers/"),
        (_news, "/news/"),
        (_guides, "/"),
        (_guides, "/safety-guides/guide-0/"),
    ],
)
def test_query_count_does_not_grow_with_child_pages(client, home, build, url, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0  # count the queries of a full render, not a reuse
    build(home, 2)
    client.get(url)  # warm caches (site root, menu) before counting
    few = _queries(client, url)
    build(home, 20)
    client.get(url)  # publishing cleared the menu cache
    many = _queries(client, url)
    assert many == few


def test_self_check_advice_follows_the_answers(client, home):
    page = add_page(
        home,
        SelfCheckPage,
        title="家庭防火自查",
        slug="self-check",
        questions=[
            {
                "type": "question",
                "value": {
                    "question": "楼道充电吗？",
                    "safe_answer": "no",
                    "advice": "到集中充电点充电。",
                },
            },
            {
                "type": "question",
                "value": {
                    "question": "装了烟感吗？",
                    "safe_answer": "yes",
                    "advice": "安装烟感报警器。",
                },
            },
            {
                "type": "question",
                "value": {
                    "question": "插线板串联吗？",
                    "safe_answer": "no",
                    "advice": "插线板不要串联。",
                },
            },
        ],
    )
    response = client.get(page.url, {"check": "1", "q1": "yes", "q2": "yes", "q3": "yes"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "到集中充电点充电。" in html and "插线板不要串联。" in html
    assert "安装烟感报警器。" not in html
    assert "3 项中有 1 项是安全的" in html

    html = client.get(
        page.url, {"check": "1", "q1": "no", "q2": "yes", "q3": "no"}
    ).content.decode()
    assert "3 项中有 3 项是安全的" in html and "到集中充电点充电。" not in html


def test_self_check_rejects_incomplete_or_forged_answers_with_400(client, home):
    page = add_page(
        home,
        SelfCheckPage,
        title="自查",
        slug="self-check",
        questions=[
            {
                "type": "question",
                "value": {
                    "question": "楼道充电吗？",
                    "safe_answer": "no",
                    "advice": "到集中充电点充电。",
                },
            }
        ],
    )
    response = client.get(page.url, {"check": "1"})
    assert response.status_code == 400
    assert "请回答这道题" in response.content.decode()
    response = client.get(page.url, {"check": "1", "q1": "<script>"})
    assert response.status_code == 400
    assert "<script>" not in response.content.decode()


def test_self_check_stores_nothing(client, home, django_assert_max_num_queries):
    page = add_page(
        home,
        SelfCheckPage,
        title="自查",
        slug="self-check",
        questions=[
            {
                "type": "question",
                "value": {
                    "question": "楼道充电吗？",
                    "safe_answer": "no",
                    "advice": "到集中充电点充电。",
                },
            }
        ],
    )
    with CaptureQueriesContext(connection) as captured:
        client.get(page.url, {"check": "1", "q1": "yes"})
    writes = [
        q["sql"] for q in captured if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []
    assert not client.cookies.get("sessionid")


def test_synonym_needs_two_words():
    from django.core.exceptions import ValidationError

    from education.models import SearchSynonym

    with pytest.raises(ValidationError):
        SearchSynonym(terms="电动车").full_clean()
    assert SearchSynonym(terms="电动车，电动自行车、电瓶车").term_list == [
        "电动车",
        "电动自行车",
        "电瓶车",
    ]


def test_images_need_alt_text(admin_user):
    from wagtail.images.forms import get_image_form
    from wagtail.images.models import Image

    from tests.education.factories import ensure_tree_roots

    ensure_tree_roots()
    form_class = get_image_form(Image)
    form = form_class(data={"title": "灭火器", "description": ""}, user=admin_user)
    assert "description" in form.fields and form.fields["description"].required
    assert not form.is_valid() and "description" in form.errors


def test_cached_footer_and_menu_follow_edits(client, home):
    from wagtail.models import Site

    from education.models import SiteSettings

    assert "0510-8686 0119" in client.get("/").content.decode()
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.service_hotline = "0510-1234 5678"
    settings.save()
    assert "0510-1234 5678" in client.get("/").content.decode()

    add_page(home, StandardPage, title="关于本站", slug="about", show_in_menus=True, body=[])
    assert 'href="/about/"' in client.get("/").content.decode()


def test_a_guide_with_a_captioned_image_shows_the_picture(client, home):
    """An editor's image block reaches the public page as a picture with its caption
    (its template once loaded a library that does not exist: every such page was a 500)."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 800), (200, 30, 30)).save(buffer, "JPEG")
    image = get_image_model().objects.create(
        title="疏散演练",
        description="学生沿疏散路线有序撤离",
        file=ContentFile(buffer.getvalue(), name="drill.jpg"),
    )
    index = add_page(home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
    body = [*GUIDE_BODY, {"type": "image", "value": {"image": image.pk, "caption": "每月一次演练"}}]
    add_page(index, SafetyGuidePage, title="校园疏散", slug="evacuation", body=body)

    response = client.get("/safety-guides/evacuation/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<figure class="figure"><picture>' in html
    assert "<figcaption>每月一次演练</figcaption>" in html
