"""The ASGI entry point. Production settings unless told otherwise: a deployment that
forgets DJANGO_SETTINGS_MODULE fails for want of a secret key rather than run in debug."""

import os

import django
from django.core.exceptions import BadRequest
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")


class Handler(ASGIHandler):
    """Django's handler, answering 400 where building the request itself fails.

    A Content-Type Django cannot parse raises ``BadRequest`` while the request object
    is built, where no error handler can catch it; the ASGI server would answer 500.
    """

    def create_request(self, scope, body_file):
        try:
            return super().create_request(scope, body_file)
        except BadRequest:
            from config import errors

            return None, errors.bad_request(None)


django.setup(set_prefix=False)
application = Handler()
