"""When a search finds nothing: a word that sounds alike, the guides, the campaign."""

import pytest
from wagtail.models import Locale, Page

from education.i18n import sync_translation_aliases
from education.models import HomePage, NewsIndexPage, NewsPage, SafetyGuideIndexPage
from education.search.hints import no_result_hints, sound, suggestion
from tests.education.factories import add_page, make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    """A home page with a guides index, an extinguisher guide and a featured campaign."""
    home = make_site()
    guides = add_page(home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
    news = add_page(home, NewsIndexPage, title="新闻", slug="news")
    campaign = add_page(news, NewsPage, title="百日攻坚行动启动", slug="campaign")
    home.featured_page = campaign
    home.save_revision().publish()
    from tests.education.test_search import Pages

    pages = Pages(home)
    pages.add("家用灭火器怎么选", "看压力表。", parent=guides)
    sync_translation_aliases()
    return home


def public_pages(language="zh-hans"):
    return Page.objects.live().public().filter(locale__language_code=language)


def test_words_are_compared_by_their_sound():
    assert sound("灭火器") == sound("灭火气") == "miehuoqi"
    assert sound("電動車") == "diandongche"
    assert sound("MieHuoQi 1") == "miehuoqi1"


def test_a_homophone_or_a_pinyin_slip_suggests_the_word_that_finds_something(site):
    assert suggestion("miehuoqu", public_pages()) == "灭火器"
    assert suggestion("灭火气", public_pages()) == "灭火器"


def test_no_word_is_suggested_that_would_find_nothing_or_from_noise(site):
    assert suggestion("diandongche", public_pages()) is None  # no page about e-bikes
    assert suggestion("xq", public_pages()) is None
    assert suggestion("zzzzzzzz", public_pages()) is None


@pytest.mark.parametrize(
    ("path", "query", "texts"),
    [
        (
            "/search/",
            "miehuoqu",
            [
                "没有找到与“miehuoqu”相关的内容",
                'href="?q=%E7%81%AD%E7%81%AB%E5%99%A8"',
                '<a href="/safety-guides/">也可以直接浏览安全指南。</a>',
                "或者看看我们正在开展的活动：",
                '<a href="/news/campaign/">百日攻坚行动启动</a>',
            ],
        ),
        (
            "/en/search/",
            "qwertyuiop",
            [
                "Nothing found for “qwertyuiop”",
                '<a href="/en/safety-guides/">Browse the safety guides instead.</a>',
                "Or see what we are running now:",
                'href="/en/news/campaign/"',
            ],
        ),
    ],
)
def test_the_no_result_page_links_a_suggestion_the_guides_and_the_campaign(
    site, client, path, query, texts
):
    html = client.get(path, {"q": query}).content.decode()
    for text in texts:
        assert text in html


def test_without_a_guides_index_or_campaign_the_page_still_answers(client):
    make_site()
    response = client.get("/search/", {"q": "qwertyuiop"})
    assert response.status_code == 200
    hints = no_result_hints("qwertyuiop", Locale.get_default(), HomePage.objects.first())
    assert hints == {"suggestion": None, "guides": None, "campaign": None}
