import pytest

pytestmark = pytest.mark.django_db


def test_home_page_is_chinese_at_root(client, home):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans"' in html
    assert home.hero_title in html
    assert "跳到主要内容" in html  # the shell's own strings are translated
    assert "苏ICP备00000000号-1" in html  # footer from the site settings
    assert 'href="tel:119"' in html


def test_home_page_is_english_under_en(client, home):
    response = client.get("/en/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en"' in html
    assert "Skip to main content" in html
    assert "跳到主要内容" not in html


def test_language_switch_links_both_ways(client, home):
    zh = client.get("/").content.decode()
    en = client.get("/en/").content.decode()
    assert 'href="/en/" lang="en"' in zh
    assert 'href="/" lang="zh-hans"' in en


def test_unknown_page_gets_the_friendly_404_in_the_visitors_language(client, home):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_robots_and_sitemap(client, home):
    robots = client.get("/robots.txt")
    assert robots.status_code == 200
    assert "Sitemap: http://testserver/sitemap.xml" in robots.content.decode()
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    assert "http://testserver/" in sitemap.content.decode()


def test_display_mode_sets_cookie_and_refuses_offsite_redirects(client, home):
    response = client.get("/display/", {"mode": "large", "next": "/en/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert response.cookies["firebreak_display"].value == "large"
    assert 'class="display-large"' in client.get("/").content.decode()

    response = client.get("/display/", {"mode": "large", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_public_pages_carry_a_strict_content_security_policy(client, home):
    csp = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_the_guides_on_the_home_page_follow_pages_and_images_at_once(client, home, settings):
    """The guides' cards are kept under the content generation; their images are not:
    an image changes (here: is deleted) without any page being published."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    from education.models import SafetyGuideIndexPage, SafetyGuidePage
    from tests.education.factories import add_page

    settings.FRAGMENT_CACHE_SECONDS = 0
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 900), (200, 30, 30)).save(buffer, "JPEG")
    image = get_image_model().objects.create(
        title="演练", file=ContentFile(buffer.getvalue(), name="drill.jpg")
    )
    index = add_page(home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
    add_page(index, SafetyGuidePage, title="电动车安全充电", slug="e-bike", share_image=image)
    html = client.get("/").content.decode()
    assert "电动车安全充电" in html and "<picture>" in html
    add_page(index, SafetyGuidePage, title="家用灭火器", slug="extinguisher")
    assert "家用灭火器" in client.get("/").content.decode()
    image.delete()
    html = client.get("/").content.decode()
    assert "电动车安全充电" in html and "<picture>" not in html
