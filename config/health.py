"""Health: is the database reachable and migrated, the worker alive, the cache working?

``/health/`` answers 503 ("unhealthy") when the node cannot serve: the database is
unreachable or not migrated, or the worker has been silent. The cache is an
accelerator (``core/cache.py``): when it fails the node still serves, so the answer is
200 with ``"status": "degraded"`` and the cache check's error, never a 503.
"""

from datetime import timedelta
from uuid import uuid4

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

HEARTBEAT_FUNC = "config.health.heartbeat"


def heartbeat():
    """Scheduled every minute; its stored result is the worker's sign of life."""
    return timezone.now().isoformat()


def check_database():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def check_migrations():
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return {"ok": not plan, "unapplied": len(plan)}


def check_worker():
    from django_q.models import Task

    last = (
        Task.objects.filter(func=HEARTBEAT_FUNC)
        .order_by("-stopped")
        .values_list("stopped", flat=True)
        .first()
    )
    max_age = timedelta(seconds=settings.HEALTH_WORKER_MAX_AGE_SECONDS)
    return {
        "ok": last is not None and timezone.now() - last <= max_age,
        "last_seen": last.isoformat() if last else None,
    }


def check_cache():
    # A key of this request's own: concurrent probes never read each other's value.
    # A failing cache acts as an empty one (core/cache.py): the value is not found.
    key = f"health:probe:{uuid4().hex}"
    cache.set(key, "ok", 10)
    found = cache.get(key)
    cache.delete(key)
    return {"ok": True} if found == "ok" else {"ok": False, "error": "unavailable"}


#: Checks whose failure leaves the node serving, only slower.
DEGRADING = {"cache"}

CHECKS = {
    "database": check_database,
    "migrations": check_migrations,
    "worker": check_worker,
    "cache": check_cache,
}


@never_cache
@require_GET
def health(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
            results[name] = {"ok": False, "error": exc.__class__.__name__}
            if name == "database":
                # Nothing else can be judged without the database.
                break
    serving = len(results) == len(CHECKS) and all(
        result["ok"] for name, result in results.items() if name not in DEGRADING
    )
    if not serving:
        status = "unhealthy"
    elif all(result["ok"] for result in results.values()):
        status = "ok"
    else:
        status = "degraded"
    return JsonResponse({"status": status, "checks": results}, status=200 if serving else 503)
