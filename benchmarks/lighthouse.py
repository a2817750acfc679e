"""Lighthouse (mobile preset) on the public page types, against the production server.

Bars: performance >= 90; accessibility, best practices and SEO >= 95; on the home and
guide pages at most 350 KB transferred and 60 KB of JavaScript. Exits non-zero when a
page is below a bar, so CI can hold them.

Lighthouse 12 (it runs on Node 20) is installed into var/node/ on first use; Chromium is
Debian's. Usage: .venv/bin/python benchmarks/lighthouse.py [--json var/bench/lighthouse.json]
[--pages home find-booking …] (only those page types; all by default)
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

LIGHTHOUSE_VERSION = "12.8.2"
NODE_DIR = harness.ROOT / "var" / "node"
LIGHTHOUSE = NODE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
BARS = {"performance": 0.90, "accessibility": 0.95, "best-practices": 0.95, "seo": 0.95}
# Pages that carry robots "noindex" on purpose (search results, a private booking page):
# their SEO score leaves out Lighthouse's "is-crawlable" audit, and says so.
NOINDEX = {"search", "confirmation", "find-booking"}
WEIGHT_BARS = {"home": (350_000, 60_000), "guide": (350_000, 60_000)}  # bytes: total, JS
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)

# The page of each type that the audit visits, found in the demo content.
DISCOVER = r"""
import json
from django.apps import apps
from django.test import Client
found = {}
def first_url(label, suffix=""):
    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    page = model.objects.live().filter(locale__language_code="zh-hans").first()
    return page.url + suffix if page else None
found["home"] = "/"
found["home (English)"] = "/en/"
found["guide"] = first_url("education.SafetyGuidePage")
found["camp"] = first_url("education.CampPage")
found["centers"] = first_url("education.ExperienceCenterIndexPage")
found["self-check"] = first_url("education.SelfCheckPage")
found["gallery"] = first_url("contest.ContestPage")
found["campaign"] = first_url("reach.CampaignPage")
found["search"] = "/search/?q=%E7%94%B5%E5%8A%A8%E8%BD%A6"
from django.urls import reverse
found["find-booking"] = reverse("events:find")
from events import selectors, services
from events.links import manage_path
sessions = selectors.upcoming_bookable(limit=1)
if sessions:
    session = sessions[0]
    found["booking"] = reverse("events:book", kwargs={"pk": session.pk})
    booking, _ = services.create_booking(
        session.pk,
        data={
            "organization": "江阴市实验小学（测速）",
            "organization_type": "school",
            "contact_name": "陈老师",
            "phone": "13806161001",
            "email": "",
            "party_size": session.event.party_min,
            "adults": session.event.party_min,
            "group": "",
            "notes": "",
        },
        idempotency_key="lighthouse-audit-booking",
    )
    found["confirmation"] = manage_path(booking, "events:done")
print(json.dumps({k: v for k, v in found.items() if v}))
"""


def ensure_lighthouse():
    if LIGHTHOUSE.exists():
        return
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "npm",
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(NODE_DIR),
            f"lighthouse@{LIGHTHOUSE_VERSION}",
        ],
        check=True,
    )


def category_score(report, name, leave_out=()):
    """The category's weighted mean, as Lighthouse computes it, without ``leave_out``."""
    total = weights = 0
    for ref in report["categories"][name]["auditRefs"]:
        score = report["audits"][ref["id"]].get("score")
        if ref["id"] in leave_out or score is None or not ref["weight"]:
            continue
        total += ref["weight"] * score
        weights += ref["weight"]
    return round(total / weights, 2) if weights else None


def run_lighthouse(url, attempts=5):
    """One Lighthouse report for ``url``.

    Lighthouse sometimes fails to record Chromium's trace ("NO_NAVSTART",
    "Something went wrong with recording the trace"; seen on about one run in ten
    here): that is the tool, not the page, so a failed run is tried again, up to
    ``attempts`` times, before it counts.
    """
    for attempt in range(1, attempts + 1):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            done = subprocess.run(
                [
                    str(LIGHTHOUSE),
                    url,
                    "--quiet",
                    "--form-factor=mobile",
                    "--screenEmulation.mobile",
                    "--only-categories=performance,accessibility,best-practices,seo",
                    f"--chrome-flags={CHROME_FLAGS}",
                    "--output=json",
                    f"--output-path={out.name}",
                ],
                env={**os.environ, "CHROME_PATH": CHROMIUM},
            )
            report = json.loads(Path(out.name).read_text() or "{}")
        if done.returncode == 0 and not report.get("runtimeError"):
            return report
        print(f"Lighthouse run {attempt} of {attempts} failed on {url}", file=sys.stderr)
        time.sleep(2)
    raise RuntimeError(f"Lighthouse failed {attempts} times on {url}")


def audit(url, noindex=False):
    report = run_lighthouse(url)
    scripts = sum(
        item.get("transferSize", 0)
        for item in report["audits"]["network-requests"]["details"]["items"]
        if item.get("resourceType") == "Script"
    )
    return {
        "scores": {
            name: category_score(report, name, ["is-crawlable"])
            if noindex and name == "seo"
            else report["categories"][name]["score"]
            for name in BARS
        },
        "seo_with_noindex": report["categories"]["seo"]["score"],
        "bytes": report["audits"]["total-byte-weight"]["numericValue"],
        "js_bytes": scripts,
        "failing_audits": sorted(
            key
            for key, value in report["audits"].items()
            if value.get("score") == 0 and value.get("scoreDisplayMode") == "binary"
        ),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--pages", nargs="+", metavar="NAME", help="only these page types")
    args = parser.parse_args()
    ensure_lighthouse()
    env = harness.bench_env("lighthouse")
    harness.prepare(env)
    out = subprocess.run(
        [harness.PYTHON, "manage.py", "shell", "-c", DISCOVER],
        cwd=harness.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    pages = json.loads(out.stdout.strip().splitlines()[-1])
    if args.pages:
        unknown = set(args.pages) - set(pages)
        if unknown:
            parser.error(
                f"no such page type: {', '.join(sorted(unknown))} (known: {', '.join(pages)})"
            )
        pages = {name: path for name, path in pages.items() if name in args.pages}
    results, failures = {}, []
    # benchmarks/media_wsgi.py serves the uploads, as the front web server does.
    with harness.serve(
        env, workers=2, threads=2, port=8112, app="benchmarks.media_wsgi:application"
    ) as (base, _):
        for name, path in pages.items():
            result = results[name] = {"path": path, **audit(base + path, name in NOINDEX)}
            scores = result["scores"]
            line = " ".join(f"{k}={round(v * 100)}" for k, v in scores.items())
            print(
                f"{name:10} {path:45} {line} {result['bytes'] / 1000:.0f} KB "
                f"(JS {result['js_bytes'] / 1000:.0f} KB)"
                + (" [noindex: is-crawlable left out]" if name in NOINDEX else "")
            )
            failures += [
                f"{name}: {k} {round(v * 100)} < {round(BARS[k] * 100)}"
                for k, v in scores.items()
                if v < BARS[k]
            ]
            if name in WEIGHT_BARS:
                total, js = WEIGHT_BARS[name]
                if result["bytes"] > total or result["js_bytes"] > js:
                    failures.append(f"{name}: {result['bytes']} bytes ({result['js_bytes']} JS)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print("\n".join(["BELOW THE BARS:", *failures]) if failures else "all pages meet the bars")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
