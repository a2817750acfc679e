from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.urls import serve_pattern

from config.health import health
from config.metrics import metrics
from education import routing
from media.reach import views as reach_views

urlpatterns = [
    path("health/", health, name="health"),
    # Printed QR codes: one URL for every language, never under /en/.
    path("q/<str:code>/", reach_views.scan, name="reach_scan"),
    path("metrics/", metrics, name="metrics"),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("", include("education.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Chinese at / with no prefix, English under /en/. Apps' public URLs come before
# Wagtail's catch-all page serving, which goes through the route cache of
# education/routing.py (same pattern and name as Wagtail's own).
urlpatterns += i18n_patterns(
    path("", include("education.urls_i18n")),
    path("", include("events.urls")),
    path("", include("media.contest.urls")),
    path("", include("media.reach.urls")),
    re_path(serve_pattern, routing.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "education.views.not_found"
handler500 = "config.faults.server_error_or_busy"
