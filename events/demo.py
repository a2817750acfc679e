"""Demo bookings: the summer camp's ten batches, experience-room visits, school talks,
company drills, and a few bookings in every state. Idempotent: an event that already
has sessions is left as it is."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from wagtail.models import Locale, Page

from . import demo_english, services
from .models import Booking, Event, OrganizationType, Session
from .permissions import ensure_booking_staff_group

S = Booking.Status


def _page(path):
    """The Chinese page at ``home/<path>``, or None when the content is not there."""
    try:
        zh = Locale.get_default()
    except Locale.DoesNotExist:
        return None
    page = Page.objects.filter(depth=2, locale=zh).first()
    for slug in path.split("/"):
        if page is None:
            return None
        page = page.get_children().filter(slug=slug).first()
    return page


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _next_weekday(start, weekday):
    """The first ``weekday`` (Monday is 0) after ``start``, never ``start`` itself."""
    return start + timedelta(days=(weekday - start.weekday()) % 7 or 7)


def _last_weekday(start, weekday):
    """The latest ``weekday`` before ``start``, never ``start`` itself."""
    return start - timedelta(days=(start.weekday() - weekday) % 7 or 7)


def _booking(session, status, organization, org_type, size, contact, phone, **extra):
    booking = Booking.objects.create(
        session=session,
        status=status,
        organization=organization,
        organization_type=org_type,
        contact_name=contact,
        phone=phone,
        party_size=size,
        privacy_consent_at=timezone.now(),
        **extra,
    )
    # Demo rows are written past the services: count the session's places again.
    services.recount(session.pk)
    return booking


def _event(title, page_path, **fields):
    event, _ = Event.objects.get_or_create(title=title, defaults=fields)
    page = _page(page_path) if page_path else None
    if page is not None and event.page_id is None:
        event.page = page
        event.save(update_fields=["page"])
    return event, not event.sessions.exists()


def _camp(today):
    event, fresh = _event(
        "消防夏令营",
        "summer-camp",
        kind=Event.Kind.CAMP_BATCH,
        audience=Event.Audience.SCHOOLS,
        summary=(
            "与团市委联合举办，每期一天，在消防教育馆学习火场逃生、灭火器使用和急救常识，"
            "参观消防车并体验消防员日常训练。以学校为单位报名，由带队老师陪同。"
        ),
        party_min=5,
        party_max=60,
        children_per_adult=10,
        opens_days_before=300,
        lead_time_hours=72,
        cancel_hours=72,
    )
    if not fresh:
        return 0
    # The first two full weeks of next July.
    july = today.replace(year=today.year if today.month < 6 else today.year + 1, month=7, day=1)
    start = _next_weekday(july - timedelta(days=1), 0)
    sessions = []
    for batch in range(10):
        day = start + timedelta(days=batch + 2 * (batch // 5))  # two weeks, Mon–Fri
        sessions.append(
            Session.objects.create(
                event=event,
                starts_at=_at(day, 8, 30),
                ends_at=_at(day, 16, 0),
                venue="江阴市消防教育馆",
                capacity=60,
                note=f"第{batch + 1}期",
            )
        )
    first, second, third = sessions[:3]
    _booking(
        first,
        S.CONFIRMED,
        "江阴市实验小学",
        OrganizationType.SCHOOL,
        44,
        "陈老师",
        "13806161001",
        adults=4,
        group="四至五年级",
    )
    _booking(
        first,
        S.CONFIRMED,
        "江阴市华士实验小学",
        OrganizationType.SCHOOL,
        16,
        "周老师",
        "13806161002",
        adults=2,
        group="五年级",
    )
    _booking(
        first,
        S.WAITLISTED,
        "江阴市城中实验小学",
        OrganizationType.SCHOOL,
        22,
        "吴老师",
        "13806161003",
        adults=2,
        group="四年级",
    )
    _booking(
        second,
        S.CONFIRMED,
        "高新区实验小学",
        OrganizationType.SCHOOL,
        33,
        "刘老师",
        "13806161004",
        adults=3,
        group="三年级",
    )
    _booking(
        second,
        S.CANCELLED,
        "江阴市澄南小学",
        OrganizationType.SCHOOL,
        20,
        "孙老师",
        "13806161005",
        adults=2,
        status_reason="学校调整暑期安排",
    )
    _booking(
        third,
        S.CONFIRMED,
        "江阴市长泾实验小学",
        OrganizationType.SCHOOL,
        25,
        "钱老师",
        "13806161006",
        adults=3,
        group="六年级",
    )
    return len(sessions)


def _rooms(today):
    created = 0
    # Each room's days, hours and size are those its centre page gives
    # (education/demo_content/centers.py), and its sessions keep to them:
    # (open days, opens, closes, session start times, room capacity).
    rooms = [
        (
            "红星美凯龙微型消防体验室参观",
            "experience-centers/hongxing-meikailong",
            "红星美凯龙江阴商场 微型消防体验室",
            ("67", (10, 0), (16, 0), ((10, 0), (14, 0)), 20),  # 周六、周日 10:00–16:00
        ),
        (
            "杨市社区微型消防体验室参观",
            "experience-centers/yangshi-community",
            "杨市社区 微型消防体验室",
            ("2345", (9, 0), (16, 30), ((9, 30), (14, 30)), 15),  # 周二至周五 9:00–16:30
        ),
    ]
    for title, path, venue, (days, opens, closes, starts, capacity) in rooms:
        event, fresh = _event(
            title,
            path,
            kind=Event.Kind.EXPERIENCE_VISIT,
            audience=Event.Audience.ALL,
            summary=(
                "在体验室里练习拨打119报警、使用灭火器、烟雾中弯腰逃生，讲解员全程指导。"
                "适合社区居民、商户员工和中小学生团体。"
            ),
            party_min=3,
            party_max=capacity,
            children_per_adult=5,
            opens_days_before=30,
            lead_time_hours=24,
            cancel_hours=12,
            # Online changes close the day before at 17:00, while the hotline still answers.
            online_close_days_before=1,
            online_close_time=time(17, 0),
            room_capacity=capacity,
            open_days=days,
            opens_at=time(*opens),
            closes_at=time(*closes),
        )
        if not fresh:
            continue
        for week in range(3):
            # Python counts Monday as 0, the open days as ISO 1–7; one visit day a week
            # for each two open days.
            for weekday in [int(day) - 1 for day in days[::2]]:
                day = _next_weekday(today, weekday) + timedelta(days=7 * week)
                for hour, minute in starts:
                    Session.objects.create(
                        event=event,
                        starts_at=_at(day, hour, minute),
                        ends_at=_at(day, hour, minute) + timedelta(minutes=90),
                        venue=venue,
                        capacity=capacity,
                    )
                    created += 1
        if path.endswith("hongxing-meikailong"):
            # A visit last week, already checked in: it feeds the reach tallies.
            # Last Saturday: on a Saturday, a week ago (today's visit has not happened).
            past_day = _last_weekday(today, 5)
            past = Session.objects.create(
                event=event,
                starts_at=_at(past_day, 14),
                ends_at=_at(past_day, 15, 30),
                venue=venue,
                capacity=20,
            )
            _booking(
                past,
                S.ATTENDED,
                "美嘉城商户联合会",
                OrganizationType.COMPANY,
                12,
                "赵经理",
                "13906162001",
                attended_count=11,
                checked_in_at=past.starts_at,
            )
            _booking(
                past,
                S.NO_SHOW,
                "澄江街道某社区居委会",
                OrganizationType.COMMUNITY,
                6,
                "黄主任",
                "13906162002",
                attended_count=0,
            )
            created += 1
            upcoming = (
                event.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()
            )
            _booking(
                upcoming,
                S.CONFIRMED,
                "江阴市青少年活动中心",
                OrganizationType.OTHER,
                15,
                "林老师",
                "13906162003",
                adults=3,
                group="8–10岁",
            )
    return created


def _family_visits(today):
    """Sunday family visits to the mall's room: no organization, a family or two at a time."""
    event, fresh = _event(
        "红星美凯龙体验室 家庭开放日",
        "experience-centers/hongxing-meikailong",
        kind=Event.Kind.FAMILY_VISIT,
        audience=Event.Audience.ALL,
        summary="周日家庭专场：家长带孩子一起练习拨打119、使用灭火器和烟雾中逃生，不需要单位，每户最多6人。",
        party_min=1,
        party_max=6,
        children_per_adult=3,
        opens_days_before=30,
        lead_time_hours=24,
        cancel_hours=12,
        online_close_days_before=1,
        online_close_time=time(17, 0),
        room_capacity=20,
        open_days="67",
        opens_at=time(10, 0),
        closes_at=time(16, 0),
    )
    if not fresh:
        return 0
    created = 0
    for week in range(3):
        day = _next_weekday(today, 6) + timedelta(days=7 * week)
        for hour in (10, 14):
            Session.objects.create(
                event=event,
                starts_at=_at(day, hour),
                ends_at=_at(day, hour, 0) + timedelta(minutes=90),
                venue="红星美凯龙江阴商场 微型消防体验室",
                capacity=20,
            )
            created += 1
    return created


def _next_term_start(today):
    """The first day of the next school term: 1 September or 1 March, whichever comes first."""
    starts = [today.replace(month=9, day=1), today.replace(month=3, day=1)]
    starts += [day.replace(year=day.year + 1) for day in starts]
    return min(day for day in starts if day > today)


def _tours(today):
    """Group tours of the theme park: its page says groups book a guide."""
    event, fresh = _event(
        "消防主题公园团体讲解参观",
        "theme-park",
        kind=Event.Kind.GUIDED_TOUR,
        audience=Event.Audience.ALL,
        summary="讲解员带团体走完各主题区，认识消防车和消火栓，体验烟雾逃生通道，约一小时。",
        party_min=10,
        party_max=40,
        children_per_adult=10,
        opens_days_before=30,
        lead_time_hours=24,
        cancel_hours=24,
        online_close_days_before=1,
        online_close_time=time(17, 0),
    )
    if not fresh:
        return 0
    created = 0
    for week in range(3):
        for weekday in (1, 3):  # Tuesdays and Thursdays, when guides are on duty
            day = _next_weekday(today, weekday) + timedelta(days=7 * week)
            Session.objects.create(
                event=event,
                starts_at=_at(day, 9, 30),
                ends_at=_at(day, 10, 30),
                venue="五星公园消防主题公园 南门集合",
                capacity=40,
            )
            created += 1
    return created


def _talks_and_drills(today):
    created = 0
    talk, fresh = _event(
        "消防安全“开学第一课”进校园",
        "",
        kind=Event.Kind.SCHOOL_TALK,
        audience=Event.Audience.SCHOOLS,
        summary="消防宣传员到学校上一堂消防安全课，讲火场逃生、家庭用电和电动车充电安全。由学校预约，工作人员确认时间后上门。",
        party_min=30,
        party_max=600,
        opens_days_before=120,
        lead_time_hours=120,
        cancel_hours=72,
        requires_approval=True,
        bookings_per_organization=1,
    )
    if fresh:
        term = _next_term_start(today)
        for offset in (0, 7, 14):
            day = _next_weekday(term + timedelta(days=offset - 1), 2)
            session = Session.objects.create(
                event=talk,
                starts_at=_at(day, 9),
                ends_at=_at(day, 10),
                venue="预约学校（上门授课）",
                capacity=600,
            )
            created += 1
            if offset == 0:
                _booking(
                    session,
                    S.PENDING,
                    "江阴中等专业学校",
                    OrganizationType.SCHOOL,
                    320,
                    "蒋老师",
                    "13706163001",
                    adults=12,
                    group="一年级新生",
                )
                _booking(
                    session,
                    S.REJECTED,
                    "某培训机构",
                    OrganizationType.OTHER,
                    40,
                    "许先生",
                    "13706163002",
                    status_reason="本课程面向中小学和职业学校",
                )
    drill, fresh = _event(
        "企业消防演练与培训",
        "theme-park",
        kind=Event.Kind.COMPANY_DRILL,
        audience=Event.Audience.COMPANIES,
        summary="为企业员工组织疏散演练、灭火器实操和消防控制室值班培训，在消防主题公园或企业现场进行。",
        party_min=10,
        party_max=50,
        opens_days_before=60,
        lead_time_hours=72,
        cancel_hours=48,
        requires_approval=True,
    )
    if fresh:
        for offset in (8, 15):
            day = _next_weekday(today + timedelta(days=offset), 3)
            session = Session.objects.create(
                event=drill,
                starts_at=_at(day, 14),
                ends_at=_at(day, 16, 30),
                venue="五星公园消防主题公园 培训室",
                capacity=50,
            )
            created += 1
            if offset == 8:
                _booking(
                    session,
                    S.CONFIRMED,
                    "江阴某纺织有限公司",
                    OrganizationType.COMPANY,
                    30,
                    "邵主管",
                    "13606164001",
                )
                _booking(
                    session,
                    S.PENDING,
                    "江阴港某物流公司",
                    OrganizationType.COMPANY,
                    18,
                    "顾经理",
                    "13606164002",
                )
    return created


def load(stdout=None):
    ensure_booking_staff_group()
    today = timezone.localdate()
    created = (
        _camp(today)
        + _rooms(today)
        + _family_visits(today)
        + _tours(today)
        + _talks_and_drills(today)
    )
    demo_english.load()
    if stdout is not None:
        stdout.write(f"Booking: {created} new sessions")
