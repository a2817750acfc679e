import io
import struct
import zlib
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from education.i18n import sync_translation_aliases
from media.contest import services
from media.contest.groups import CONTEST_STAFF, JUDGES, ensure_groups
from media.contest.models import AgeGroup, ConsentNotice, ContestPage, Criterion, Entry
from media.contest.uploads import encode


def make_notice(version=1):
    return ConsentNotice.objects.get_or_create(
        version=version,
        defaults={"title": "监护人知情同意书", "text": "我们收集孩子的名字、学校和作品。"},
    )[0]


def make_contest(home, slug="children-contest", **fields):
    now = timezone.now()
    page = ContestPage(
        title=fields.pop("title", "儿童消防绘画作文大赛"),
        slug=slug,
        theme="消防安全在我心",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        essay_max_chars=300,
        **fields,
    )
    page.age_groups.add(AgeGroup(name="低年级组", min_grade=1, max_grade=3, sort_order=0))
    page.age_groups.add(AgeGroup(name="高年级组", min_grade=4, max_grade=6, sort_order=1))
    page.criteria.add(Criterion(name="主题", weight=3, sort_order=0))
    page.criteria.add(Criterion(name="创意", weight=1, sort_order=1))
    home.add_child(instance=page)
    page.save_revision().publish()
    sync_translation_aliases()
    return ContestPage.objects.get(pk=page.pk)


def image_bytes(fmt="JPEG", size=(64, 48), mode="RGB", color=(200, 40, 30), **save):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save)
    return buffer.getvalue()


def png_header_claiming(width, height):
    """A PNG whose IHDR claims width×height, with almost no pixel data behind it."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 10))


def truncated_jpeg():
    buffer = io.BytesIO()
    Image.effect_noise((300, 200), 80).convert("RGB").save(buffer, "JPEG")
    data = buffer.getvalue()
    return data[: len(data) // 2]


def upload(data, name="drawing.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


_counter = {"n": 0}


def make_entry(contest, status=Entry.Status.SUBMITTED, category="drawing", **fields):
    _counter["n"] += 1
    n = _counter["n"]
    notice = make_notice()
    group = fields.pop("age_group", None) or contest.age_groups.order_by("sort_order").first()
    entry = Entry(
        contest=contest,
        category=category,
        age_group=group,
        title=fields.pop("title", f"消防车来了{n}"),
        display_name=fields.pop("display_name", "小雨"),
        school=fields.pop("school", "江阴市实验小学"),
        grade=fields.pop("grade", 2),
        guardian_name=fields.pop("guardian_name", "王芳"),
        guardian_phone=fields.pop("guardian_phone", "13912345678"),
        consent_notice=notice,
        consent_version=notice.version,
        consented_at=timezone.now(),
        withdrawal_token_hash=services.hash_token(f"token-{n}"),
        essay_text="第一段。\n第二段。" if category == "essay" else "",
        status=status,
        rejection_reason="不是原创" if status == Entry.Status.REJECTED else "",
        **fields,
    )
    if category == "drawing":
        content = encode(Image.new("RGB", (80, 60), (10, 120, 200)))
        entry.original.save(content.name, content, save=False)
    entry.save()
    entry.token = f"token-{n}"
    return entry


def make_user(username, group=None, **fields):
    user = get_user_model().objects.create_user(username=username, password="pw", **fields)
    if group:
        user.groups.add(ensure_groups()[group])
    return get_user_model().objects.get(pk=user.pk)


def staff(username="staff"):
    return make_user(username, CONTEST_STAFF, is_staff=True)


def judge(username="judge"):
    return make_user(username, JUDGES, is_staff=True)
