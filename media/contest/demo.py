"""Demo content: the children's fire-safety drawing and essay contest run with the
education bureau, with generated drawings (shapes, no photos), essays, judges' scores
and published awards; and the next contest, open for entries now, so the submission
form can be tried. Idempotent: a second run changes nothing."""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw
from wagtail.models import Locale

from education.models import HomePage

from . import services
from .groups import JUDGES, ensure_groups
from .models import AgeGroup, ConsentNotice, ContestPage, Criterion, Entry, Score
from .uploads import encode, make_renditions

SLUG = "children-contest"
OPEN_SLUG = "children-contest-2"
TZ = ZoneInfo("Asia/Shanghai")

NOTICE = {
    "version": 1,
    "title": "监护人知情同意书",
    "text": (
        "我们收集什么：孩子的名字（只用名，不用姓）、学校、年级和作品；监护人的姓名和手机号。\n\n"
        "为什么收集：用于审核作品、评审、通知结果和颁奖。手机号只用于发送审核结果和撤回链接。\n\n"
        "谁能看到：公众只能看到孩子的名字、学校、年级和作品；监护人信息只有大赛工作人员能看到，"
        "评委评审时看不到孩子的名字、学校和监护人信息。\n\n"
        "保存多久：征集截止后一年，监护人联系方式和未获奖作品的原图将被删除。\n\n"
        "如何撤回：提交后您会收到一个撤回链接（页面上显示，也会以短信发送），随时可以撤回作品，"
        "作品和联系方式会一并删除。"
    ),
}

CONTEST = {
    "title": "儿童消防绘画作文大赛",
    "slug": SLUG,
    "theme": "消防安全在我心",
    "organisers": "江阴市消防救援大队、江阴市教育局",
    "intro": (
        "<p>江阴市消防救援大队联合江阴市教育局举办儿童消防绘画作文大赛。"
        "请小朋友们用画笔和文字，讲讲你眼中的消防安全：家里的电动车怎么充电才安全，"
        "火场里怎样弯腰捂鼻逃生，消防员叔叔阿姨每天在忙些什么。</p>"
        "<p>上一届大赛共收到绘画作品110幅、作文31篇，获奖作品在这里展出。</p>"
    ),
    "rules": (
        "<ul><li>面向江阴市小学和初中在校学生，每人每类限投一件。</li>"
        "<li>绘画：A4或A3纸，手绘，拍照或扫描上传。作文：题目自拟，字数限制见下。</li>"
        "<li>作品须为本人原创，由监护人或学校代为提交，须经监护人同意。</li>"
        "<li>评委按下列标准匿名打分，每件作品至少由三位评委评审。</li></ul>"
    ),
    "essay_max_chars": 800,  # the seed's rule: 作文 800 字以内
    "retention_days": 365,
}

# The next contest: open from two weeks before the demo is loaded for two months.
OPEN_CONTEST = {
    **CONTEST,
    "title": "第二届儿童消防绘画作文大赛",
    "slug": OPEN_SLUG,
    "theme": "安全用电，平安回家",
    "intro": (
        "<p>第二届儿童消防绘画作文大赛开始征稿啦！今年的主题是“安全用电，平安回家”："
        "电动车在哪里充电、插线板能不能串着用、家里闻到焦味怎么办，"
        "请用画笔和文字告诉大家。</p>"
        "<p>作品由监护人或学校在本页提交，审核通过后在下面的作品展中展出。</p>"
    ),
}
OPEN_DAYS_BEFORE, OPEN_DAYS_AFTER = 14, 60

AGE_GROUPS = [
    ("小学低年级组（一至三年级）", 1, 3),
    ("小学高年级组（四至六年级）", 4, 6),
    ("初中组", 7, 9),
]
CRITERIA = [
    ("主题表达", "是否讲清楚一个消防安全知识点", 4),
    ("创意", "构思和表现是否新颖", 3),
    ("完成度", "画面或文字是否完整、用心", 3),
]

SCHOOLS = [
    "江阴市实验小学",
    "高新区实验小学",
    "城中实验小学",
    "南菁实验学校",
    "澄江中心小学",
    "青阳实验小学",
]
NAMES = [
    "小雨",
    "乐乐",
    "朵朵",
    "子涵",
    "浩然",
    "一诺",
    "欣怡",
    "梓萱",
    "天佑",
    "思远",
    "可馨",
    "宇航",
]
DRAWING_TITLES = [
    "消防车来了",
    "电动车不进楼道",
    "弯腰捂鼻快逃生",
    "我家的灭火器",
    "消防员叔叔辛苦了",
    "不玩火柴",
    "安全出口别堵住",
    "森林防火",
    "一起学消防",
    "119，我记住了",
]
ESSAYS = [
    (
        "楼道里的电动车",
        "我家楼下以前总停着好几辆电动车，晚上还有人拉一根长长的电线下来充电。\n"
        "有一次消防员叔叔来我们小区做宣传，他说电动车电池起火的时候，几秒钟就能让整个楼道充满浓烟。"
        "我听了心里一紧，回家就把这件事告诉了爸爸妈妈。\n"
        "第二天，爸爸在业主群里发了消防员叔叔给的宣传图。现在我们小区建了集中充电棚，楼道干干净净的。"
        "我觉得，安全不是一个人的事，要大家一起来守护。",
    ),
    (
        "第一次拿起灭火器",
        "开学第一课，消防站的叔叔把灭火器搬进了我们的操场。\n"
        "他说使用灭火器要记住四个字：提、拔、握、压。我排在第三个，手心里全是汗。"
        "拔掉保险销的时候，我的手有点抖，可是按下压把，白色的干粉一下子喷了出去，小火苗很快就灭了。\n"
        "那一刻我明白了，只要方法对，我们小学生也能保护自己。",
    ),
    (
        "夏令营里的一课",
        "暑假里，我参加了消防夏令营。我们住在消防教育馆，跟着教官学打背包、学叠被子，还学了怎样从烟雾里逃生。\n"
        "最难忘的是烟雾逃生体验。屋子里黑乎乎的，我用湿毛巾捂住口鼻，弯着腰沿着墙走，"
        "终于看见了绿色的安全出口标志。\n"
        "回到家，我和妈妈一起画了家庭逃生路线图，贴在了门后面。",
    ),
    (
        "爷爷的烟头",
        "爷爷喜欢在沙发上抽烟，有时候烟还没灭就睡着了。\n"
        "我在学校学到，很多火灾就是从一个小小的烟头开始的。我给爷爷写了一张小卡片：“爷爷，烟头要掐灭，我想一直和您在一起。”\n"
        "爷爷看了笑着摸摸我的头。现在他抽完烟一定会把烟头按灭在烟灰缸里，还答应我要慢慢戒烟。",
    ),
    (
        "我想当一名消防员",
        "每次听到消防车的警笛声，我都会跑到窗边去看。\n"
        "在消防主题公园里，我见到了真正的消防员。他们穿上厚厚的战斗服只要几十秒，"
        "训练的时候汗水把衣服都湿透了。\n"
        "我长大了也想成为一名消防员。现在，我先从身边做起：不玩火，记住119，提醒家人检查燃气。",
    ),
]
PALETTES = [
    ((135, 206, 235), (220, 40, 30), (255, 160, 0)),
    ((255, 244, 214), (200, 30, 30), (250, 120, 20)),
    ((200, 235, 200), (40, 90, 200), (230, 60, 40)),
    ((250, 230, 240), (180, 20, 60), (255, 200, 40)),
]

# (status, how many drawings, how many essays) — every state is present.
PLAN = [
    (Entry.Status.APPROVED, 22, 7),
    (Entry.Status.SUBMITTED, 4, 1),
    (Entry.Status.REJECTED, 2, 1),
    (Entry.Status.DUPLICATE, 1, 0),
    (Entry.Status.WITHDRAWN, 1, 1),
]
OPEN_PLAN = [
    (Entry.Status.APPROVED, 3, 1),
    (Entry.Status.SUBMITTED, 1, 1),
]
AWARDS = [Entry.Award.FIRST, Entry.Award.SECOND, Entry.Award.THIRD, Entry.Award.EXCELLENCE]


def draw_picture(seed):
    """A child-like picture of a fire-safety scene: shapes and colours only."""
    rng = random.Random(seed)
    sky, truck, flame = PALETTES[seed % len(PALETTES)]
    image = Image.new("RGB", (800, 600), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 470, 800, 600), fill=(110, 180, 90))
    draw.ellipse((640, 30, 740, 130), fill=(255, 220, 60))
    # a house with a fire on the roof
    hx = rng.randint(40, 300)
    draw.rectangle((hx, 270, hx + 220, 470), fill=(240, 220, 180), outline=(80, 60, 40), width=4)
    draw.polygon([(hx - 20, 270), (hx + 110, 170), (hx + 240, 270)], fill=(160, 70, 50))
    draw.rectangle((hx + 90, 390, hx + 130, 470), fill=(120, 80, 50))
    for i in range(rng.randint(2, 4)):
        fx = hx + 40 + i * 50
        draw.polygon([(fx, 230), (fx + 20, 150 - rng.randint(0, 40)), (fx + 40, 230)], fill=flame)
    # the fire engine with a ladder and a water jet
    tx = rng.randint(420, 520)
    draw.rectangle((tx, 380, tx + 240, 460), fill=truck, outline=(40, 40, 40), width=3)
    draw.rectangle((tx + 170, 340, tx + 240, 400), fill=truck, outline=(40, 40, 40), width=3)
    draw.line((tx + 20, 380, tx - 60, 250), fill=(200, 200, 200), width=8)
    draw.line((tx - 60, 250, hx + 180, 200), fill=(60, 150, 255), width=6)
    for wx in (tx + 40, tx + 190):
        draw.ellipse((wx - 24, 440, wx + 24, 488), fill=(30, 30, 30))
    return image


def _ensure_notice():
    notice, _created = ConsentNotice.objects.get_or_create(
        version=NOTICE["version"], defaults={"title": NOTICE["title"], "text": NOTICE["text"]}
    )
    return notice


def _ensure_page(home, slug, fields, opens_at, closes_at, *, show_in_menus):
    page = ContestPage.objects.filter(slug=slug, locale=home.locale).first()
    if page is not None:
        return page, False
    page = ContestPage(
        **fields,
        opens_at=opens_at,
        closes_at=closes_at,
        locale=home.locale,
        show_in_menus=show_in_menus,
        search_description="江阴儿童消防绘画作文大赛：征稿、评审与获奖作品展。",
    )
    for order, (name, low, high) in enumerate(AGE_GROUPS):
        page.age_groups.add(AgeGroup(name=name, min_grade=low, max_grade=high, sort_order=order))
    for order, (name, description, weight) in enumerate(CRITERIA):
        page.criteria.add(
            Criterion(name=name, description=description, weight=weight, sort_order=order)
        )
    home.add_child(instance=page)
    page.save_revision().publish()
    return ContestPage.objects.get(pk=page.pk), True


def _ensure_past_contest(home):
    """Last year's contest, results published; the menu links to the open one."""
    year = timezone.localdate().year - 1
    return _ensure_page(
        home,
        SLUG,
        CONTEST,
        datetime(year, 3, 1, 8, 0, tzinfo=TZ),
        datetime(year, 5, 31, 18, 0, tzinfo=TZ),
        show_in_menus=False,
    )


def _ensure_open_contest(home, past):
    """This year's contest, accepting entries when the demo is loaded."""
    today = timezone.localdate()
    fields = dict(OPEN_CONTEST)
    fields["intro"] += f'<p><a linktype="page" id="{past.pk}">看看上一届的获奖作品</a></p>'
    return _ensure_page(
        home,
        OPEN_SLUG,
        fields,
        datetime.combine(today - timedelta(days=OPEN_DAYS_BEFORE), time(8, 0), tzinfo=TZ),
        datetime.combine(today + timedelta(days=OPEN_DAYS_AFTER), time(18, 0), tzinfo=TZ),
        show_in_menus=True,
    )


def _judges():
    User = get_user_model()
    group = ensure_groups()[JUDGES]
    judges = []
    for username in ("judge-zhou", "judge-qian", "judge-sun"):
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "first_name": username[6:]}
        )
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(group)
        judges.append(User.objects.get(pk=user.pk))  # fresh permission cache
    return judges


def _make_entries(contest, notice, plan, *, seed=119):
    """The planned entries, submitted between the contest's opening and now."""
    groups = list(contest.age_groups.all())
    rng = random.Random(seed)
    start = contest.opens_at
    now = timezone.now()
    days = max(0, min((now - start).days - 1, 85))
    entries = []
    n = 0
    for status, drawings, essays in plan:
        for category, count in (("drawing", drawings), ("essay", essays)):
            for _i in range(count):
                n += 1
                group = groups[n % len(groups)]
                if category == "essay":
                    title, text = ESSAYS[n % len(ESSAYS)]
                else:
                    title, text = DRAWING_TITLES[n % len(DRAWING_TITLES)], ""
                entry = Entry(
                    contest=contest,
                    category=category,
                    age_group=group,
                    title=title,
                    display_name=NAMES[n % len(NAMES)],
                    school=SCHOOLS[n % len(SCHOOLS)],
                    grade=rng.randint(group.min_grade, group.max_grade),
                    guardian_name=f"家长{n:03d}",
                    guardian_phone=f"139{n:08d}",
                    consent_notice=notice,
                    consent_version=notice.version,
                    submitted_at=start
                    + timedelta(days=rng.randint(0, days), hours=rng.randint(0, 10)),
                    consented_at=start,
                    essay_text=text,
                    withdrawal_token_hash=services.hash_token(f"demo-{contest.pk}-{n}"),
                    status=status,
                    moderated_at=None
                    if status == Entry.Status.SUBMITTED
                    else min(start + timedelta(days=90), now),
                    rejection_reason="作品为打印的网络图片，不是本人手绘。"
                    if status == Entry.Status.REJECTED
                    else "",
                )
                entry.consented_at = entry.submitted_at
                if category == "drawing" and status != Entry.Status.WITHDRAWN:
                    picture = draw_picture(n)
                    entry.image_width, entry.image_height = picture.size
                    original = encode(picture)
                    entry.original.save(original.name, original, save=False)
                    if status == Entry.Status.APPROVED:
                        original.seek(0)
                        display, thumbnail = make_renditions(original)
                        entry.display_image.save(display.name, display, save=False)
                        entry.thumbnail.save(thumbnail.name, thumbnail, save=False)
                if status == Entry.Status.WITHDRAWN:
                    entry.withdrawn_at = entry.submitted_at + timedelta(days=3)
                    entry.display_name = entry.essay_text = entry.guardian_name = (
                        entry.guardian_phone
                    ) = ""
                    entry.personal_data_erased_at = entry.withdrawn_at
                entries.append(entry)
    Entry.objects.bulk_create(entries)
    approved = list(
        Entry.objects.filter(contest=contest, status=Entry.Status.APPROVED).order_by("pk")
    )
    duplicate = Entry.objects.filter(contest=contest, status=Entry.Status.DUPLICATE).first()
    if duplicate is not None and approved:
        duplicate.duplicate_of = approved[0]
        duplicate.save(update_fields=["duplicate_of"])
    return approved


def _score_and_award(contest, approved, judges):
    criteria = list(contest.criteria.all())
    rng = random.Random(2024)
    scores = []
    for entry in approved:
        quality = rng.randint(4, 9)
        for judge in judges:
            marks = {str(c.pk): max(0, min(10, quality + rng.randint(-1, 1))) for c in criteria}
            scores.append(
                Score(
                    entry=entry,
                    judge=judge,
                    marks=marks,
                    total=services.weighted_total(criteria, marks),
                )
            )
    Score.objects.bulk_create(scores)
    services.start_judging(contest)
    from .selectors import results

    for group in results(contest):
        for entry, award in zip(group["entries"], AWARDS, strict=False):
            Entry.objects.filter(pk=entry.pk).update(award=award)
    services.publish_results(contest)


def load(stdout=None):
    """Both contests and their entries; returns (past contest, open contest)."""
    home = HomePage.objects.filter(locale=Locale.get_default(), depth=2).first()
    if home is None:
        return None
    ensure_groups()
    with transaction.atomic():
        notice = _ensure_notice()
        past, created = _ensure_past_contest(home)
        if created or not past.entries.exists():
            approved = _make_entries(past, notice, PLAN)
            if past.status == ContestPage.Status.OPEN:
                _score_and_award(past, approved, _judges())
        current, created = _ensure_open_contest(home, past)
        if created or not current.entries.exists():
            _make_entries(current, notice, OPEN_PLAN, seed=120)
    if stdout:
        for contest in (past, current):
            stdout.write(f"contest: {contest.title} with {contest.entries.count()} entries")
    return past, current
