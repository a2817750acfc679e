"""The English site: translated pages read in English, untranslated ones say so."""

import re

import pytest
from wagtail.models import Locale, Page, Site

from core.demo import read
from education import demo
from education.demo import load_english
from education.i18n import publish_translation
from education.models import SiteSettings

pytestmark = pytest.mark.django_db

NOTICE = "This page is not yet available in English."
ENGLISH = read(demo.__file__, "english")["pages"]


@pytest.fixture
def english_site(demo_site):
    load_english()
    return demo_site


def test_translated_home_reads_in_english(client, english_site):
    html = client.get("/en/").content.decode()
    assert '<html lang="en"' in html
    assert "<title>Home · " in html
    assert "首页" not in html.split("</title>")[0]
    assert ENGLISH[""]["hero_title"] in html
    assert ENGLISH["news/winter-e-bike-charging"]["title"] in html  # the featured news
    assert NOTICE not in html


def test_translated_guide_has_english_heading_and_breadcrumbs(client, english_site):
    html = client.get("/en/safety-guides/e-bike-charging/").content.decode()
    guide = ENGLISH["safety-guides/e-bike-charging"]
    assert f"<h1>{guide['title']}</h1>" in html
    assert f"<title>{guide['title']} · " in html
    start = html.index('class="wrap breadcrumbs"')
    crumbs = html[start : html.index("</nav>", start)]
    assert ">Home</a>" in crumbs and ">Safety guides</a>" in crumbs
    assert 'lang="zh-hans"' not in crumbs
    assert NOTICE not in html


def test_untranslated_page_says_so_and_marks_its_content_chinese(client, english_site):
    zh = Page.objects.get(locale=Locale.get_default(), slug="about")
    en = zh.get_translation(Locale.objects.get(language_code="en"))
    assert en.alias_of_id == zh.pk
    html = client.get(en.url).content.decode()
    assert '<html lang="en"' in html
    assert NOTICE in html
    assert "本页尚无英文版" in html  # the same notice in Chinese, for who reads on
    main = html[html.index('<main id="main"') :]
    content = re.search(r'<div lang="zh-hans">(.*)</div>\s*</main>', main, re.S)
    assert content and "<h1>关于本站</h1>" in content.group(1)
    assert '<span aria-current="page" lang="zh-hans">关于本站</span>' in html


def test_chinese_site_has_no_notice(client, english_site):
    html = client.get("/about/").content.decode()
    assert NOTICE not in html and "本页尚无英文版" not in html
    assert '<div lang="zh-hans">' not in html


def test_footer_shows_the_english_settings_on_the_english_site(client, english_site):
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    en = client.get("/en/").content.decode()
    zh = client.get("/").content.decode()
    assert site_settings.address_en in en and site_settings.address not in en
    assert site_settings.service_hours_en in en
    assert site_settings.footer_text_en in en
    assert site_settings.address in zh and site_settings.address_en not in zh


def test_an_editors_translation_is_left_alone(english_site):
    zh = Page.objects.get(locale=Locale.get_default(), slug="privacy").specific
    edited = publish_translation(zh, "en", title="Privacy notice")
    assert edited.title == "Privacy"  # the loader's translation, not overwritten
    assert not edited.alias_of_id
