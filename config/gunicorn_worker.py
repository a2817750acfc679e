"""gunicorn's threaded worker, stamping when each request reached it.

Bounded waits (config/faults.py) read the moment a request arrived from
``X-Request-Start``, which the proxy in front stamps. Without a proxy that stamps
(``make run``, a proxy configured otherwise, a load balancer that cannot), a request
could wait in the worker's queue for a free thread for as long as the storm lasts, and
its answer come half a minute later. This worker stamps the moment it took the
request's connection in (accepted, or readable again on a kept-alive connection), and
sets that stamp on a request that carries none; a stamp the proxy set is earlier and
is kept. So the bound holds either way, for the wait in the worker at least (the
listen backlog in front of it is short: the worker accepts up to
``worker_connections`` at once and queues them itself).

``enqueue_req`` and ``handle_request`` are gunicorn's own methods, pinned by
tests/config/test_bounded_waits.py.
"""

import time

from gunicorn.workers.gthread import ThreadWorker

HEADER = "X-REQUEST-START"


class StampingThreadWorker(ThreadWorker):
    def enqueue_req(self, conn):
        conn.firebreak_received_at = time.time()
        super().enqueue_req(conn)

    def handle_request(self, req, conn):
        received = getattr(conn, "firebreak_received_at", None)
        if received is not None and not any(name == HEADER for name, _ in req.headers):
            req.headers.append((HEADER, f"t={received:.3f}"))
        return super().handle_request(req, conn)
