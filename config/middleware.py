from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import HttpResponseBadRequest, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.http import parse_header_parameters

from config import errors


class AdminContentSecurityPolicyMiddleware:
    """Give Wagtail's admin (which needs inline scripts and styles) its own policy.

    It sits inside Django's CSP middleware, which does not overwrite a response's
    own ``_csp_config``; public pages keep the strict ``SECURE_CSP``.
    """

    prefixes = ("/admin/", "/django-admin/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.prefixes):
            response._csp_config = settings.ADMIN_CSP
        return response


class RejectNullCharactersMiddleware:
    """Answer 400 to a URL or query string carrying a NUL character.

    No text field can hold one (PostgreSQL refuses it outright), so such input can only
    be an attack or a broken client; forms already refuse it in posted fields.
    """

    message = "请求包含无效字符。\nThe request contains an invalid character.\n"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            return HttpResponseBadRequest(self.message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class ReadFormBodyOnceMiddleware:
    """Read a POST's form body here, once, and answer 400 or 413 if it cannot be read.

    Django parses a form body lazily, on the first access to ``request.POST`` (often the
    CSRF check), and raises on a body it cannot read: a charset other than UTF-8, a
    broken multipart boundary, more than ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` fields, a body
    over ``DATA_UPLOAD_MAX_MEMORY_SIZE``. Reading it first, before any other middleware or
    view, turns each of those into the site's own error page, and marks the body as
    read (empty) so that nothing after this reads it a second time.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            try:
                request.POST  # noqa: B018 - parses the form body (and its files)
            except RequestDataTooBig:
                request._mark_post_parse_error()
                return errors.request_too_large(request)
            except (
                BadRequest,
                SuspiciousOperation,
                MultiPartParserError,
                UnreadablePostError,
            ):
                request._mark_post_parse_error()
                return errors.bad_request(request)
        return self.get_response(request)


class RejectMalformedContentTypeApp:
    """WSGI: answer 400 to a Content-Type header Django cannot parse.

    Django parses Content-Type while it builds the request object, before any middleware
    or error handler exists to catch the ``BadRequest`` it raises (e.g. on an RFC 2231
    parameter in an unknown charset, ``a; b*=zz''x``); the WSGI server would answer 500.
    The same parser runs here first.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        try:
            parse_header_parameters(environ.get("CONTENT_TYPE", ""))
        except ValueError:
            response = errors.bad_request(None)
            start_response(
                f"{response.status_code} {response.reason_phrase}", list(response.items())
            )
            return [response.content]
        return self.application(environ, start_response)
