"""A fixed-window rate limit on the shared cache, for every public form.

Usage in a view: ``if not allow(f"booking:ip:{client_ip(request)}", 10, 3600): ...``.
The cache is Redis in production and shared by all web processes.
"""

import hashlib

from django.core.cache import cache


def client_ip(request):
    """The client's address as the proxy in front of us saw it.

    Only the last hop of X-Forwarded-For is trusted (the one our proxy appended);
    anything earlier in the header is the client's own claim.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def allow(key, limit, window_seconds):
    """Count one attempt for ``key``; False once more than ``limit`` fall in the window."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{digest}"
    if cache.add(cache_key, 1, window_seconds):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.add(cache_key, 1, window_seconds)
        return True
    return count <= limit
