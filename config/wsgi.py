"""The WSGI entry point. Production settings unless told otherwise: a deployment that
forgets DJANGO_SETTINGS_MODULE fails for want of a secret key rather than run in debug."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

from config.middleware import RejectMalformedContentTypeApp  # noqa: E402 - needs settings

application = RejectMalformedContentTypeApp(application)
