"""Demo content for the education app, in our own words from the seed report."""

from urllib.parse import urlsplit

from django.conf import settings as django_settings
from wagtail.models import Locale, Page, Site

from .i18n import ensure_locales
from .models import HomePage, SiteSettings

HOME = {
    "title": "首页",
    "slug": "home",
    "hero_title": "学消防知识，护平安江阴",
    "hero_text": (
        "五星公园消防主题公园、社区和商场里的微型消防体验室、暑期消防夏令营、"
        "安全指南和宣传活动，都在这里。"
    ),
    "intro": (
        "<p>这是江阴市消防救援大队的消防宣传教育平台。学校和企业可以在线预约参观、"
        "夏令营和消防课；家长可以为孩子投稿消防绘画和作文；每一次宣传的覆盖人数，"
        "都会在这里公开统计。</p>"
    ),
    "search_description": "江阴消防宣传教育平台：主题公园、体验室、夏令营、安全指南与宣传活动。",
}

SETTINGS = {
    "fire_hotline": "119",
    "service_hotline": "0510-8686 0119",
    "service_hours": "工作日 8:30–17:30",
    "address": "江苏省无锡市江阴市五星公园消防主题公园",
    "email": "xuanchuan@firebreak.invalid",
    "wechat_account": "江阴消防",
    "footer_text": "江阴市消防救援大队主办。本站内容用于公益消防宣传教育。",
    "icp_number": "苏ICP备00000000号-1",
}


def load(stdout=None):
    """Create or update the page tree root, the home page and the site settings."""
    ensure_locales()
    zh = Locale.get_default()
    root = Page.get_first_root_node()

    # Wagtail's starter "Welcome" page (a plain Page) makes way for ours.
    for stray in root.get_children().filter(content_type__model="page"):
        stray.delete()

    home = HomePage.objects.filter(locale=zh, depth=2).first()
    if home is None:
        home = HomePage(locale=zh, **HOME)
        root.add_child(instance=home)
        home.save_revision().publish()

    site_url = urlsplit(django_settings.WAGTAILADMIN_BASE_URL)
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname = site_url.hostname or "localhost"
    site.port = site_url.port or (443 if site_url.scheme == "https" else 80)
    site.root_page = home
    site.site_name = "Firebreak 消防宣传教育平台"
    site.save()

    settings = SiteSettings.for_site(site)
    for field, value in SETTINGS.items():
        setattr(settings, field, value)
    settings.save()
    if stdout:
        stdout.write("education: home page and site settings ready")
    return home
