"""Admin login throttling: after repeated failures an account is locked for a while.

Failed logins are counted per username and per client address (core/clients.py) in
fixed windows of ``LOGIN_LOCKOUT_SECONDS``; the failure that reaches
``LOGIN_FAILURE_LIMIT`` locks that username and that address for
``LOGIN_LOCKOUT_SECONDS`` from then on (core/ratelimit.py). While locked,
authentication refuses even the right password, so a guessing attack learns nothing,
and the login form tells the person they are locked out and for how long.

When the cache is down the lockout fails open (logins work, a warning is logged):
failing closed would lock every member of staff out, including whoever must mend it.
"""

import logging
import math

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.dispatch import receiver
from django.utils.translation import ngettext
from wagtail.admin.forms.auth import LoginForm

from core import ratelimit
from core.clients import client_ip

logger = logging.getLogger(__name__)


def _keys(username, request):
    keys = [f"login:user:{(username or '').strip().lower()}"]
    if request is not None:
        keys.append(f"login:ip:{client_ip(request)}")
    return keys


def locked_for(username, request):
    """Seconds left of the lockout on this username or this address (0: not locked)."""
    return max(ratelimit.locked_for(key) for key in _keys(username, request))


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and locked_for(username, request):
            # PermissionDenied stops Django trying any other backend.
            raise PermissionDenied("too many failed logins")
        return super().authenticate(request, username=username, password=password, **kwargs)


class ThrottledLoginForm(LoginForm):
    """Wagtail's login form, saying "locked out, for how long" instead of "wrong password"."""

    def _locked_out_error(self):
        seconds = locked_for(self.data.get("username"), self.request)
        if not seconds:
            return None
        minutes = math.ceil(seconds / 60)
        return ValidationError(
            ngettext(
                "Too many failed sign-ins: signing in is locked for %(minutes)s more minute. "
                "Please wait, then try again.",
                "Too many failed sign-ins: signing in is locked for %(minutes)s more minutes. "
                "Please wait, then try again.",
                minutes,
            )
            % {"minutes": minutes},
            code="locked_out",
        )

    def clean(self):
        locked = self._locked_out_error()
        if locked:
            raise locked
        try:
            return super().clean()
        except ValidationError:
            # The failure that reached the limit already says so.
            locked = self._locked_out_error()
            if locked:
                raise locked from None
            raise


@receiver(user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs):
    for key in _keys(credentials.get("username"), request):
        verdict = ratelimit.hit(key, settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_LOCKOUT_SECONDS)
        if verdict.count == settings.LOGIN_FAILURE_LIMIT:
            logger.warning(
                "Admin sign-in locked for %s s after %s failures (client address %s)",
                settings.LOGIN_LOCKOUT_SECONDS,
                verdict.count,
                client_ip(request) if request is not None else "unknown",
            )
        if verdict.count >= settings.LOGIN_FAILURE_LIMIT:
            ratelimit.lock_out(key, settings.LOGIN_LOCKOUT_SECONDS)


@receiver(user_logged_in)
def clear_failures(sender, request, user, **kwargs):
    for key in _keys(user.get_username(), request):
        ratelimit.reset(key, settings.LOGIN_LOCKOUT_SECONDS)
