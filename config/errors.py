"""The site's error pages for requests that cannot be served (400, 403, 413, 500).

Standalone pages in both languages: they never extend the site's shell, so they need
no database, no host name (a spoofed ``Host`` is one way to get here), no session and
no request body. Unlike Django's defaults they are not wrapped in
``requires_csrf_token``, which re-runs the CSRF check and so reads the body again: a
body that could not be read the first time raised again inside the error handler,
and that second failure became a 500.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

PAGES = {
    400: (
        pgettext_lazy("error page", "Bad request"),
        _(
            "We could not read what your browser sent: a form in an unexpected encoding, "
            "a broken upload, too many fields or an invalid header. Nothing was saved. "
            "Go back, reload the page and try again."
        ),
    ),
    403: (
        pgettext_lazy("error page", "Access denied"),
        _("You do not have permission to do this."),
    ),
    413: (
        pgettext_lazy("error page", "Too much data"),
        _(
            "What you sent is larger than this site accepts. Nothing was saved. "
            "Make it smaller and try again."
        ),
    ),
}
CSRF_PAGE = (
    pgettext_lazy("error page", "This form has expired"),
    _(
        "Your browser did not send the form's security check, or it has expired. Nothing "
        "was saved. Go back, reload the page and send the form again; allow cookies for "
        "this site."
    ),
)


def error_page(status, page=None):
    title, message = page or PAGES[status]
    body = render_to_string("error.html", {"status": status, "title": title, "message": message})
    return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    return error_page(400)


def permission_denied(request, exception=None):
    return error_page(403)


def request_too_large(request, exception=None):
    return error_page(413)


def server_error(request):
    # 500.html depends on nothing at all, not even translations.
    return HttpResponse(render_to_string("500.html"), status=500)


def csrf_failure(request, reason=""):
    return error_page(403, CSRF_PAGE)
