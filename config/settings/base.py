"""Settings shared by every mode, read from environment variables.

Secure by default: `production.py` only adds what a real deployment must supply, and
`dev.py`/`test.py` loosen what a laptop does not need.
"""

import os
from pathlib import Path

import dj_database_url

from config.observability import init_sentry, logging_config
from core.storage import storage_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("FIREBREAK_VAR_DIR", BASE_DIR / "var"))
SITE_DIR = BASE_DIR / "site"


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def outbox_setting(name, default):
    """``OUTBOX_<name>``, or the name from when the outbox was the booking app's
    (``BOOKING_OUTBOX_<name>``), so an existing deployment keeps its tuning."""
    return int(os.environ.get(f"OUTBOX_{name}", os.environ.get(f"BOOKING_OUTBOX_{name}", default)))


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "config.apps.PlatformConfig",
    "media.reach",
    "media.contest",
    "events",
    "education",
    "core",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_q",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "config.metrics.MetricsMiddleware",
    "config.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A cached page is answered here, before everything below (config/pagecache.py).
    "config.pagecache.PublicPageCacheMiddleware",
    "config.faults.DatabaseFaultMiddleware",
    "config.middleware.RejectNullCharactersMiddleware",
    "config.middleware.ReadFormBodyOnceMiddleware",
    # A QR scan's redirect is answered here, before everything below (media/reach/middleware.py).
    "media.reach.middleware.ScanRedirectMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.middleware.AdminContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    }
]

# Database: DATABASE_URL, or SQLite in var/ when unset.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Time limits, so that a database that is down, cut off or locked gives a quick
# "busy, try again" (config/faults.py) instead of hanging every thread.
DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))  # seconds
DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "20000"))
DB_LOCK_TIMEOUT_MS = int(os.environ.get("DB_LOCK_TIMEOUT_MS", "5000"))
# Unacknowledged data on a PostgreSQL connection: after this the kernel drops it.
DB_TCP_USER_TIMEOUT_MS = int(os.environ.get("DB_TCP_USER_TIMEOUT_MS", "10000"))
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {
                "connect_timeout": DB_CONNECT_TIMEOUT,
                "options": (
                    f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS} "
                    f"-c lock_timeout={DB_LOCK_TIMEOUT_MS}"
                ),
                "tcp_user_timeout": DB_TCP_USER_TIMEOUT_MS,
                "keepalives": 1,
                "keepalives_idle": 30,
                "keepalives_interval": 5,
                "keepalives_count": 3,
            }
        )
        INSTALLED_APPS.append("django.contrib.postgres")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # Keep each thread's connection: opening one runs the PRAGMAs below.
            "CONN_MAX_AGE": 60,
        }
    }
# SQLite has one writer at a time. A web process queues its own writing requests
# (config/faults.py, for at most SQLITE_WRITE_QUEUE_SECONDS, then 503 + Retry-After);
# IMMEDIATE write transactions take the write lock at BEGIN, and the busy timeout lets
# writers of other processes (the worker) wait for it, for at most DB_LOCK_TIMEOUT_MS.
SQLITE_WRITE_QUEUE_SECONDS = float(os.environ.get("SQLITE_WRITE_QUEUE_SECONDS", "3"))
# The longest a request may have queued in front of Django (the proxy's X-Request-Start
# stamp) before it is answered 503 + Retry-After instead of served (config/faults.py).
REQUEST_QUEUE_SECONDS = float(os.environ.get("REQUEST_QUEUE_SECONDS", "3"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": DB_LOCK_TIMEOUT_MS / 1000,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                f"PRAGMA foreign_keys=ON; PRAGMA busy_timeout={DB_LOCK_TIMEOUT_MS};"
            ),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and django-q2 broker: Redis when REDIS_URL is set, otherwise a file cache that
# the web and worker processes on one machine share, and django-q2's ORM broker.
# The cache is an accelerator (core/cache.py): down or slow, it acts as an empty cache,
# left alone for CACHE_RETRY_SECONDS after a failure. Short socket timeouts: a Redis
# that is down or stalled costs a request a fraction of a second.
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_CONNECT_TIMEOUT = float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.5"))
REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "0.5"))
# django-q2's broker waits up to 1 s for a task (BLPOP), so its reads need longer.
Q_REDIS_SOCKET_TIMEOUT = float(os.environ.get("Q_REDIS_SOCKET_TIMEOUT", "3"))
CACHE_RETRY_SECONDS = float(os.environ.get("CACHE_RETRY_SECONDS", "5"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "firebreak"),
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
            # Pages, fragments and routes of every page in two languages (default 300).
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Rate limits and the login lockout (core/ratelimit.py) count in their own alias, so a
# page-cache flush or cull never resets them. On Redis a short socket timeout: a slow
# cache must not stall a form (a check that cannot reach the cache lets it through).
if REDIS_URL:
    CACHES["ratelimit"] = {
        **CACHES["default"],
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
else:
    CACHES["ratelimit"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "ratelimit",
        # One small file per address or number and window; culling starts only here.
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }

Q_CLUSTER = {
    "name": os.environ.get("Q_CLUSTER_NAME", "firebreak"),
    "workers": int(os.environ.get("Q_WORKERS", "2")),
    "timeout": 300,
    "retry": 360,
    "max_attempts": 3,
    "queue_limit": 50,
    # Successful runs are saved with one INSERT and pruned by a schedule
    # (config.tasks.prune_task_results keeps TASK_RESULTS_KEPT): django-q2's own pruning
    # reads every kept success on each save.
    "save_limit": 0,
    "catch_up": False,
    "label": "django-q2",
}
if REDIS_URL:
    # redis-py reads connection options from the URL's query string.
    Q_CLUSTER["redis"] = (
        REDIS_URL
        + ("&" if "?" in REDIS_URL else "?")
        + f"socket_connect_timeout={REDIS_CONNECT_TIMEOUT}&socket_timeout={Q_REDIS_SOCKET_TIMEOUT}"
    )
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 0.5

TASK_RESULTS_KEPT = int(os.environ.get("TASK_RESULTS_KEPT", "1000"))

# Django's tasks API (and Wagtail's own background work) goes to django-q2.
TASKS = {"default": {"BACKEND": "config.tasks.DjangoQBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Simplified Chinese first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [SITE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_SITE_NAME = "Firebreak 消防宣传教育平台"
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")  # links in mail and SMS
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = True
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
# No Gravatar: it would send staff email hashes off-site, is unreachable from China and
# is blocked by our own CSP; Wagtail then shows its built-in default avatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "csv", "txt"]

# Files
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [SITE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploads: a public storage ("default") and a private one ("private": contest originals,
# reach imports; no URL). Local folders unless S3_PUBLIC_BUCKET and S3_PRIVATE_BUCKET
# name two buckets on S3 or an S3-compatible server (core/storage.py, docs/deployment.md).
PRIVATE_FILES_ROOT = os.environ.get("PRIVATE_FILES_ROOT", "")
STORAGES = storage_settings(
    os.environ,
    static={"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
)
# Documents go through Wagtail's view (privacy of collections checked), also on S3,
# where Wagtail would otherwise redirect to the object's public URL.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Mail and SMS
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Firebreak <noreply@firebreak.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL
SMS_BACKEND = os.environ.get("SMS_BACKEND", "core.sms.LogSMSBackend")
# A send that hangs must end well inside the outbox's lease (below).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))

# The outbox of every message (core/outbox/sending.py): how long a sender's claim keeps
# others off (renewed before each send, so longer than one send takes), how old an
# unsent, unclaimed row must be before the sweeper queues it again, and the sends tried
# before a row is left for staff (outbox_setting: the old BOOKING_OUTBOX_… names are
# still read).
OUTBOX_LEASE_SECONDS = outbox_setting("LEASE_SECONDS", "60")
OUTBOX_RETRY_AFTER_SECONDS = outbox_setting("RETRY_AFTER_SECONDS", "60")
OUTBOX_MAX_ATTEMPTS = outbox_setting("MAX_ATTEMPTS", "5")

# Security: secure defaults; dev.py relaxes the transport-only ones.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
# Wagtail's admin uses inline styles and scripts; its pages get a looser policy
# (see config.middleware), the public site keeps the strict one above.
ADMIN_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

# Proxies in front of the web process that append to X-Forwarded-For (core/clients.py):
# 0 trusts only the peer's address; the nginx + CDN deployment sets 2.
TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))

CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

LOGIN_URL = "wagtailadmin_login"
AUTHENTICATION_BACKENDS = ["config.auth.ThrottledModelBackend"]
WAGTAILADMIN_USER_LOGIN_FORM = "config.auth.ThrottledLoginForm"
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "900"))

# Logs: "plain" for a terminal, "json" (one object a line) for a log shipper; every
# line carries the request id (config/observability.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
LOGGING = logging_config(LOG_FORMAT, os.environ.get("LOG_LEVEL", "INFO"))

# Operators: Prometheus metrics at /metrics/ (off unless a token is set) and optional
# error reports to a Sentry-compatible service.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
init_sentry(
    SENTRY_DSN,
    environment=os.environ.get("SENTRY_ENVIRONMENT", ""),
    traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
)

# Platform
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# How long a web process answers cached pages from the generations it read last before
# asking the shared cache again: how late another process's change may show (its own
# show at once). 0 asks on every request (core/freshness.py, config/pagecache.py).
PAGE_CACHE_RECHECK_SECONDS = float(os.environ.get("PAGE_CACHE_RECHECK_SECONDS", "1"))
# How many bytes of hot pages each web process keeps in memory beside the shared cache.
PAGE_CACHE_LOCAL_BYTES = int(os.environ.get("PAGE_CACHE_LOCAL_BYTES", str(16 * 1024 * 1024)))
# Parts of pages that do not depend on the visitor ({% fragment %} in site_tags): reused
# until the public generation changes, and never longer than this. 0 turns them off.
FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "300"))
HEALTH_WORKER_MAX_AGE_SECONDS = int(os.environ.get("HEALTH_WORKER_MAX_AGE_SECONDS", "180"))
# Daily backups by the worker (config/backups.py): where, and how many to keep.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))
BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", "7"))

# Children's contest (media/contest): unmoderated originals are kept in the private
# storage and served to contest staff only, through a permission-checked view.
CONTEST_MAX_UPLOAD_BYTES = 8 * 1024 * 1024
CONTEST_MAX_IMAGE_PIXELS = 30_000_000
CONTEST_MAX_DOCUMENT_BYTES = 2 * 1024 * 1024

# Booking (events/)
BOOKING_REMINDER_HOURS = int(os.environ.get("BOOKING_REMINDER_HOURS", "24"))
# Contact details of a booking are erased this many days after its session
# (events/retention.py); the booking's counts stay for reach and yearly figures.
BOOKING_RETENTION_DAYS = int(os.environ.get("BOOKING_RETENTION_DAYS", "180"))
# Public booking form: attempts per client address and per mobile number per hour.
BOOKING_RATE_LIMIT_PER_IP = int(os.environ.get("BOOKING_RATE_LIMIT_PER_IP", "20"))
BOOKING_RATE_LIMIT_PER_PHONE = int(os.environ.get("BOOKING_RATE_LIMIT_PER_PHONE", "5"))

# Content (education): Chinese-aware search for every indexed model and the admin;
# an optional map tile source for the experience-center map (none: list only).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "education.search.backend"}}
FIREBREAK_MAP_TILES = os.environ.get("FIREBREAK_MAP_TILES", "")
WAGTAILIMAGES_IMAGE_FORM_BASE = "education.image_forms.AltTextRequiredImageForm"
# Wagtail looks rendition URLs up in this cache on every image tag; an in-process
# cache avoids a shared-cache round trip (or a file write) per image per request.
CACHES["renditions"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "TIMEOUT": 600,
    "OPTIONS": {"MAX_ENTRIES": 5000},
}
