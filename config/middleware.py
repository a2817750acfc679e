from django.conf import settings


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
