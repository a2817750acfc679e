"""Messages under faults: how many go out twice, with a gateway that honours the
idempotency id and with one that ignores it.

In one process on a fresh SQLite database (var/bench/outbox/), MESSAGES booking
messages (SMS only) go through ``core.outbox.sending.deliver`` while faults are
injected at the worst moment, after a send and before its record:

- "kill": the sender dies right after the gateway accepted the SMS (nothing after it
  runs, as under ``kill -9``);
- "db": the database refuses every write of the record (all five tries).

Every FAULT_EVERY-th message is hit, alternating the two faults. Then the outbox
recovers as in production: once the lease has run out the sweeper's send goes again.
A reference run without faults comes first, in the same script.

It reports, for each run: messages, faults, sends made, messages delivered twice by a
gateway that ignores the id, and by one that drops a repeated id; the median time per
delivered message and its ratio to the reference.

    .venv/bin/python benchmarks/outbox_faults.py
"""

import os
import shutil
import statistics
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "var" / "bench" / "outbox"
MESSAGES = int(os.environ.get("BENCH_MESSAGES", "200"))
FAULT_EVERY = int(os.environ.get("BENCH_FAULT_EVERY", "10"))


class Killed(BaseException):
    """The sender's death: no handler runs."""


class Gateway:
    sends = []
    fault = None  # "kill" to die after the next send


class GatewayBackend:
    def send(self, phone, message, *, idempotency_id):
        Gateway.sends.append(idempotency_id)
        if Gateway.fault == "kill":
            Gateway.fault = None
            raise Killed


def setup():
    shutil.rmtree(BENCH, ignore_errors=True)
    BENCH.mkdir(parents=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        FIREBREAK_VAR_DIR=str(BENCH),
        SMS_BACKEND=f"{__name__}.GatewayBackend",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="CRITICAL",
    )
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    sys.modules.setdefault(__name__, sys.modules["__main__"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run(with_faults):
    from django.db import DatabaseError
    from django.db.models.query import QuerySet
    from django.utils import timezone

    from core.outbox import OutboxMessage, sending
    from tests.events.factories import BookingFactory

    sending.STAMP_BACKOFF_SECONDS = 0  # the pauses would only slow the run
    booking = BookingFactory(email="")
    rows = [
        OutboxMessage.objects.create(source_id=booking.pk, kind="confirmed").pk
        for _ in range(MESSAGES)
    ]
    Gateway.sends = []
    real_update = QuerySet.update
    faults = 0
    timings = []
    now = timezone.now()
    for index, pk in enumerate(rows):
        fault = None
        if with_faults and index % FAULT_EVERY == 0:
            fault = "kill" if (index // FAULT_EVERY) % 2 == 0 else "db"
            faults += 1
        Gateway.fault = fault if fault == "kill" else None
        if fault == "db":

            def refuse(self, **fields):
                if "sent_at" in fields and self.model is OutboxMessage:
                    raise DatabaseError("connection lost")
                return real_update(self, **fields)

            QuerySet.update = refuse
        started = time.perf_counter()
        try:
            sending.deliver(pk, now=now)
        except Killed:
            pass
        finally:
            QuerySet.update = real_update
        timings.append(time.perf_counter() - started)
    # Recovery: after the lease, the sweeper queues what is unsent; its task sends.
    later = now + sending.lease() + timedelta(seconds=1)
    for pk in OutboxMessage.objects.filter(pk__in=rows, sent_at__isnull=True).values_list(
        "pk", flat=True
    ):
        sending.deliver(pk, now=later)
    unsent = OutboxMessage.objects.filter(pk__in=rows, sent_at__isnull=True).count()
    per_id = Counter(Gateway.sends)
    # A gateway that drops a repeated id delivers each distinct id once: a message goes
    # twice only if its sends carried different ids.
    ids_per_message = Counter(i.split("@")[0].rsplit(".", 1)[0] for i in per_id)
    return {
        "messages": MESSAGES,
        "faults": faults,
        "sends": len(Gateway.sends),
        "twice_ignoring": sum(1 for n in per_id.values() if n > 1),
        "twice_honouring": sum(1 for n in ids_per_message.values() if n > 1),
        "ids": len(per_id),
        "lost": unsent,
        "median_ms": statistics.median(timings) * 1000,
    }


def main():
    setup()
    reference = run(with_faults=False)
    faulty = run(with_faults=True)
    print(
        "| run | messages | faults | sends | distinct ids | twice (gateway ignores id) "
        "| twice (gateway honours id) | lost | median ms/message | ratio |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, result in (("reference", reference), ("faults", faulty)):
        print(
            f"| {name} | {result['messages']} | {result['faults']} | {result['sends']} "
            f"| {result['ids']} | {result['twice_ignoring']} "
            f"| {result['twice_honouring']} "
            f"| {result['lost']} | {result['median_ms']:.2f} "
            f"| {result['median_ms'] / reference['median_ms']:.2f} |"
        )


if __name__ == "__main__":
    main()
