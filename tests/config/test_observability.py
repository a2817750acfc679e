"""Operators see what happens: metrics for the scraper only, request ids, JSON logs."""

import json
import logging

import pytest
from django.test import Client
from django_q.models import Success

from config import observability
from tests.config.sample_tasks import report_request_id
from tests.events.factories import BookingFactory

pytestmark = pytest.mark.django_db
TOKEN = "scrape-token-for-tests-0123456789"


@pytest.fixture
def scrape(client, settings):
    settings.METRICS_TOKEN = TOKEN

    def get(**headers):
        return client.get("/metrics/", **headers)

    return get


def test_metrics_are_refused_to_anyone_without_the_token(scrape, client, settings):
    assert scrape().status_code == 404
    assert scrape(HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert scrape(HTTP_AUTHORIZATION=TOKEN).status_code == 404  # the scheme is required
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics/", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_metrics_expose_the_named_series(scrape, home, settings, tmp_path):
    BookingFactory.create_batch(2)
    BookingFactory(status="waitlisted")
    settings.BACKUP_DIR = tmp_path
    (tmp_path / "firebreak-20261202T030000Z.tar").write_bytes(b"an archive")
    response = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    for series in (
        "firebreak_http_requests_total",
        "firebreak_http_request_duration_seconds_bucket",
        'firebreak_bookings{status="confirmed"} 2.0',
        'firebreak_bookings{status="waitlisted"} 1.0',
        "firebreak_task_queue_depth",
        "firebreak_tasks_failed",
        "firebreak_outbox_unsent",
        "firebreak_outbox_failed",
        "firebreak_outbox_oldest_unsent_age_seconds",
        "firebreak_worker_heartbeat_age_seconds",
    ):
        assert series in body, series
    backup_age = next(
        line for line in body.splitlines() if line.startswith("firebreak_backup_age_seconds ")
    )
    assert 0 <= float(backup_age.split()[1]) < 600


def test_requests_are_counted_by_view_and_page_cache_result(scrape, home, settings):
    settings.PAGE_CACHE_SECONDS = 60
    visitor = Client()
    for _ in range(3):
        assert visitor.get("/").status_code == 200
    body = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    hits = [line for line in body.splitlines() if line.startswith("firebreak_page_cache_total")]
    results = {line.split('"')[1]: float(line.split()[-1]) for line in hits}
    assert results.get("hit", 0) >= 2 and results.get("miss", 0) >= 1, results
    assert 'view="page-cache"' in body
    assert 'view="wagtail_serve"' in body


def test_a_count_that_fails_is_logged_and_the_visitor_still_gets_the_page(
    home, monkeypatch, caplog
):
    from config import metrics

    def broken(*args):
        raise FileNotFoundError("var/prometheus/counter_1.db")

    monkeypatch.setattr(metrics.REQUESTS, "labels", broken)
    caplog.set_level("WARNING", logger="config.metrics")
    assert Client().get("/").status_code == 200
    assert "could not be counted" in caplog.text


def test_every_response_carries_a_request_id_and_junk_ids_are_replaced(client, home):
    own = client.get("/")["X-Request-ID"]
    assert observability.VALID.match(own)
    kept = client.get("/", HTTP_X_REQUEST_ID="proxy-abc-12345678")["X-Request-ID"]
    assert kept == "proxy-abc-12345678"
    for junk in ("<script>", "a" * 200, "short", "new\nline-12345678"):
        replaced = client.get("/", HTTP_X_REQUEST_ID=junk)["X-Request-ID"]
        assert replaced != junk and observability.VALID.match(replaced)


def test_json_log_lines_carry_the_request_id():
    formatter = observability.JsonFormatter()
    record_filter = observability.RequestIdFilter()
    token = observability.request_id_var.set("req-0123456789")
    try:
        record = logging.LogRecord("events", logging.INFO, __file__, 1, "booked %s", ("A1",), None)
        record_filter.filter(record)
        line = json.loads(formatter.format(record))
    finally:
        observability.request_id_var.reset(token)
    assert line["message"] == "booked A1"
    assert line["request_id"] == "req-0123456789"
    assert line["level"] == "INFO" and line["logger"] == "events"


def test_a_task_runs_with_the_request_id_of_the_request_that_enqueued_it(
    django_capture_on_commit_callbacks,
):
    token = observability.request_id_var.set("req-from-a-booking")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            report_request_id.enqueue()
    finally:
        observability.request_id_var.reset(token)
    assert observability.current_request_id() == ""
    run = Success.objects.get(name__startswith="report_request_id")
    assert run.result == "req-from-a-booking"


def test_error_reports_are_off_by_default_and_tagged_with_the_request_id():
    import sentry_sdk
    from sentry_sdk.transport import Transport

    class Capture(Transport):
        events = []

        def capture_envelope(self, envelope):
            self.events.append(envelope.get_event())

    assert not observability.init_sentry("")
    assert observability.init_sentry("https://public@errors.invalid/1", transport=Capture())
    token = observability.request_id_var.set("req-that-failed-1")
    try:
        sentry_sdk.capture_exception(ValueError("boom"))
        sentry_sdk.flush()
    finally:
        observability.request_id_var.reset(token)
        sentry_sdk.init()  # no DSN: reporting off again
    event = next(event for event in Capture.events if event)
    assert event["tags"]["request_id"] == "req-that-failed-1"
    assert "user" not in event


def test_error_reports_keep_no_url_that_could_hold_a_token():
    event = {"request": {"url": "https://x/booking/manage/AB12/secret-token/", "method": "POST"}}
    assert observability._scrub(event, {})["request"] == {"method": "POST"}


def _sentry_capture():
    from sentry_sdk.transport import Transport

    class Capture(Transport):
        events = []

        def capture_envelope(self, envelope):
            event = envelope.get_event()
            if event:
                self.events.append(event)

    return Capture


@pytest.mark.parametrize("host", ["forged.example", "[::1", "127.0.0.1:80:80"])
def test_a_refused_suspicious_request_is_one_warning_line_and_no_error_report(
    client, home, caplog, settings, host
):
    """Junk from a client is a 400, logged as a warning: no traceback, nothing paged."""
    import sentry_sdk

    settings.ALLOWED_HOSTS = ["testserver"]

    capture = _sentry_capture()
    assert observability.init_sentry("https://public@errors.invalid/1", transport=capture())
    try:
        with caplog.at_level(logging.INFO):
            response = client.get("/", HTTP_HOST=host)
        sentry_sdk.flush()
    finally:
        sentry_sdk.init()
    assert response.status_code == 400
    logger = "django.security.DisallowedHost"
    records = [record for record in caplog.records if record.name == logger]
    assert [(record.levelname, record.exc_info) for record in records] == [("WARNING", None)]
    assert not [event for event in capture.events if event.get("level") in ("error", "fatal")]
    # The same logger's configuration covers every class Django names its loggers after.
    assert logger in observability.CLIENT_FAULT_LOGGERS
