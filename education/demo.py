"""Demo content for the education app, in our own words from the seed report.

Idempotent: pages are found by slug under their parent, snippets and images by name,
and nothing that exists is created or changed again.
"""

import datetime
import io
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Locale, Page, Site

from . import demo_content as C
from .demo_content import english
from .demo_content.standard import STANDARD_PAGES
from .geography import place_named, site_of_page
from .i18n import ensure_locales, publish_translation
from .models import (
    CampPage,
    ExperienceCenterIndexPage,
    ExperienceCenterPage,
    GuideAudience,
    GuideTopic,
    HomePage,
    MenuItem,
    NewsIndexPage,
    NewsPage,
    Place,
    SafetyGuideIndexPage,
    SafetyGuidePage,
    SearchSynonym,
    SelfCheckPage,
    SiteSettings,
    StandardPage,
    ThemeParkPage,
)
from .moderation import ensure_moderation

# name: (title, alt text, background colour, accent colour)
IMAGES = {
    "park": ("五星公园消防主题公园", "公园草地上的消防车和消防栓示意图", "#2e7d32", "#b3261e"),
    "ebike": ("电动车安全充电", "电动车停在充电桩旁的示意图", "#1565c0", "#f9a825"),
    "escape": ("家庭逃生路线", "带有安全出口标志和箭头的房屋平面示意图", "#00695c", "#ffffff"),
    "extinguisher": ("灭火器", "红色干粉灭火器示意图", "#fbf4ef", "#b3261e"),
    "kitchen": ("厨房防火", "灶台上盖着锅盖的炒锅示意图", "#6d4c41", "#ff7043"),
    "camp": ("消防夏令营", "学生排队参观消防车的示意图", "#f57c00", "#b3261e"),
    "room": ("微型消防体验室", "体验室里的灭火器和模拟客厅示意图", "#5e35b1", "#ffca28"),
}
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def _font(size):
    if FONT.exists():
        return ImageFont.truetype(str(FONT), size)
    return ImageFont.load_default()


def _illustration(background, accent):
    """A simple flat illustration: sky, ground, a house and a flame-coloured sign."""
    canvas = PILImage.new("RGB", (1200, 675), background)
    draw = ImageDraw.Draw(canvas)
    draw.rectangle([0, 500, 1200, 675], fill="#f5f5f5")
    draw.polygon([(300, 300), (500, 150), (700, 300)], fill=accent)
    draw.rectangle([340, 300, 660, 500], fill="#ffffff")
    draw.rectangle([470, 390, 530, 500], fill=accent)
    draw.ellipse([820, 220, 1020, 420], fill=accent)
    draw.polygon([(920, 250), (980, 360), (860, 360)], fill="#ffffff")
    return canvas


def ensure_image(key):
    title, alt, background, accent = IMAGES[key]
    image = Image.objects.filter(title=title).first()
    if image is None:
        buffer = io.BytesIO()
        _illustration(background, accent).save(buffer, format="PNG")
        image = Image(title=title, description=alt)
        image.file = ImageFile(io.BytesIO(buffer.getvalue()), name=f"{key}.png")
        image.save()
    return image


def ensure_leaflet(guide):
    """A one-page A4 PDF leaflet drawn with Pillow from the guide's summary."""
    title = f"{guide['title']}（宣传单）"
    document = Document.objects.filter(title=title).first()
    if document is not None:
        return document
    page = PILImage.new("RGB", (1240, 1754), "#ffffff")
    draw = ImageDraw.Draw(page)
    draw.rectangle([0, 0, 1240, 180], fill="#b3261e")
    draw.text((60, 55), "江阴消防 · 安全提示", font=_font(64), fill="#ffffff")
    draw.text((60, 240), guide["title"], font=_font(52), fill="#1c1b1f")
    y = 360
    lines = [guide["summary"]]
    for block_type, value in guide["body"]:
        if block_type in ("steps", "checklist"):
            if value.get("heading"):
                lines.append(f"【{value['heading']}】")
            lines.extend(value.get("steps") or value.get("items"))
        elif block_type == "do_dont":
            lines.extend(f"要：{item}" for item in value["do"])
            lines.extend(f"不要：{item}" for item in value["dont"])
    for line in lines:
        for start in range(0, len(line), 22):
            draw.text((60, y), line[start : start + 22], font=_font(40), fill="#1c1b1f")
            y += 60
        y += 20
    draw.text((60, 1640), "火警电话 119", font=_font(56), fill="#b3261e")
    buffer = io.BytesIO()
    page.save(buffer, format="PDF", resolution=150)
    document = Document(title=title)
    document.file = SimpleUploadedFile(f"{guide['slug']}.pdf", buffer.getvalue())
    document.save()
    return document


def stream(blocks):
    return [{"type": block_type, "value": value} for block_type, value in blocks]


def ensure_page(parent, model, slug, **fields):
    """The child page with this slug, created and published if missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = model(slug=slug, locale=parent.locale, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def load_home():
    ensure_locales()
    zh = Locale.get_default()
    root = Page.get_first_root_node()
    # Wagtail's starter "Welcome" page (a plain Page) makes way for ours.
    for stray in root.get_children().filter(content_type__model="page"):
        stray.delete()
    home = HomePage.objects.filter(locale=zh, depth=2).first()
    if home is None:
        home = HomePage(locale=zh, **C.HOME)
        root.add_child(instance=home)
        home.save_revision().publish()

    site_url = urlsplit(django_settings.WAGTAILADMIN_BASE_URL)
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname = site_url.hostname or "localhost"
    site.port = site_url.port or (443 if site_url.scheme == "https" else 80)
    site.root_page = home
    site.site_name = "Firebreak 消防宣传教育平台"
    site.save()
    return home, site


def load_snippets():
    for slug, (name, name_en) in C.TOPICS.items():
        GuideTopic.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en})
    for slug, (name, name_en) in C.AUDIENCES.items():
        GuideAudience.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en})
    for terms in C.SYNONYMS:
        SearchSynonym.objects.get_or_create(terms=terms)


def ensure_city(site):
    """The demo department's city, named in its site settings (kept when one is set)."""
    settings = SiteSettings.for_site(site)
    if settings.city_id is None:
        name, name_en = C.CITY
        settings.city = Place.objects.get_or_create(
            name=name, parent=None, defaults={"kind": Place.Kind.CITY, "name_en": name_en}
        )[0]
        settings.save(update_fields=["city"])
    return settings.city


def load_places(home):
    ensure_page(
        home,
        ThemeParkPage,
        "theme-park",
        title="五星公园消防主题公园",
        show_in_menus=True,
        share_image=ensure_image("park"),
        summary="在公园里边散步边学消防：认识消防车和消火栓，体验烟雾逃生，免费开放。",
        address="江阴市澄江中路五星公园内",
        access="<ul><li>乘公交到五星公园站，步行三分钟</li><li>园内道路平整，轮椅可以通行</li><li>无障碍卫生间在东门旁</li></ul>",
        body=stream(
            [
                C.text(
                    "<p>五星公园消防主题公园是江阴消防在百日攻坚行动中建成的公益宣传阵地。"
                    "园区分为几个主题区，游客可以自由参观，团体可以预约讲解。</p>"
                ),
                (
                    "steps",
                    {
                        "heading": "主题区",
                        "steps": [
                            "消防装备展示区：近距离看消防车、水带和呼吸器",
                            "居家安全区：找出模拟客厅里的火灾隐患",
                            "逃生体验区：在烟雾通道里练习低姿逃生",
                            "119报警区：模拟拨打报警电话",
                        ],
                    },
                ),
                (
                    "hours",
                    {
                        "rows": [
                            {"days": "每天", "hours": "6:00–21:00（户外区域）"},
                            {"days": "周二至周日", "hours": "9:00–17:00（讲解服务）"},
                        ],
                        "note": "讲解服务需提前预约，法定节假日照常开放。",
                    },
                ),
                (
                    "map",
                    {
                        "name": "五星公园消防主题公园",
                        "address": "江阴市澄江中路五星公园",
                        "latitude": "31.909800",
                        "longitude": "120.274500",
                        "directions": "公园北门进入后沿主路向东步行约200米。",
                    },
                ),
                (
                    "faq",
                    {
                        "items": [
                            {
                                "question": "参观要收费吗？",
                                "answer": "<p>免费。团体讲解也不收费。</p>",
                            },
                            {
                                "question": "可以带小朋友来吗？",
                                "answer": "<p>欢迎。逃生体验区建议6岁以上儿童由家长陪同。</p>",
                            },
                        ]
                    },
                ),
            ]
        ),
    )
    index = ensure_page(
        home,
        ExperienceCenterIndexPage,
        "experience-centers",
        title="微型消防体验室",
        show_in_menus=True,
        summary="开在商场、社区和企业里的消防体验室：家门口就能练灭火、学逃生。",
        intro="<p>江阴已建成红星美凯龙和杨市社区两个微型消防体验室，另有六处正在建设。"
        "按状态和街道筛选，找到离你最近的一处。</p>",
    )
    room = ensure_image("room")
    site = site_of_page(home)
    for center in C.CENTERS:
        fields = dict(center)
        slug = fields.pop("slug")
        # The demo names each centre's district or town; it is a place of the site's city.
        fields["district"] = place_named(site, fields["district"], kind=Place.Kind.TOWN)
        ensure_page(
            index,
            ExperienceCenterPage,
            slug,
            share_image=room if fields["status"] == "open" else None,
            **fields,
        )
    ensure_page(
        home,
        CampPage,
        "summer-camp",
        title="消防夏令营",
        show_in_menus=True,
        share_image=ensure_image("camp"),
        summary="暑假到消防教育馆过几天“消防员”的日子：参观、体验、动手练。",
        partners="共青团江阴市委员会",
        venue="江阴市消防教育馆",
        ages="小学三年级至初中二年级",
        how_to_join="由学校统一组织报名，按批次预约；家长和学生个人不能单独报名。",
        places=600,
        batches=10,
        programme=stream(
            [
                C.text("<p>夏令营由消防部门和团市委联合举办，每批60名学生，共10批。</p>"),
                (
                    "steps",
                    {
                        "heading": "一天的安排",
                        "steps": [
                            "上午：参观消防站，认识消防车和装备",
                            "中午：和消防员一起用餐",
                            "下午：烟雾逃生、灭火器实操、119报警演练",
                            "结营：每人带回一份家庭逃生计划",
                        ],
                    },
                ),
            ]
        ),
        rules="<ul><li>穿运动鞋和便于活动的衣服</li><li>服从教官指挥，不擅自离队</li><li>有哮喘等疾病请提前告知</li></ul>",
    )


def load_guides(home):
    index = ensure_page(
        home,
        SafetyGuideIndexPage,
        "safety-guides",
        title="安全指南",
        show_in_menus=True,
        summary="电动车、厨房、高层、老人和孩子：居家和单位最需要知道的防火常识。",
        intro="<p>每一篇都可以打印成A4纸贴在家里，部分指南附有可下载的宣传单。</p>",
    )
    topics = {topic.slug: topic for topic in GuideTopic.objects.all()}
    audiences = {audience.slug: audience for audience in GuideAudience.objects.all()}
    for guide in C.GUIDES:
        if index.get_children().filter(slug=guide["slug"]).exists():
            continue
        page = SafetyGuidePage(
            slug=guide["slug"],
            locale=index.locale,
            title=guide["title"],
            summary=guide["summary"],
            priority=guide["priority"],
            search_description=guide["summary"],
            share_image=ensure_image(guide["image"]) if guide.get("image") else None,
            leaflet=ensure_leaflet(guide) if guide.get("leaflet") else None,
            body=stream(guide["body"]),
        )
        page.topics = [topics[slug] for slug in guide["topics"]]
        page.audiences = [audiences[slug] for slug in guide["audiences"]]
        index.add_child(instance=page)
        page.save_revision().publish()
    return index


def load_news(home):
    index = ensure_page(
        home,
        NewsIndexPage,
        "news",
        title="新闻动态",
        show_in_menus=True,
        summary="百日攻坚行动、夏令营、体验室和宣传活动的最新消息。",
    )
    today = timezone.localdate()
    for item in [*C.RECENT_NEWS, *C.NEWS]:
        fields = dict(item)
        slug = fields.pop("slug")
        if "days_ago" in fields:
            fields["date"] = today - datetime.timedelta(days=fields.pop("days_ago"))
        else:
            fields["date"] = datetime.date.fromisoformat(fields["date"])
        fields["body"] = stream(fields["body"])
        ensure_page(index, NewsPage, slug, source="江阴消防", **fields)
    return index


def load_self_check(home, guides):
    by_slug = {page.slug: page.pk for page in SafetyGuidePage.objects.child_of(guides)}
    return ensure_page(
        home,
        SelfCheckPage,
        "self-check",
        title="家庭防火自查",
        show_in_menus=True,
        summary="回答十个问题，两分钟看看你家的电动车充电和用火用电是否安全。",
        intro=(
            "<p>每题选“是”或“否”，不适用的题选“我家没有电动车”。你的回答不会被保存，"
            "结果可以打印成一页A4纸。</p>"
        ),
        questions=stream(
            [
                (
                    "question",
                    {
                        "question": q,
                        "safe_answer": safe,
                        "advice": advice,
                        "not_applicable": not_applicable,
                        "guide": by_slug.get(guide),
                    },
                )
                for q, safe, advice, not_applicable, guide in C.SELF_CHECK
            ]
        ),
        all_safe_text="<p>做得很好！请每个季度再做一次自查，也把这个页面分享给家人。</p>",
    )


def load_standard(home):
    """About, privacy and accessibility, from demo_content/standard.py."""
    return tuple(
        ensure_page(
            home,
            StandardPage,
            page["slug"],
            title=page["title"],
            summary=page["summary"],
            body=stream([C.text(page["html"])]),
        )
        for page in STANDARD_PAGES
    )


def load(stdout=None):
    """The home page, every section with demo content, settings and moderation."""
    home, site = load_home()
    ensure_city(site)
    load_snippets()
    load_places(home)
    guides = load_guides(home)
    news = load_news(home)
    load_self_check(home, guides)
    _about, privacy, accessibility = load_standard(home)

    if home.featured_page_id is None:
        home.featured_page = news.get_children().filter(slug=C.RECENT_NEWS[0]["slug"]).first()
        home.save_revision().publish()

    settings = SiteSettings.for_site(site)
    for field, value in C.SETTINGS.items():
        setattr(settings, field, value)
    settings.privacy_page = privacy
    settings.accessibility_page = accessibility
    settings.save()
    ensure_moderation([guides, news])
    if stdout:
        stdout.write("education: pages, guides, news, settings and moderation ready")
    return home


def load_menu(stdout=None):
    """The main menu, once every app has made its pages; an edited menu is left alone."""
    site = Site.objects.get(is_default_site=True)
    settings = SiteSettings.for_site(site)
    if settings.menu_items.exists():
        return
    home = site.root_page
    for order, (label, label_en, target) in enumerate(C.MENU):
        item = MenuItem(settings=settings, sort_order=order, label=label, label_en=label_en)
        if target.startswith("/"):
            item.path = target
        else:
            item.page = home.get_children().filter(slug=target).first()
            if item.page is None:
                continue
        item.save()
    if stdout:
        stdout.write("education: main menu ready")


def load_english(stdout=None):
    """The English translations of the main pages, as an editor would make them.

    Runs after every app's loader: translating a page needs its parents in the English
    tree. A page an editor has already translated is left alone.
    """
    home = Site.objects.get(is_default_site=True).root_page.specific
    for path, fields in english.PAGES.items():
        page = home
        for slug in filter(None, path.split("/")):
            page = page.get_children().filter(slug=slug).first()
            if page is None:
                break
        if page is None:
            continue
        fields = dict(fields)
        for name in ("body", "programme"):
            if isinstance(fields.get(name), list):  # a StreamField's blocks, not rich text
                fields[name] = stream(fields[name])
        publish_translation(page.specific, "en", **fields)
    if stdout:
        stdout.write("education: English translations of the main pages ready")
