"""Admin login throttling: after repeated failures an account is locked for a while.

Failures are counted per username and per client address in the shared cache. While
either count is over its limit, authentication refuses even the right password, so a
guessing attack learns nothing from the lockout.
"""

import hashlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

from education.ratelimit import client_ip


def _key(kind, value):
    # Usernames are typed by anyone: hash them into a safe, fixed-length cache key.
    return f"login-fail:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _keys(username, request):
    keys = [_key("user", (username or "").strip().lower())]
    if request is not None:
        keys.append(_key("ip", client_ip(request)))
    return keys


def is_locked_out(username, request):
    limit = settings.LOGIN_FAILURE_LIMIT
    return any((cache.get(key) or 0) >= limit for key in _keys(username, request))


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and is_locked_out(username, request):
            # PermissionDenied stops Django trying any other backend.
            raise PermissionDenied("too many failed logins")
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs):
    for key in _keys(credentials.get("username"), request):
        if not cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
            try:
                cache.incr(key)
            except ValueError:
                cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS)


@receiver(user_logged_in)
def clear_failures(sender, request, user, **kwargs):
    cache.delete_many(_keys(user.get_username(), request))
