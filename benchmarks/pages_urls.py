"""The product's URLs plus the reference: the smallest Django view there is."""

from django.http import HttpResponse
from django.urls import path

from config.urls import handler404  # noqa: F401 - the product's 404 page
from config.urls import urlpatterns as product_urlpatterns


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal), *product_urlpatterns]
