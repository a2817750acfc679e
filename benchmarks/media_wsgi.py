"""The production WSGI app, plus the uploads under MEDIA_ROOT at MEDIA_URL.

In production the front web server serves user uploads; the benchmarks run gunicorn
alone, so this wrapper stands in for it and pages are measured with their images.
"""

from django.conf import settings
from whitenoise import WhiteNoise

from config.wsgi import application as django_application

application = WhiteNoise(django_application, autorefresh=True)
application.add_files(str(settings.MEDIA_ROOT), prefix=settings.MEDIA_URL)
