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
