"""The product's URLs plus the reference: the smallest Django view there is."""

from django.urls import path

from benchmarks.floor_urls import minimal
from config.urls import handler404  # noqa: F401 - the product's 404 page
from config.urls import urlpatterns as product_urlpatterns

urlpatterns = [path("bench/minimal/", minimal), *product_urlpatterns]
