"""Gunicorn settings: `gunicorn -c config/gunicorn.py config.wsgi` in production, and
`make run` on a laptop (one process, more threads, a short graceful stop).

The listen backlog holds connections the threads have not picked up yet: a burst of a
thousand clients waits in it instead of being reset (the kernel caps it at
net.core.somaxconn, 4096 on current Linux).

Keep-alive outlives the proxy's: gunicorn keeps an idle connection for ``keepalive``
seconds (75), longer than the proxy keeps its idle upstream connections (nginx:
``keepalive_timeout 60s`` in the ``upstream`` block, docs/deployment.md). The proxy
therefore always closes first; if gunicorn closed first, a request the proxy had just
sent on that connection would be reset (a 502 for the visitor)."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# gunicorn's gthread worker, stamping when it took each request in (bounded waits
# without a proxy's stamp: config/gunicorn_worker.py).
worker_class = "config.gunicorn_worker.StampingThreadWorker"
backlog = int(os.environ.get("GUNICORN_BACKLOG", "2048"))
timeout = 30
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
# Recycle workers now and then so that slow growth can never become an outage.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
# QR scans are logged without address or user agent (config/access_log.py).
logger_class = "config.access_log.AccessLogger"
errorlog = "-"

# Metrics (config/metrics.py): each worker process writes its counters to files in one
# folder, so a scrape answered by any worker adds up all of them. Emptied at start.
_var = os.environ.get("FIREBREAK_VAR_DIR") or os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "var"
)
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", os.path.join(_var, "prometheus"))


def on_starting(server):
    import shutil

    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory, exist_ok=True)


def post_worker_init(worker):
    # The app is loaded: load the search's dictionaries before the first request (not in
    # the page benchmark's bare Django project, which has no search).
    from django.apps import apps

    if apps.is_installed("education"):
        from education.search.text import warm

        warm()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
