"""The floor's one address: the smallest Django view there is.

The page benchmark's product URLs (``benchmarks/pages_urls.py``) serve the same view, so
it is measured both behind Django's default middleware and behind the product's own.
"""

from django.http import HttpResponse
from django.urls import path


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal)]
