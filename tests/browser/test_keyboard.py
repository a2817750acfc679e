"""Every public journey with the keyboard alone, and every page type at 200 % zoom.

A journey opens one address, as a visitor typing it would, and from then on only
presses keys: Tab and Shift+Tab to move, Enter to follow and submit, Space to tick,
the arrow keys to choose. At every stop the focus indicator must be visible (see
focus_visible.js). The one exception is a file input, which opens the system's file
dialog, a window outside the page: the file is set directly, as the dialog would.
"""

from datetime import timedelta

import pytest

from tests.browser.conftest import (
    assert_focus_visible,
    in_process_tasks,
    make_booking,
    public_pages,
    resident_site,
)

pytestmark = pytest.mark.django_db(transaction=True)

# The controls of a page's own forms (the header's search link is not a form).
FORM_CONTROLS = "main form :is(input:not([type=hidden]), select, textarea, button)"


def _tab_to(page, selector, *, key="Tab", limit=100):
    """Press Tab (or Shift+Tab) until the focused element matches a CSS selector.

    Every element passed on the way must show its focus too.
    """
    for _ in range(limit):
        page.keyboard.press(key)
        assert_focus_visible(page)
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    pytest.fail(f"{key} never reached {selector} on {page.url}")


def _open_the_menu(page):
    """Below tablet width the sections sit behind the menu button: Tab to it, Enter opens it.

    Where the sections show as a row there is no button to open, and nothing to do.
    """
    if not page.locator(".nav-menu > summary").is_visible():
        return
    _tab_to(page, ".nav-menu > summary")
    page.keyboard.press("Enter")
    page.wait_for_selector(".nav-menu[open] .nav-menu-list a")


def _follow(page):
    """Press Enter on the focused link or button and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _focused(page, expression="document.activeElement.id"):
    return page.evaluate(expression)


def _type(page, text):
    """Replace what the focused field holds, as a typist would."""
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def _choose(page, label):
    """On the focused <select>, arrow down to the option with this label."""
    selected = "document.activeElement.selectedOptions[0].text.trim()"
    for _ in range(_focused(page, "document.activeElement.options.length")):
        if _focused(page, selected) == label:
            return
        page.keyboard.press("ArrowDown")
    assert _focused(page, selected) == label, f"no option {label!r} in #{_focused(page)}"


@pytest.fixture
def site_home():
    """The site's home page, with its settings and English aliases."""
    from tests.education.factories import make_site

    with in_process_tasks():
        return make_site()


def test_the_first_tab_reaches_the_skip_link_and_enter_moves_focus_to_main(
    any_screen, live_server, site_home
):
    page = any_screen
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert _focused(page, "document.activeElement.className") == "skip-link"
    assert _focused(page, "document.activeElement.innerText.trim()") == "跳到主要内容"
    assert_focus_visible(page)

    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'main'")
    page.keyboard.press("Tab")  # past the header and its menu, into the content
    assert _focused(page, "document.getElementById('main').contains(document.activeElement)")
    assert_focus_visible(page)


def test_the_large_text_switch_works_by_keyboard_and_is_remembered(desktop, live_server, site_home):
    page = desktop
    page.goto(live_server.url + "/")
    # The switch is the page's last control: Shift+Tab from the top wraps round to it.
    _tab_to(page, "a.display-switch", key="Shift+Tab", limit=3)
    assert _focused(page, "document.activeElement.innerText.trim()") == "大字号、高对比度"
    _follow(page)
    assert page.url == live_server.url + "/"
    assert "display-large" in page.locator("html").get_attribute("class")

    _tab_to(page, "a.header-search")
    _follow(page)
    assert page.url == live_server.url + "/search/"
    assert "display-large" in page.locator("html").get_attribute("class")
    _tab_to(page, "#search-q")  # focus stays visible in the high-contrast mode

    _tab_to(page, "a.display-switch")
    assert _focused(page, "document.activeElement.innerText.trim()") == "标准字号"
    _follow(page)
    assert page.url == live_server.url + "/search/"
    assert "display-large" not in (page.locator("html").get_attribute("class") or "")


@pytest.fixture
def resident():
    with in_process_tasks():
        return resident_site()


def test_a_resident_searches_reads_a_guide_and_prints_a_self_check(phone, live_server, resident):
    from education.models import SafetyGuidePage, SelfCheckPage

    guide = SafetyGuidePage.objects.get(slug="e-bike-charging")
    selfcheck = SelfCheckPage.objects.get(locale__language_code="zh-hans")
    page = phone
    page.goto(live_server.url + "/")
    _tab_to(page, "#home-q")
    page.keyboard.type("电动车")
    _follow(page)
    assert "/search/?q=" in page.url
    _tab_to(page, f'.results a[href="{guide.url}"]')
    _follow(page)
    assert page.get_by_role("heading", level=1).inner_text() == guide.title

    _open_the_menu(page)
    _tab_to(page, f'.site-nav a[href="{selfcheck.url}"]')
    _follow(page)
    # Tab enters each question at its first answer, 是. Space takes it; so do the arrow
    # keys, which move to 否 and back. Every question is answered 是, one way or the other.
    for number, _ in enumerate(selfcheck.questions, start=1):
        _tab_to(page, f"input[type=radio][name=q{number}]", limit=1 if number > 1 else 100)
        for key in ("Space",) if number % 2 == 0 else ("ArrowDown", "ArrowUp"):
            page.keyboard.press(key)
            assert_focus_visible(page)
    checked = "[...document.querySelectorAll('.selfcheck-form input:checked')].map(i => i.value)"
    assert page.evaluate(checked) == ["yes"] * len(selfcheck.questions)
    _tab_to(page, ".selfcheck-form button[type=submit]", limit=1)
    _follow(page)
    assert page.url.endswith("#result")
    to_fix = [q.value["question"] for q in selfcheck.questions if q.value["safe_answer"] == "no"]
    assert to_fix and page.locator(".advice .question").all_inner_texts() == to_fix

    page.emulate_media(media="print")
    assert page.locator("#result").is_visible()
    for shell in (".site-header", ".site-footer", "#result .no-print"):
        assert not page.locator(shell).is_visible(), f"{shell} is printed"


@pytest.fixture
def centers(site_home):
    """An index of experience rooms: two open in different districts, one being built."""
    from education.models import ExperienceCenterIndexPage, ExperienceCenterPage
    from tests.education.factories import add_page, district

    with in_process_tasks():
        index = add_page(site_home, ExperienceCenterIndexPage, title="微型消防体验室", slug="rooms")
        for slug, title, status, town in (
            ("hongxing", "红星美凯龙微型消防体验室", "open", "城东街道"),
            ("chengdong", "城东社区消防体验点（建设中）", "building", "城东街道"),
            ("yangshi", "杨市社区消防体验点", "open", "月城镇"),
        ):
            add_page(
                index,
                ExperienceCenterPage,
                title=title,
                slug=slug,
                status=status,
                district=district(town),
                host=title,
                address="江阴市人民东路1号",
            )
    return index


def test_experience_centers_are_filtered_and_opened_by_keyboard(desktop, live_server, centers):
    from django.utils import translation

    from education.models import ExperienceCenterPage

    room = ExperienceCenterPage.objects.get(title="红星美凯龙微型消防体验室")
    with translation.override("zh-hans"):
        open_label = str(ExperienceCenterPage.Status.OPEN.label)
    page = desktop
    page.goto(live_server.url + centers.url)
    _tab_to(page, "#id_status")
    _choose(page, open_label)
    _tab_to(page, "#id_district", limit=1)
    _choose(page, "城东街道")
    _tab_to(page, "form.filters button[type=submit]", limit=1)
    _follow(page)
    assert f"?status=open&district={room.district_id}" in page.url
    assert page.locator(".centers .center h3").all_inner_texts() == [room.title]

    _tab_to(page, f'.centers a[href="{room.url}"]')
    _follow(page)
    assert page.get_by_role("heading", level=1).inner_text() == room.title


def test_a_booker_changes_the_party_size_and_cancels_through_the_manage_link(
    phone, live_server, site_home
):
    from events.links import manage_path
    from events.models import Booking
    from tests.events.factories import SessionFactory

    session = SessionFactory(event__title="消防夏令营", event__children_per_adult=0, capacity=60)
    booking = make_booking(session)
    page = phone
    # The booking form ends on this confirmation (tests/browser/test_accessibility.py
    # walks that far by keyboard); the journey goes on from here.
    page.goto(live_server.url + manage_path(booking, "events:done"))
    _tab_to(page, ".manage-link a")
    _follow(page)
    assert page.url == live_server.url + manage_path(booking)

    size = booking.party_size + 4
    _tab_to(page, "#id_party_size")
    _type(page, str(size))
    _tab_to(page, "form:has(#id_party_size) button[type=submit]")
    _follow(page)
    # The message says what changed: the party size now booked.
    assert page.get_by_role("status").inner_text() == f"修改已保存：预约现为 {size} 人。"
    booking.refresh_from_db()
    assert booking.party_size == size

    _tab_to(page, "#id_confirm")
    page.keyboard.press("Space")
    _tab_to(page, "form:has(#id_confirm) button[type=submit]", limit=1)
    _follow(page)
    assert page.get_by_role("status").inner_text() == "您的预约已取消，名额已释放。"
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


@pytest.fixture
def open_contest(settings, tmp_path, site_home):
    """An open contest whose gallery holds approved drawings and an essay."""
    from media.contest.models import Entry
    from tests.media.contest.factories import make_contest, make_entry, make_notice

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    with in_process_tasks():
        make_notice()
        contest = make_contest(site_home)
        for title in ("消防车来啦", "我家的灭火器"):
            make_entry(contest, status=Entry.Status.APPROVED, title=title)
        make_entry(contest, status=Entry.Status.APPROVED, category="essay", title="楼道不是充电站")
    return contest


def test_a_guardian_submits_an_entry_and_filters_the_gallery(phone, live_server, open_contest):
    from media.contest.models import Entry
    from tests.media.contest.factories import image_bytes

    page = phone
    page.goto(live_server.url + open_contest.url)
    typed = {
        "#id_title": "我会用灭火器",
        "#id_display_name": "小雨",
        "#id_school": "江阴市实验小学",
    }
    for field, text in typed.items():
        _tab_to(page, field)
        page.keyboard.type(text)
    _tab_to(page, "#id_grade", limit=1)
    _choose(page, "小学二年级")
    page.set_input_files(
        "#id_drawing",
        {"name": "drawing.jpg", "mimeType": "image/jpeg", "buffer": image_bytes(size=(400, 300))},
    )
    _tab_to(page, "#id_guardian_name")
    page.keyboard.type("王芳")
    _tab_to(page, "#id_guardian_phone", limit=1)
    page.keyboard.type("139 1234 5678")
    _tab_to(page, "#id_consent", limit=1)
    page.keyboard.press("Space")
    _tab_to(page, "form[enctype] button[type=submit]", limit=1)
    _follow(page)
    assert page.get_by_role("heading", level=1).inner_text() == "谢谢，作品已收到"
    entry = Entry.objects.get(title="我会用灭火器")
    assert (entry.status, entry.grade) == (Entry.Status.SUBMITTED, 2)

    _tab_to(page, f'main a[href="{open_contest.url}"]')
    _follow(page)
    _tab_to(page, "#f-category")
    _choose(page, "作文")
    _tab_to(page, ".gallery-filters button[type=submit]")
    _follow(page)
    assert "category=essay" in page.url
    assert page.locator(".entry-card strong").all_inner_texts() == ["楼道不是充电站"]


def test_every_page_type_at_200_percent_zoom(zoomed_desktop, live_server, demo_site):
    """A 1280 px window zoomed to 200 %: nothing scrolls sideways, the menu and each page's
    form controls are on screen, and the keyboard reaches every one of them, visibly."""
    from django.utils import timezone

    from media.contest.models import ContestPage

    page = zoomed_desktop
    page.goto(live_server.url + "/")
    # 640 CSS pixels wide: the sections sit behind the menu button, which Enter opens.
    assert page.locator(".nav-menu > summary").is_visible(), "the menu is not collapsed"
    _open_the_menu(page)
    sections = ".site-nav :is(.nav-list, .nav-menu-list) a"
    links = page.locator(f"{sections}:visible").count()
    assert links > 5, "the demo menu is missing"
    for _ in range(links):
        _tab_to(page, sections, limit=1)

    problems = []
    for name, path in public_pages():
        problems += _zoomed_problems(page, name, live_server.url + path)
    # The demo contest has closed; reopened, its page carries the entry form too.
    now = timezone.now()
    ContestPage.objects.update(
        status=ContestPage.Status.OPEN,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
    )
    contest = ContestPage.objects.live().filter(locale__language_code="zh-hans").first()
    problems += _zoomed_problems(page, "contest open for entries", live_server.url + contest.url)
    assert not problems, "\n".join(problems)


def _zoomed_problems(page, name, url):
    page.goto(url)
    layout = page.evaluate(
        """(controls) => {
          const width = document.documentElement.clientWidth;
          const off = (el) => {
            const r = el.getBoundingClientRect();
            return r.width === 0 || r.left < -0.5 || r.right > width + 0.5;
          };
          const nav = document.querySelector('.site-nav');
          // The menu's way in: its button where the sections are collapsed, else its links.
          const entry = nav && [...nav.querySelectorAll('.nav-menu > summary, .nav-list a')]
            .find((el) => el.getClientRects().length);
          return {
            sideways: document.documentElement.scrollWidth - window.innerWidth,
            nav: !nav || !entry || off(nav) || off(entry),
            controls: [...document.querySelectorAll(controls)]
              .filter(off).map((el) => el.id || el.name || el.outerHTML.slice(0, 60)),
          };
        }""",
        FORM_CONTROLS,
    )
    problems = []
    if layout["sideways"] > 0:
        problems.append(f"[{name}] scrolls sideways by {layout['sideways']} px: {url}")
    if layout["nav"]:
        problems.append(f"[{name}] the main menu is not on screen: {url}")
    if layout["controls"]:
        problems.append(f"[{name}] form controls off screen: {layout['controls']}")
    try:
        _reach_every_control(page)
    except AssertionError as error:
        problems.append(f"[{name}] {error}")
    return problems


def _reach_every_control(page, limit=80):
    """From the skip link into main, Tab reaches every control of its forms, visibly.

    A group of radio buttons is one stop: Tab enters it, the arrow keys choose.
    """
    wanted = set(
        page.evaluate(
            """(controls) => [...document.querySelectorAll(controls)].map(
              (el, i) => el.dataset.stop = el.type === 'radio' ? el.name : String(i))""",
            FORM_CONTROLS,
        )
    )
    if not wanted:
        return
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link
    page.wait_for_function("document.activeElement.id === 'main'")
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert_focus_visible(page)
        wanted.discard(_focused(page, "document.activeElement.dataset.stop"))
        if not wanted:
            return
    raise AssertionError(f"Tab never reached {len(wanted)} of the form controls on {page.url}")
