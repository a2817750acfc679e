"""When the database is busy or out of reach, say "busy, try again", never 500.

One place maps the database's transient failures to ``503 Service Unavailable`` with
``Retry-After``: a connection refused or cut, a connect, statement or lock timeout
(``DB_*`` settings), SQLite's "database is locked". Django's ``transaction.atomic``
has rolled back whatever the request was writing by then, so nothing is half-written
and the visitor may simply send the form again (a booking form carries its
idempotency key: a retry never books twice).

On SQLite, which has one writer at a time, the requests of a web process that may
write queue here, in the application, each waiting its turn for at most
``SQLITE_WRITE_QUEUE_SECONDS``; one that waited longer gets the same 503 rather than
SQLite's busy loop, in which a writer can wait past any timeout and fail with a 500.

Waits are bounded from the visitor's side too. The proxy stamps each request with the
moment it received it (``X-Request-Start: t=<seconds since the epoch>``, nginx's
``$msec``); a request that already waited ``REQUEST_QUEUE_SECONDS`` in the queues in
front of Django (the proxy's, the listen backlog, the server's threads) gets the same
503 at once instead of work whose answer nobody may still be waiting for, and a SQLite
writer waits for its turn only for what is left of that time. Lock waits in the
database end at ``DB_LOCK_TIMEOUT_MS``. So no request is answered later than a few
seconds after it arrived, however long the storm: past that, "busy, try again".
"""

import logging
import sys
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template import loader

from config.errors import server_error

logger = logging.getLogger(__name__)

#: Seconds a visitor is asked to wait before trying again.
RETRY_AFTER_SECONDS = 5
#: What the database raises when it is unreachable, cut off, timed out or locked.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class DatabaseBusy(Exception):
    """A request waited its bounded time for its turn to write, and gave up."""


def busy_response():
    """The 503 page, in Chinese and English, with the time to wait before a retry."""
    response = HttpResponse(
        loader.get_template("503.html").render(),
        status=503,
        content_type="text/html; charset=utf-8",
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def queued_seconds(request, now=None):
    """How long the request waited before Django saw it, by the proxy's stamp.

    None without a readable stamp. nginx writes seconds with milliseconds
    (``t=1733212800.123``); a stamp in milliseconds or microseconds is read too.
    """
    stamp = request.META.get("HTTP_X_REQUEST_START", "").strip().removeprefix("t=")
    try:
        started = float(stamp)
    except ValueError:
        return None
    if started != started or started <= 0:  # NaN, zero, negative: not a time
        return None
    while started > 1e11:  # milliseconds or microseconds since the epoch
        started /= 1000
    return max((time.time() if now is None else now) - started, 0.0)


def is_transient(error):
    return isinstance(error, (*TRANSIENT_ERRORS, DatabaseBusy))


class WriteQueue:
    """A turn to write, one request at a time, handed out in arrival order."""

    def __init__(self):
        self._condition = threading.Condition()
        self._next_ticket = 0
        self._serving = 0
        self._abandoned = set()  # tickets whose request gave up waiting

    def acquire(self, timeout):
        """Wait for this request's turn, at most ``timeout`` seconds; True when it came."""
        with self._condition:
            ticket = self._next_ticket
            self._next_ticket += 1
            if self._condition.wait_for(lambda: self._serving == ticket, timeout):
                return True
            # Gave up: hand the turn on as if this ticket had been served already.
            self._abandoned.add(ticket)
            self._skip_abandoned()
            return False

    def release(self):
        with self._condition:
            self._serving += 1
            self._skip_abandoned()

    def _skip_abandoned(self):
        while self._serving in self._abandoned:
            self._abandoned.discard(self._serving)
            self._serving += 1
        self._condition.notify_all()


def _queues_writes():
    return connections[DEFAULT_DB_ALIAS].vendor == "sqlite"


class DatabaseFaultMiddleware:
    """Queue SQLite writers; answer the database's transient failures with a 503."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.queue = WriteQueue() if _queues_writes() else None

    def __call__(self, request):
        budget = settings.REQUEST_QUEUE_SECONDS
        queued = queued_seconds(request)
        if queued is not None and queued > budget:
            logger.warning(
                "Busy: %s %s queued %.1f s before it was served",
                request.method,
                request.path,
                queued,
            )
            return busy_response()
        if self.queue is None or request.method in SAFE_METHODS:
            return self.get_response(request)
        turn = settings.SQLITE_WRITE_QUEUE_SECONDS
        if queued is not None:
            turn = min(turn, budget - queued)
        if not self.queue.acquire(turn):
            logger.warning(
                "Busy: %s %s waited its turn to write too long", request.method, request.path
            )
            return busy_response()
        try:
            return self.get_response(request)
        finally:
            self.queue.release()

    def process_exception(self, request, exception):
        if not is_transient(exception):
            return None
        logger.warning(
            "Database busy or unreachable for %s %s: %s: %s",
            request.method,
            request.path,
            type(exception).__name__,
            exception,
        )
        return busy_response()


def server_error_or_busy(request):
    """``handler500``: a transient failure outside any view (a middleware) is a 503 too."""
    error = sys.exc_info()[1]
    if error is not None and is_transient(error):
        return busy_response()
    return server_error(request)
