"""Production settings for the page benchmark, on its own SQLite file under var/bench/."""

import os

from config.settings.production import *  # noqa: F403
from config.settings.production import BASE_DIR

BENCH_DIR = BASE_DIR / "var" / "bench"
if not os.environ.get("DATABASE_URL"):
    # Production's SQLite options (WAL, IMMEDIATE, kept connections), its own file.
    DATABASES["default"]["NAME"] = BENCH_DIR / "pages.sqlite3"  # noqa: F405
STATIC_ROOT = BENCH_DIR / "static"
MEDIA_ROOT = BENCH_DIR / "media"
ROOT_URLCONF = "benchmarks.pages_urls"
