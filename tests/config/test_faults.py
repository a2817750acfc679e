"""Faults: a saved change is never answered with a 500, a cache outage never takes the
site down, a busy or unreachable database gives 503 + Retry-After with nothing written."""

import socket
import sqlite3
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError

from config import faults
from config.models import ParkedTask
from config.tasks import hand_over_parked
from core import cache as cache_guard
from core.outbox import OutboxMessage, sending
from education.models import SafetyGuideIndexPage, SafetyGuidePage
from events import services
from events.models import Booking, Session
from events.services import places
from tests.education.factories import add_page
from tests.events.factories import SessionFactory, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_not_resting():
    cache_guard.reset()
    yield
    cache_guard.reset()


def book(client, session, **overrides):
    return client.post(reverse("events:book", args=[session.pk]), form_data(**overrides))


# 1. After a commit nothing turns success into a 500.


def test_a_broker_failing_after_the_commit_still_answers_the_booking(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    import django_q.tasks

    real_async_task = django_q.tasks.async_task

    def broker_down(*args, **kwargs):
        raise RedisConnectionError("Connection refused (broker down)")

    monkeypatch.setattr(django_q.tasks, "async_task", broker_down)
    session = SessionFactory(capacity=60)
    with django_capture_on_commit_callbacks(execute=True):
        response = book(client, session)
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.CONFIRMED
    assert mail.outbox == []
    parked = ParkedTask.objects.get()
    assert parked.module_path == "core.outbox.tasks.send_outbox_message"
    assert "broker down" in parked.error

    # The broker is back: the outbox sweeper sends the message (once), and the parked
    # hand-over that follows finds it sent.
    monkeypatch.setattr(django_q.tasks, "async_task", real_async_task)
    later = timezone.now() + timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.sweep(now=later) == 1
    assert len(mail.outbox) == 1
    assert booking.reference in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        assert hand_over_parked() == 1
    assert len(mail.outbox) == 1
    assert not ParkedTask.objects.exists()
    assert OutboxMessage.objects.get().sent_at is not None


def test_a_parked_task_waits_while_the_broker_is_still_down(monkeypatch):
    import django_q.tasks

    ParkedTask.objects.create(module_path="tests.config.sample_tasks.make_group", task_id="a")
    ParkedTask.objects.create(module_path="tests.config.sample_tasks.make_group", task_id="b")

    def broker_down(*args, **kwargs):
        raise RedisConnectionError("still down")

    monkeypatch.setattr(django_q.tasks, "async_task", broker_down)
    assert hand_over_parked() == 0
    assert list(ParkedTask.objects.values_list("attempts", flat=True)) == [2, 1]


def test_a_failed_generation_bump_does_not_fail_the_booking(client, settings, monkeypatch):
    from core import freshness

    def down(*args, **kwargs):
        raise RedisConnectionError("cache down")

    monkeypatch.setattr(freshness.cache, "incr", down)
    session = SessionFactory(capacity=60)
    response = book(client, session)
    assert response.status_code == 302
    assert Booking.objects.count() == 1


# 2. The cache is an accelerator, never a dependency.


def _fails(name):
    def fail(self, *args, **kwargs):
        raise RedisConnectionError(f"cache down ({name})")

    return fail


_CACHE_CALLS = ("get", "get_many", "has_key", "set", "add", "touch", "set_many", "delete")
_CACHE_CALLS += ("delete_many", "clear", "incr", "decr")
#: A cache backend whose every call fails, as a Redis that is down does.
Unreachable = type(
    "Unreachable",
    (BaseCache,),
    {
        "__init__": lambda self, location, params: BaseCache.__init__(self, params),
        **{name: _fails(name) for name in _CACHE_CALLS},
    },
)


class RaisingCache(cache_guard.AcceleratorMixin, Unreachable):
    """The settings' accelerator over a cache that fails."""


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


BROKEN_CACHES = {
    "raising": lambda tmp_path: {"BACKEND": "tests.config.test_faults.RaisingCache"},
    "redis-closed-port": lambda tmp_path: {
        "BACKEND": "core.cache.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    },
    # A folder that cannot be made: its parent is a file (read-only, whoever runs it).
    "file-cache-unwritable": lambda tmp_path: {
        "BACKEND": "core.cache.FileBasedCache",
        "LOCATION": str(tmp_path / "not-a-folder" / "cache"),
    },
}


@pytest.fixture(params=BROKEN_CACHES)
def broken_cache(request, settings, tmp_path):
    (tmp_path / "not-a-folder").write_text("a file, not a folder")
    broken = BROKEN_CACHES[request.param](tmp_path)
    # The rate limits' own cache too: they fail open while it is down (core/ratelimit.py),
    # and the database holds capacity and idempotency.
    settings.CACHES = {**settings.CACHES, "default": broken, "ratelimit": broken}
    settings.PAGE_CACHE_SECONDS = 60
    settings.FRAGMENT_CACHE_SECONDS = 60
    return request.param


def test_with_the_cache_down_public_pages_render_and_bookings_book(
    client, home, broken_cache, django_capture_on_commit_callbacks
):
    index = add_page(home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
    guide = add_page(index, SafetyGuidePage, title="电动车安全充电", slug="e-bike")
    session = SessionFactory(capacity=60)
    for _ in range(2):
        page = client.get("/")
        assert page.status_code == 200
        assert page.get("X-Page-Cache") in (None, "miss", "down")
        assert client.get(guide.url).status_code == 200
        assert "电动车安全充电" in client.get(guide.url).content.decode()
        assert client.get(reverse("events:book", args=[session.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = book(client, session)
    assert response.status_code == 302
    assert Booking.objects.get().party_size == 10
    assert len(mail.outbox) == 1
    health = client.get("/health/").json()
    assert health["checks"]["cache"]["ok"] is False


def test_while_the_cache_is_down_nothing_is_reused(settings):
    from core import freshness

    settings.CACHES = {**settings.CACHES, "default": BROKEN_CACHES["raising"](None)}
    # Each reading is unique: a copy stored by one request is never found by another.
    assert freshness.generation() != freshness.generation()


class FlakyBackend(LocMemCache):
    def get(self, *args, **kwargs):
        if FlakyAccelerator.down:
            raise RedisConnectionError("down")
        return super().get(*args, **kwargs)


class FlakyAccelerator(cache_guard.AcceleratorMixin, FlakyBackend):
    down = False


def test_after_a_failure_the_cache_rests_then_is_tried_again(settings, monkeypatch):
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": f"{__name__}.FlakyAccelerator"}}
    settings.CACHE_RETRY_SECONDS = 0.2
    from django.core.cache import cache

    cache.set("k", "v")
    tried = []
    monkeypatch.setattr(FlakyBackend, "get", counted(FlakyBackend.get, tried))
    monkeypatch.setattr(FlakyAccelerator, "down", True)
    assert cache.get("k") is None
    assert cache.get("k") is None
    assert len(tried) == 1  # resting: the second read did not wait for a dead cache
    monkeypatch.setattr(FlakyAccelerator, "down", False)
    time.sleep(0.25)
    assert cache.get("k") == "v"


def counted(method, calls):
    def wrapper(*args, **kwargs):
        calls.append(args)
        return method(*args, **kwargs)

    return wrapper


# 3. Database timeouts and locks: 503 + Retry-After, nothing half-written.


def test_a_lock_timeout_mid_booking_is_a_503_with_nothing_written(client, monkeypatch):
    session = SessionFactory(capacity=60)

    def lock_timeout():
        raise OperationalError("canceling statement due to lock timeout")

    monkeypatch.setattr(places, "after_availability_check", lock_timeout)
    response = book(client, session)
    assert response.status_code == 503
    assert response["Retry-After"] == str(faults.RETRY_AFTER_SECONDS)
    html = response.content.decode()
    assert "系统繁忙" in html and "try again" in html
    assert not Booking.objects.exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_lock_timeout_is_a_503_not_a_500(client):
    """Another connection holds the session's row lock; the booking gives up in time."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's lock_timeout")
    session = SessionFactory(capacity=60)
    # Hold the lock in another connection, as a second process would.
    holder_ready, release = threading.Event(), threading.Event()

    def hold():
        from django.db import connections

        try:
            with transaction.atomic():
                Session.objects.select_for_update().get(pk=session.pk)
                holder_ready.set()
                release.wait(10)
        finally:
            connections["default"].close()

    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")
    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holder_ready.wait(10)
        response = book(client, session)
    finally:
        release.set()
        holder.join()
    assert response.status_code == 503
    assert response["Retry-After"]
    assert not Booking.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_sqlite_database_is_locked_is_a_503_not_a_500(client):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own lock")
    session = SessionFactory(capacity=60)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 200")
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=1)
    other.execute("BEGIN IMMEDIATE")  # another process writing
    try:
        response = book(client, session)
    finally:
        other.rollback()
        other.close()
    assert response.status_code == 503
    assert response["Retry-After"]
    assert not Booking.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_session_lock_refuses_to_run_outside_a_transaction():
    session = SessionFactory()
    with pytest.raises(transaction.TransactionManagementError):
        services.lock_session(session.pk)
    with transaction.atomic():
        assert services.lock_session(session.pk) == session


def test_the_write_queue_serves_in_order_and_gives_up_in_time():
    queue = faults.WriteQueue()
    assert queue.acquire(1)
    order, threads = [], []

    def writer(name, timeout):
        if queue.acquire(timeout):
            order.append(name)
            queue.release()
        else:
            order.append(f"{name} gave up")

    for name, timeout in (("first", 5), ("impatient", 0.2), ("third", 5)):
        thread = threading.Thread(target=writer, args=(name, timeout))
        thread.start()
        threads.append(thread)
        time.sleep(0.05)  # arrive in this order
    time.sleep(0.4)
    queue.release()
    for thread in threads:
        thread.join(5)
    assert order == ["impatient gave up", "first", "third"]


def test_a_writer_that_waits_too_long_for_sqlite_gets_a_503(client, settings, monkeypatch):
    settings.SQLITE_WRITE_QUEUE_SECONDS = 0.1
    monkeypatch.setattr(faults, "_queues_writes", lambda: True)
    middleware = faults.DatabaseFaultMiddleware(lambda request: pytest.fail("not its turn"))
    assert middleware.queue.acquire(1)  # another request is writing
    from django.test import RequestFactory

    response = middleware(RequestFactory().post("/booking/1/"))
    assert response.status_code == 503
    assert response["Retry-After"]
