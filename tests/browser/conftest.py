"""Browser journeys: Debian's Chromium driven by Playwright against a live server.

Chromium cannot be downloaded here, so Playwright launches /usr/bin/chromium. Without
it the journeys are skipped, unless FIREBREAK_REQUIRE_BROWSER=1 (CI), where a missing
browser is a failure. A failing journey leaves a screenshot in var/screenshots/.
"""

import io
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
FOCUS_PROBLEM = (Path(__file__).parent / "focus_visible.js").read_text(encoding="utf-8")
PHONE = {
    "viewport": {"width": 375, "height": 667},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50 NetType/WIFI Language/zh_CN"
    ),
    "locale": "zh-CN",
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}
# A 1280 × 900 desktop window zoomed to 200 %: the page lays out in half the CSS pixels.
ZOOMED_DESKTOP = {
    "viewport": {"width": 640, "height": 450},
    "device_scale_factor": 2,
    "locale": "zh-CN",
}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def browser(monkeypatch):
    """A fresh Chromium per journey: Playwright's event loop lives only as long as it."""
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium fonts-wqy-microhei"
        if os.environ.get("FIREBREAK_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls a journey
    # makes between its steps are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def _page(browser, request, options):
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    context.close()


@pytest.fixture
def phone(browser, request):
    yield from _page(browser, request, PHONE)


@pytest.fixture
def desktop(browser, request):
    yield from _page(browser, request, DESKTOP)


@pytest.fixture
def zoomed_desktop(browser, request):
    yield from _page(browser, request, ZOOMED_DESKTOP)


@pytest.fixture(params=["phone", "desktop"])
def any_screen(request):
    """The same journey at a phone-sized viewport and on a desktop."""
    return request.getfixturevalue(request.param)


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def assert_accessible(page):
    """axe-core (WCAG 2.0–2.2 A and AA) finds no violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    # A message still fading in (Wagtail's "saved" banner) would be measured half-drawn:
    # jump every finite animation and transition to its end first. Waiting for them to
    # end instead could wait for minutes: an animation the page holds paused, or one
    # Chromium stops ticking for a page it thinks unseen, never finishes by itself.
    page.evaluate(
        """() => {
            for (const a of document.getAnimations()) {
                const timing = a.effect && a.effect.getComputedTiming();
                if (timing && timing.endTime !== Infinity) {
                    try { a.finish(); } catch (e) { /* a zero playback rate */ }
                }
            }
        }"""
    )
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in results.response["violations"]
    ]
    assert not violations, f"accessibility violations on {page.url}:\n" + "\n".join(violations)


def assert_focus_visible(page):
    """The focused element shows a focus indicator a sighted keyboard user can see.

    See focus_visible.js: on screen and uncovered, an outline (or box shadow) that no
    scrolling ancestor cuts off, in at least 3:1 contrast with what it is drawn on.
    """
    problem = page.evaluate(FOCUS_PROBLEM)
    assert problem is None, f"on {page.url}: {problem}"


def in_process_tasks():
    """Run the tasks of a journey's setup in this process, not through django-q2.

    Wagtail hands every page save to the task backend (search and reference index), and
    each such task costs a django-q2 round trip: setting content up this way makes the
    same pages and search index in a fifth of the time. Journeys themselves still run
    with the real backend.
    """
    backend = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    return override_settings(TASKS=backend)


@pytest.fixture
def demo_site(settings, tmp_path):
    """The demo content (every public page type), as `make run` shows it."""
    from tests.education.factories import ensure_tree_roots

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    ensure_tree_roots()  # an earlier transactional test emptied the database
    with in_process_tasks():
        call_command("demo", "--no-admin", stdout=io.StringIO())


SELF_CHECK_QUESTIONS = [
    ("你会在楼道里给电动车充电吗？", "no", "请到小区集中充电点充电。"),
    ("家里装了烟雾报警器吗？", "yes", "在卧室外的走廊装一个烟感报警器。"),
]


def resident_site():
    """A home page, the e-bike charging guide, and the home self-check in the menu."""
    from education.models import SafetyGuideIndexPage, SafetyGuidePage, SelfCheckPage
    from tests.education.factories import add_page, make_site

    home = make_site()
    index = add_page(home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
    guide = add_page(
        index,
        SafetyGuidePage,
        title="预防电动车火灾：安全充电八件事",
        slug="e-bike-charging",
        summary="电动自行车起火大多发生在夜间充电时。",
        body=[{"type": "text", "value": "<p>不要把电池拎回家里充电。</p>"}],
    )
    questions = [
        {"type": "question", "value": {"question": q, "safe_answer": s, "advice": a}}
        for q, s, a in SELF_CHECK_QUESTIONS
    ]
    # The e-bike question has a "does not apply" answer and links to its guide.
    questions[0]["value"].update(not_applicable="我家没有电动车", guide=guide.pk)
    add_page(
        home,
        SelfCheckPage,
        title="家庭防火自查",
        slug="self-check",
        show_in_menus=True,
        questions=questions,
    )
    return home


def page_url(label, slug=None):
    """The URL of the first live Chinese page of a model ("app.Model"), optionally by slug."""
    from django.apps import apps

    pages = apps.get_model(label).objects.live().filter(locale__language_code="zh-hans")
    if slug:
        pages = pages.filter(slug=slug)
    page = pages.first()
    assert page is not None, f"the demo content has no {label} {slug or ''}"
    return page.url


def make_booking(session, organization="江阴市实验小学"):
    """A booking of the smallest party the session's event allows."""
    from events import services

    size = session.event.party_min
    booking, _ = services.create_booking(
        session.pk,
        data={
            "organization": organization,
            "organization_type": "school",
            "contact_name": "陈老师",
            "phone": "13806161001",
            "email": "chen@example.cn",
            "party_size": size,
            "adults": size,
            "group": "",
            "notes": "",
        },
    )
    return booking


def public_pages():
    """(name, path) of every public page type in the demo content."""
    from events import selectors
    from events.links import manage_path

    session = selectors.upcoming_bookable(limit=1)[0]
    booking = make_booking(session)
    centers = page_url("education.ExperienceCenterIndexPage")
    selfcheck = page_url("education.SelfCheckPage")
    return [
        ("home", "/"),
        ("home (English)", "/en/"),
        ("theme park", page_url("education.ThemeParkPage")),
        ("centers", centers),
        ("centers filtered", centers + "?status=open"),
        ("centers bad filter", centers + "?status=nonsense&district=%3Cb%3E"),
        ("center", page_url("education.ExperienceCenterPage")),
        ("camp", page_url("education.CampPage")),
        ("guides", page_url("education.SafetyGuideIndexPage")),
        ("guide", page_url("education.SafetyGuidePage")),
        ("news", page_url("education.NewsIndexPage")),
        ("news item", page_url("education.NewsPage")),
        ("about", page_url("education.StandardPage", "about")),
        ("privacy", page_url("education.StandardPage", "privacy")),
        ("accessibility", page_url("education.StandardPage", "accessibility")),
        ("self-check", selfcheck),
        ("self-check error", selfcheck + "?check=1&q1=maybe"),
        ("search results", "/search/?q=%E7%94%B5%E5%8A%A8%E8%BD%A6"),
        ("search nothing", "/search/?q=zzzqqqxxx"),
        ("sessions", "/booking/"),
        ("calendar", "/booking/calendar/"),
        ("booking form", f"/booking/session/{session.pk}/"),
        ("confirmation", manage_path(booking, "events:done")),
        ("manage booking", manage_path(booking)),
        ("contest", page_url("contest.ContestPage")),
        ("campaigns", page_url("reach.CampaignIndexPage")),
        ("campaign", page_url("reach.CampaignPage")),
        ("not found", "/no-such-page/"),
    ]
