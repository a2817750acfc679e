import threading
import time
from datetime import timedelta

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.test import Client, override_settings
from django.urls import path
from django.utils import timezone
from django_q.models import Task

from config import health

pytestmark = pytest.mark.django_db


def record_heartbeat(age):
    stopped = timezone.now() - age
    Task.objects.create(
        id=Task.objects.count() + 1,
        name=f"hb-{age}",
        func=health.HEARTBEAT_FUNC,
        started=stopped,
        stopped=stopped,
        success=True,
    )


def test_healthy_when_worker_was_seen_recently(client):
    record_heartbeat(timedelta(seconds=30))
    response = client.get("/health/")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["migrations"]["unapplied"] == 0


def test_unhealthy_when_the_worker_is_silent(client):
    record_heartbeat(timedelta(minutes=30))
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False


def test_unhealthy_when_the_database_is_down(client, monkeypatch):
    record_heartbeat(timedelta(seconds=5))

    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    # The real check runs; only the connection under it fails.
    monkeypatch.setattr(connections[DEFAULT_DB_ALIAS], "cursor", refused)
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}


def test_a_broken_cache_is_reported_as_degraded_not_as_a_dead_node(client, monkeypatch):
    record_heartbeat(timedelta(seconds=5))
    monkeypatch.setattr(health.cache, "get", lambda key: None)
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"] == {"ok": False, "error": "unavailable"}
    assert body["checks"]["database"]["ok"] is True


class NetworkCache(LocMemCache):
    """An in-memory cache with a round trip's pause per call, as Redis has."""

    def get(self, *args, **kwargs):
        time.sleep(0.002)
        return super().get(*args, **kwargs)

    def set(self, *args, **kwargs):
        time.sleep(0.002)
        return super().set(*args, **kwargs)


@pytest.mark.django_db(transaction=True)
def test_concurrent_polling_under_page_load_never_reports_a_healthy_node_down(home, settings):
    """8 pollers and 4 page renderers at once: every health check answers 200 "ok"."""
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": f"{__name__}.NetworkCache"}}
    record_heartbeat(timedelta(seconds=5))
    answers, errors = [], []
    start = threading.Barrier(12)

    def poll():
        try:
            client = Client()
            start.wait(10)
            for _ in range(25):
                response = client.get("/health/")
                answers.append((response.status_code, response.json()["status"]))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    def render():
        try:
            client = Client()
            start.wait(10)
            for _ in range(10):
                assert client.get("/").status_code == 200
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=poll) for _ in range(8)]
    threads += [threading.Thread(target=render) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    assert len(answers) == 8 * 25
    assert set(answers) == {(200, "ok")}


class BrokenURLs:
    """A URLconf whose one view fails, to render the real 500 page."""

    @staticmethod
    def broken(request):
        raise RuntimeError("boom")

    urlpatterns = [path("broken/", broken)]


@override_settings(ROOT_URLCONF=BrokenURLs)
def test_server_error_page_is_bilingual_and_styled_within_the_policy():
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "服务器出错" in html and "Sorry, something went wrong" in html
    # The policy allows no inline style, so the page links its own stylesheet.
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert "<style" not in html and "style=" not in html
    assert 'href="/static/css/error' in html
