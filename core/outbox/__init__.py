"""The outbox of every message the site sends (bookings, contest, reach summary).

Apps write with ``record()`` inside the transaction of the change that causes the
message and register the renderer of their kinds with ``register()`` in their
``AppConfig.ready()``; the worker sends (core/outbox/sending.py).
"""

from .models import Kind, OutboxMessage, Status
from .registry import Outgoing, register
from .sending import idempotency_id, record, retry

__all__ = [
    "Kind",
    "Outgoing",
    "OutboxMessage",
    "Status",
    "idempotency_id",
    "record",
    "register",
    "retry",
]
