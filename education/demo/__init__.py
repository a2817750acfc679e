"""The education app's demo content: the data files beside this module, in our own words
from the seed report, loaded by core.demo."""

import io
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.documents.models import Document
from wagtail.models import Locale, Page, Site

from core import demo

from ..geography import default_site, place_named
from ..i18n import ensure_locales, publish_translation
from ..models import (
    GuideAudience,
    GuideTopic,
    HomePage,
    MenuItem,
    Place,
    SearchSynonym,
    SiteSettings,
)
from ..moderation import ensure_moderation

SITE = demo.read(__file__, "site")
SECTIONS = ["places", "guides", "news", "standard"]
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def image(key):
    title, alt, *palette = SITE["images"][key]
    return demo.ensure_image(title, alt, list(SITE["images"]).index(key), palette)


def district(name):
    """A room's district or town, by its Chinese name: a place of the site's city."""
    return place_named(default_site(), name, kind=Place.Kind.TOWN)


def ensure_city(site):
    """The demo department's city, named in its site settings (kept when one is set)."""
    settings = SiteSettings.for_site(site)
    if settings.city_id is None:
        name, name_en = SITE["city"]
        settings.city = Place.objects.get_or_create(
            name=name, parent=None, defaults={"kind": Place.Kind.CITY, "name_en": name_en}
        )[0]
        settings.save(update_fields=["city"])
    return settings.city


def _font(size):
    return ImageFont.truetype(str(FONT), size) if FONT.exists() else ImageFont.load_default()


def ensure_leaflet(slug, guide):
    """A one-page A4 PDF leaflet drawn with Pillow from the guide's summary and lists."""
    title = f"{guide['title']}（宣传单）"
    document = Document.objects.filter(title=title).first()
    if document is not None:
        return document
    page = PILImage.new("RGB", (1240, 1754), "#ffffff")
    draw = ImageDraw.Draw(page)
    draw.rectangle([0, 0, 1240, 180], fill="#b3261e")
    draw.text((60, 55), "江阴消防 · 安全提示", font=_font(64), fill="#ffffff")
    draw.text((60, 240), guide["title"], font=_font(52), fill="#1c1b1f")
    lines = [guide["summary"]]
    for block in guide["body"]:
        value = block["value"]
        if block["type"] in ("steps", "checklist"):
            lines += [f"【{value['heading']}】"] if value.get("heading") else []
            lines += value.get("steps") or value.get("items")
        elif block["type"] == "do_dont":
            lines += [f"要：{item}" for item in value["do"]]
            lines += [f"不要：{item}" for item in value["dont"]]
    y = 360
    for line in lines:
        for start in range(0, len(line), 22):
            draw.text((60, y), line[start : start + 22], font=_font(40), fill="#1c1b1f")
            y += 60
        y += 20
    draw.text((60, 1640), "火警电话 119", font=_font(56), fill="#b3261e")
    buffer = io.BytesIO()
    page.save(buffer, format="PDF", resolution=150)
    document = Document(title=title)
    document.file = SimpleUploadedFile(f"{slug}.pdf", buffer.getvalue())
    document.save()
    return document


def prepare(slug, fields):
    """The education data's own keys: a drawn image, a leaflet, a district by name."""
    if "image" in fields:
        fields["share_image"] = image(fields.pop("image"))
    if fields.pop("leaflet", False):
        fields["leaflet"] = ensure_leaflet(slug, fields)
    if "district" in fields:
        fields["district"] = district(fields["district"])
    return fields


def load_home():
    ensure_locales()
    root = Page.get_first_root_node()
    # Wagtail's starter "Welcome" page (a plain Page) makes way for ours.
    for stray in root.get_children().filter(content_type__model="page"):
        stray.delete()
    home = HomePage.objects.filter(locale=Locale.get_default(), depth=2).first()
    if home is None:
        home = HomePage(locale=Locale.get_default(), **SITE["home"])
        root.add_child(instance=home)
        home.save_revision().publish()
    url = urlsplit(django_settings.WAGTAILADMIN_BASE_URL)
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname = url.hostname or "localhost"
    site.port = url.port or (443 if url.scheme == "https" else 80)
    site.root_page, site.site_name = home, SITE["site_name"]
    site.save()
    return home, site


def load(stdout=None):
    """The home page, every section with demo content, settings and moderation."""
    home, site = load_home()
    ensure_city(site)
    for slug, (name, name_en) in SITE["topics"].items():
        GuideTopic.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en})
    for slug, (name, name_en) in SITE["audiences"].items():
        GuideAudience.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en})
    for terms in SITE["synonyms"]:
        SearchSynonym.objects.get_or_create(terms=terms)
    for section in SECTIONS:
        data = demo.read(__file__, section)
        demo.load_pages("education", data["pages"], prepare)
        home = demo.home()  # its children counted afresh
        if "featured" in data and home.featured_page_id is None:
            home.featured_page = demo.at(data["featured"])
            home.save_revision().publish()
    settings = SiteSettings.for_site(site)
    for field, value in SITE["settings"].items():
        setattr(settings, field, value)
    settings.privacy_page, settings.accessibility_page = (
        demo.at("privacy"),
        demo.at("accessibility"),
    )
    settings.save()
    ensure_moderation([demo.at("safety-guides"), demo.at("news")])
    if stdout:
        stdout.write("education: pages, guides, news, settings and moderation ready")
    return home


def load_menu(stdout=None):
    """The main menu, once every app has made its pages; an edited menu is left alone."""
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    if settings.menu_items.exists():
        return
    for order, item in enumerate(SITE["menu"]):
        target = item["target"]
        page = None if target.startswith("/") else demo.at(target)
        if page is None and not target.startswith("/"):
            continue
        MenuItem.objects.create(
            settings=settings,
            sort_order=order,
            label=item["label"],
            label_en=item["label_en"],
            path=target if page is None else "",
            page=page,
        )
    if stdout:
        stdout.write("education: main menu ready")


def load_english(stdout=None):
    """The English translations of the main pages, as an editor would make them.

    Runs after every app's loader: translating a page needs its parents in the English
    tree. A page an editor has already translated is left alone.
    """
    for path, fields in demo.read(__file__, "english")["pages"].items():
        page = demo.at(path)
        if page is not None:
            publish_translation(page, "en", **fields)
    if stdout:
        stdout.write("education: English translations of the main pages ready")
