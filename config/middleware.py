from django.conf import settings
from django.http import HttpResponseBadRequest


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
