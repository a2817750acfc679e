"""The test suite: fast hashing, local mail, tasks run at once through django-q2."""

import os
from urllib.parse import urlsplit, urlunsplit


def redis_url_for_worker(url, worker):
    """The Redis URL of one pytest-xdist process: the given database number plus its index.

    Every test empties the cache it uses, so processes running at once must not share a
    database. The test databases get their own names from pytest-django; worker processes a
    test starts inherit the environment, hence the URL is rewritten before settings read it.
    """
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{database}"))


if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = redis_url_for_worker(
        os.environ["REDIS_URL"], os.environ["PYTEST_XDIST_WORKER"]
    )

from .base import *  # noqa: E402, F403
from .base import BASE_DIR, DATABASES, Q_CLUSTER, storage_settings  # noqa: E402

DEBUG = False
SECRET_KEY = "test-only-key-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The local folders whatever the environment says; tests/core/test_storage_s3.py runs
# the storages on an S3 server of the test run's own (tests/s3server.py).
STORAGES = storage_settings(
    {}, static={"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
)
MEDIA_ROOT = BASE_DIR / "var" / "test-media" / str(os.getpid())
PRIVATE_FILES_ROOT = BASE_DIR / "var" / "test-private" / str(os.getpid())
WAGTAILADMIN_BASE_URL = "http://testserver"
PAGE_CACHE_SECONDS = 0  # tests/config/test_pagecache.py turns it on where it is tested

# Tasks still cross config.tasks and django-q2, but run synchronously in the test
# process; tests/config/test_worker.py proves they reach a real worker too.
Q_CLUSTER = {**Q_CLUSTER, "sync": True}

if "REDIS_URL" not in os.environ:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ratelimit",
        },
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a worker process in a test can open the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}

# Static files straight from the source folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Live-server threads must not keep connections open past their request, or the test
# database cannot be dropped at the end of a PostgreSQL run.
DATABASES["default"]["CONN_MAX_AGE"] = 0
