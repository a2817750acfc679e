"""Bounded waits: a request that queued too long in front of Django is answered
"busy, try again" at once, and the server keeps idle connections longer than the proxy
does."""

import re
import time
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse

from config import faults
from events.models import Booking
from tests.events.factories import SessionFactory, form_data

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def stamped(seconds_ago, unit=1):
    return {"HTTP_X_REQUEST_START": f"t={(time.time() - seconds_ago) * unit:.3f}"}


def test_a_booking_that_queued_past_the_bound_is_a_503_with_nothing_written(client, settings):
    settings.REQUEST_QUEUE_SECONDS = 3
    session = SessionFactory(capacity=60)
    url = reverse("events:book", args=[session.pk])
    response = client.post(url, form_data(), **stamped(10))
    assert response.status_code == 503
    assert response["Retry-After"] == str(faults.RETRY_AFTER_SECONDS)
    html = response.content.decode()
    assert "系统繁忙" in html and "try again" in html
    assert not Booking.objects.exists()
    # The same form sent again, promptly, books.
    response = client.post(url, form_data(), **stamped(0.2))
    assert response.status_code == 302
    assert Booking.objects.count() == 1


def test_a_page_that_queued_past_the_bound_is_a_503(client, settings):
    settings.REQUEST_QUEUE_SECONDS = 3
    assert client.get("/robots.txt", **stamped(4)).status_code == 503
    assert client.get("/robots.txt", **stamped(1)).status_code == 200
    # No stamp (nothing in front) or an unreadable one: served, never refused.
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/robots.txt", HTTP_X_REQUEST_START="t=soon").status_code == 200


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("t=1733212800.5", 1.5),  # nginx's $msec: seconds with milliseconds
        ("1733212800500", 1.5),  # milliseconds
        ("t=1733212800500000", 1.5),  # microseconds
        ("t=1733212803", 0.0),  # a clock ahead of ours is no wait, not a negative one
        ("", None),
        ("t=nan", None),
        ("t=-5", None),
        ("t=abc", None),
    ],
)
def test_the_proxy_stamp_is_read_in_any_unit(header, expected):
    request = RequestFactory().get("/", HTTP_X_REQUEST_START=header)
    assert faults.queued_seconds(request, now=1733212802.0) == expected


def test_a_sqlite_writer_waits_for_its_turn_only_for_what_is_left_of_the_bound(settings):
    """A writer that already queued 2.8 of its 3 seconds outside gives up on the write
    queue after the 0.2 left, not after SQLITE_WRITE_QUEUE_SECONDS."""
    settings.REQUEST_QUEUE_SECONDS = 3
    settings.SQLITE_WRITE_QUEUE_SECONDS = 30
    middleware = faults.DatabaseFaultMiddleware(lambda request: None)
    middleware.queue = faults.WriteQueue()
    assert middleware.queue.acquire(1)  # another request is writing
    request = RequestFactory().post("/", **stamped(2.8))
    began = time.monotonic()
    response = middleware(request)
    assert response.status_code == 503
    assert time.monotonic() - began < 2


def test_gunicorn_keeps_idle_connections_longer_than_the_documented_proxy(monkeypatch, tmp_path):
    # Importing the config names a metrics folder; keep it out of later tests' processes.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    from config import gunicorn

    nginx = (ROOT / "docs" / "deployment.md").read_text()
    proxy = int(re.search(r"keepalive_timeout (\d+)s;", nginx)[1])
    assert gunicorn.keepalive > proxy


def test_gunicorns_worker_methods_the_stamping_worker_relies_on_are_there():
    from gunicorn.workers.gthread import ThreadWorker

    assert callable(ThreadWorker.enqueue_req)
    assert callable(ThreadWorker.handle_request)


@pytest.fixture
def one_thread_server():
    """gunicorn with the stamping worker, one process of one thread, no proxy in front."""
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-k",
            "config.gunicorn_worker.StampingThreadWorker",
            "--workers=1",
            "--threads=1",
            f"--bind=127.0.0.1:{port}",
            "tests.config.stamp_app:application",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_without_a_proxy_the_worker_stamps_when_it_took_the_request_in(one_thread_server):
    """The wait for a free thread counts, so a request that waited past the bound is
    refused even with nothing in front of the server to stamp it."""
    import http.client
    import threading

    def get(path, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", one_thread_server, timeout=30)
        try:
            conn.request("GET", path, headers=headers or {})
            return conn.getresponse().read().decode()
        finally:
            conn.close()

    slow = threading.Thread(target=get, args=("/slow",))
    slow.start()
    time.sleep(0.3)  # the slow request holds the only thread
    stamp, handled = get("/next").split("|")
    slow.join()
    assert stamp.startswith("t=")
    request = RequestFactory().get("/", HTTP_X_REQUEST_START=stamp)
    assert faults.queued_seconds(request, now=float(handled)) > 0.8
    # A proxy's stamp is earlier than the worker's own, and kept.
    assert get("/mine", {"X-Request-Start": "t=1733212800.000"}).startswith("t=1733212800.000|")
