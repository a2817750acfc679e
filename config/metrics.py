"""Prometheus metrics at ``/metrics/``, for the operators' monitoring only.

Off unless ``METRICS_TOKEN`` is set; then a scrape must send
``Authorization: Bearer <token>``. Anything else gets a 404, so the endpoint does not
even show that it exists.

Two kinds of series:

- counted as they happen, in each web process: requests by view, method and status
  class, their duration, and page-cache hits and misses. Under gunicorn set
  ``PROMETHEUS_MULTIPROC_DIR`` (``config/gunicorn.py`` does, in ``var/prometheus``) so
  that every worker process's counts are added up in one scrape;
- read from the database at scrape time, so they are right whichever process answers:
  bookings by status, the django-q2 queue depth and failed tasks, the message outbox's
  backlog and the age of its oldest unsent message, the worker's last heartbeat and
  the newest backup.

prometheus-client rather than django-prometheus: the series wanted here are few and
about this domain; django-prometheus would wrap every database and cache backend and
add hundreds of series nobody alerts on.
"""

import hmac
import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotFound
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

# A process started with the folder named but not made (a command run beside the server,
# a folder cleaned away) would fail at its first count: make it.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

REQUESTS = Counter(
    "firebreak_http_requests",
    "HTTP requests answered, by view, method and status class.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "firebreak_http_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
PAGE_CACHE = Counter(
    "firebreak_page_cache",
    "Public page cache lookups, by result (hit, miss, stale: a scope it shows changed, "
    "down: the cache could not be read).",
    ["result"],
)
PAGE_CACHE_RESULTS = {"hit", "miss", "stale", "down"}
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _view_label(request, response):
    if response.get("X-Page-Cache") == "hit":
        return "page-cache"
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unresolved"
    return match.view_name or "unnamed"


class MetricsMiddleware:
    """Outermost middleware: counts and times every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        try:
            self.count(request, response, time.perf_counter() - started)
        except Exception:  # counting is for the operators: it never costs a visitor an answer
            logger.warning("a request could not be counted in the metrics", exc_info=True)
        return response

    @staticmethod
    def count(request, response, seconds):
        view = _view_label(request, response)
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(view, method, f"{response.status_code // 100}xx").inc()
        LATENCY.labels(view).observe(seconds)
        if response.get("X-Page-Cache") in PAGE_CACHE_RESULTS:
            PAGE_CACHE.labels(response["X-Page-Cache"]).inc()


def _age(moment, now):
    return max(0.0, (now - moment).total_seconds()) if moment else float("nan")


class DomainCollector:
    """Series read from the database at scrape time."""

    def collect(self):
        from django.db.models import Count, Min
        from django_q.brokers import get_broker
        from django_q.models import Failure

        from config.backups import newest_backup
        from config.health import HEARTBEAT_FUNC
        from core.outbox import OutboxMessage
        from events.models import Booking

        now = timezone.now()
        bookings = GaugeMetricFamily(
            "firebreak_bookings", "Bookings stored, by status.", labels=["status"]
        )
        counts = dict(
            Booking.objects.order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        for status in Booking.Status.values:
            bookings.add_metric([status], counts.get(status, 0))
        yield bookings

        yield GaugeMetricFamily(
            "firebreak_task_queue_depth",
            "Tasks waiting in the django-q2 broker.",
            value=get_broker().queue_size() or 0,
        )
        yield GaugeMetricFamily(
            "firebreak_tasks_failed", "Failed django-q2 tasks kept.", value=Failure.objects.count()
        )
        from django_q.models import Task

        last_beat = (
            Task.objects.filter(func=HEARTBEAT_FUNC)
            .order_by("-stopped")
            .values_list("stopped", flat=True)
        ).first()
        yield GaugeMetricFamily(
            "firebreak_worker_heartbeat_age_seconds",
            "Seconds since the worker's last heartbeat (NaN: never).",
            value=_age(last_beat, now),
        )

        summary = OutboxMessage.objects.deliverable().aggregate(
            n=Count("pk"), oldest=Min("created_at")
        )
        yield GaugeMetricFamily(
            "firebreak_outbox_unsent",
            "Messages in the outbox still to be sent (waiting or retrying).",
            value=summary["n"],
        )
        yield GaugeMetricFamily(
            "firebreak_outbox_failed",
            "Messages that used up their attempts and need staff.",
            value=OutboxMessage.objects.failed().count(),
        )
        yield GaugeMetricFamily(
            "firebreak_outbox_oldest_unsent_age_seconds",
            "Age of the oldest message not yet sent (0: none waiting).",
            value=_age(summary["oldest"], now) if summary["oldest"] else 0.0,
        )

        newest = newest_backup(settings.BACKUP_DIR)
        yield GaugeMetricFamily(
            "firebreak_backup_age_seconds",
            "Seconds since the newest backup archive was written (NaN: none).",
            value=time.time() - newest.stat().st_mtime if newest else float("nan"),
        )


def registry():
    """This scrape's registry: every process's counters, and the domain series."""
    scrape = CollectorRegistry(auto_describe=False)
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory and Path(directory).is_dir():
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(scrape)
    else:
        for collector in (REQUESTS, LATENCY, PAGE_CACHE):
            scrape.register(collector)
    scrape.register(DomainCollector())
    return scrape


def _authorised(request):
    token = settings.METRICS_TOKEN
    offered = request.META.get("HTTP_AUTHORIZATION", "")
    return bool(token) and hmac.compare_digest(offered.encode(), f"Bearer {token}".encode())


@never_cache
@require_GET
def metrics(request):
    if not _authorised(request):
        # Plain and uncacheable: the page cache must never keep a refusal for the scraper.
        return HttpResponseNotFound("Not Found", content_type="text/plain")
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
