"""The ASGI entry point. Production settings unless told otherwise: a deployment that
forgets DJANGO_SETTINGS_MODULE fails for want of a secret key rather than run in debug."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_asgi_application()
