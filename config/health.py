"""Health: is the database reachable and migrated, the worker alive, the cache working?"""

from datetime import timedelta

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
    key = "health:probe"
    value = timezone.now().isoformat()
    cache.set(key, value, 30)
    return {"ok": cache.get(key) == value}


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
    healthy = len(results) == len(CHECKS) and all(r["ok"] for r in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", "checks": results},
        status=200 if healthy else 503,
    )
