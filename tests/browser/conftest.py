"""Browser journeys: Debian's Chromium driven by Playwright against a live server.

Chromium cannot be downloaded here, so Playwright launches /usr/bin/chromium. Without
it the journeys are skipped, unless FIREBREAK_REQUIRE_BROWSER=1 (CI), where a missing
browser is a failure. A failing journey leaves a screenshot in var/screenshots/.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
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


@pytest.fixture(params=["phone", "desktop"])
def any_screen(request):
    """The same journey at a phone-sized viewport and on a desktop."""
    return request.getfixturevalue(request.param)


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def assert_accessible(page):
    """axe-core (WCAG 2.0–2.2 A and AA) finds no violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in results.response["violations"]
    ]
    assert not violations, f"accessibility violations on {page.url}:\n" + "\n".join(violations)
