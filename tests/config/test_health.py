from datetime import timedelta

import pytest
from django.db import OperationalError
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

    def database_down():
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", database_down)
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}


def test_unhealthy_when_the_cache_is_broken(client, monkeypatch):
    record_heartbeat(timedelta(seconds=5))
    monkeypatch.setattr(health.cache, "get", lambda key: None)
    assert client.get("/health/").status_code == 503
