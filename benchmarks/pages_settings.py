"""Production settings for the page benchmark, on its own SQLite file under var/bench/."""

import os

from config.settings.production import *  # noqa: F403
from config.settings.production import BASE_DIR

BENCH_DIR = BASE_DIR / "var" / "bench"
if not os.environ.get("DATABASE_URL"):
    DATABASES = {  # noqa: F811
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BENCH_DIR / "pages.sqlite3",
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
        }
    }
STATIC_ROOT = BENCH_DIR / "static"
MEDIA_ROOT = BENCH_DIR / "media"
ROOT_URLCONF = "benchmarks.pages_urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
