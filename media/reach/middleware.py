"""``/q/<code>/`` answered before the middleware a bare redirect does not need.

A scan is a redirect and a count: it reads no session, user, message, CSRF token or
language, sets no cookie and renders nothing, and it is never page-cached. So a live
material's redirect is answered here, after the request's queue time and NUL checks
(``config/faults.py``, ``config/middleware.py``) and before whitenoise, the session,
locale, common, CSRF, authentication, messages, frame and CSP middleware. Anything else
under ``/q/`` (an unknown or retired code, a POST, a database error) goes on down the
chain to the view, which renders the friendly page with all of them.
"""

from django.db import DatabaseError
from django.urls import Resolver404, resolve

from . import views

PREFIX = "/q/"
METHODS = ("GET", "HEAD")


class ScanRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(PREFIX) and request.method in METHODS:
            response = self.redirect(request)
            if response is not None:
                return response
        return self.get_response(request)

    @staticmethod
    def redirect(request):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.func is not views.scan:
            return None
        try:
            response = views.redirect_for(request, **match.kwargs)
        except DatabaseError:
            return None  # the view tries again, under the database's fault handling
        # The metrics name the view that answered, as if it had been reached.
        request.resolver_match = match
        return response
