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
"""

import logging
import sys
import threading

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
        if self.queue is None or request.method in SAFE_METHODS:
            return self.get_response(request)
        if not self.queue.acquire(settings.SQLITE_WRITE_QUEUE_SECONDS):
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
