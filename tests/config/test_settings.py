"""Settings follow DATABASE_URL and REDIS_URL: checked in a fresh interpreter each time."""

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'name': str(s.DATABASES['default']['NAME']), "
    "'options': s.DATABASES['default'].get('OPTIONS', {}), "
    "'cache': s.CACHES['default']['BACKEND'], "
    "'q_redis': s.Q_CLUSTER.get('redis'), 'q_orm': s.Q_CLUSTER.get('orm'), "
    "'tasks': s.TASKS['default']['BACKEND']}))"
)


def probe(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings.dev")
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=clean,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_no_database_url_means_sqlite_in_var_with_immediate_transactions():
    found = probe()
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"].endswith("var/db.sqlite3")
    assert found["options"]["transaction_mode"] == "IMMEDIATE"
    assert found["options"]["timeout"] >= 5
    assert found["q_orm"] == "default" and found["q_redis"] is None
    assert found["cache"] != "django.core.cache.backends.redis.RedisCache"
    assert found["tasks"] == "config.tasks.DjangoQBackend"


def test_database_url_selects_postgresql():
    found = probe(DATABASE_URL="postgres://someone@127.0.0.1:5432/firebreak_probe")
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["name"] == "firebreak_probe"


def test_redis_url_selects_redis_broker_and_cache():
    found = probe(REDIS_URL="redis://127.0.0.1:6379/3")
    assert found["cache"] == "core.cache.RedisCache"  # Django's, failing as a miss
    # Short socket timeouts, in the query string redis-py reads them from.
    assert found["q_redis"] == (
        "redis://127.0.0.1:6379/3?socket_connect_timeout=0.5&socket_timeout=3.0"
    )
    assert found["q_orm"] is None


def test_production_settings_pass_check_deploy():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x" * 24 + "-a-long-random-production-secret-key-value",
        ALLOWED_HOSTS="fire.example.cn",
        SMS_BACKEND="core.sms.LogSMSBackend",
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", ALLOWED_HOSTS="a.cn")
    out = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert out.returncode != 0
    assert "SECRET_KEY" in out.stderr


def test_each_test_process_gets_its_own_redis_database():
    """make test runs the suite in several processes; each empties its cache per test."""
    from config.settings.test import redis_url_for_worker

    assert redis_url_for_worker("redis://127.0.0.1:6379/5", "gw0") == "redis://127.0.0.1:6379/5"
    assert redis_url_for_worker("redis://127.0.0.1:6379/5", "gw1") == "redis://127.0.0.1:6379/6"
    assert redis_url_for_worker("redis://h:1/", "gw2") == "redis://h:1/2"
    if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("REDIS_URL"):
        assert settings.CACHES["default"]["LOCATION"] == os.environ["REDIS_URL"]


def test_the_outbox_tuning_reads_its_name_and_the_name_from_before_the_move(monkeypatch):
    from config.settings.base import outbox_setting

    for name in ("OUTBOX_LEASE_SECONDS", "BOOKING_OUTBOX_LEASE_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    assert outbox_setting("LEASE_SECONDS", "60") == 60
    monkeypatch.setenv("BOOKING_OUTBOX_LEASE_SECONDS", "90")
    assert outbox_setting("LEASE_SECONDS", "60") == 90
    monkeypatch.setenv("OUTBOX_LEASE_SECONDS", "30")
    assert outbox_setting("LEASE_SECONDS", "60") == 30
