"""What operators see: a request id on every log line and task, JSON logs, error reports.

- Every request gets an id: the front proxy's ``X-Request-ID`` when it is a plain token,
  otherwise a new one. It is echoed in the response, put on every log line written
  while the request runs, and carried into the tasks the request enqueues
  (``config/tasks.py``), so one grep follows a booking from the form to its SMS.
- ``LOG_FORMAT=json`` writes one JSON object per line (production's default), for a log
  shipper; ``plain`` is for people reading a terminal.
- ``SENTRY_DSN`` (off by default) sends unhandled errors to Sentry or any service that
  speaks its protocol, without personal data: no cookies, headers, bodies or user.
"""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

request_id_var = contextvars.ContextVar("request_id", default="")
HEADER = "X-Request-ID"
VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id():
    return request_id_var.get()


def new_request_id(offered=""):
    """The proxy's id when it is a plain token, or a fresh one (never the client's junk)."""
    return offered if VALID.match(offered or "") else uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = new_request_id(request.META.get("HTTP_X_REQUEST_ID", ""))
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` ("-" outside a request or task)."""

    def filter(self, record):
        record.request_id = request_id_var.get() or "-"
        return True


# Django logs every refused request that looks suspicious (a forged Host, too many fields,
# a body over the limit, a tampered session) at ERROR with its traceback, on a logger
# named after the exception. Each is a 400 the client caused, not a fault of the site:
# as errors they would page operators and spend the error service's quota for anyone
# who sends junk. They are kept as one WARNING line without the traceback.
CLIENT_FAULT_LOGGERS = tuple(
    f"django.security.{name}"
    for name in (
        "SuspiciousOperation",
        "SuspiciousMultipartForm",
        "SuspiciousFileOperation",
        "DisallowedHost",
        "DisallowedRedirect",
        "TooManyFieldsSent",
        "TooManyFilesSent",
        "RequestDataTooBig",
        "InvalidSessionKey",
        "SuspiciousSession",
        "DisallowedModelAdminLookup",
        "DisallowedModelAdminToField",
    )
)


class ClientFaultFilter(logging.Filter):
    """Turns a refused client's ERROR with traceback into one WARNING line."""

    def filter(self, record):
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, error."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get() or None,
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def logging_config(log_format, level):
    """The LOGGING setting for ``plain`` or ``json`` output."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "config.observability.RequestIdFilter"},
            "client_fault": {"()": "config.observability.ClientFaultFilter"},
        },
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
            "json": {"()": "config.observability.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if log_format == "json" else "plain",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "WARNING"},
            **{name: {"filters": ["client_fault"]} for name in CLIENT_FAULT_LOGGERS},
        },
    }


def init_sentry(dsn, *, environment="", traces_sample_rate=0.0, transport=None):
    """Start error reporting when a DSN is configured; returns whether it started."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    options = {
        "dsn": dsn,
        "integrations": [DjangoIntegration()],
        # Nothing about the person: no user, cookies, headers, bodies or query strings;
        # _scrub (before_send) also drops the URL, whose path can hold a manage link's
        # token, keeping the route pattern as the event's transaction name.
        "data_collection": {
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "off"}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "stack_frame_variables": False,
        },
        "traces_sample_rate": traces_sample_rate,
        "environment": environment or None,
        "before_send": _scrub,
    }
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)
    return True


def _scrub(event, hint):
    if "request" in event:
        event["request"] = {"method": event["request"].get("method")}
    request_id = request_id_var.get()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event
