"""Request hygiene, the visitor's language and security headers that apply to every response."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.utils import translation

from .views import bad_request

NUL = "\x00"
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(data) -> bool:
    """Whether a QueryDict (GET or POST) has a NUL byte in a name or a value."""
    return any(
        NUL in key or any(isinstance(value, str) and NUL in value for value in values)
        for key, values in data.lists()
    )


class RejectNulBytesMiddleware:
    """A NUL byte (%00) in the path, the query string or form data answers 400.

    No URL, search term, code or name of this site contains one, and PostgreSQL refuses it in
    any text value: without this, a `%00` reaching a query or a file name raises deep inside a
    view and answers 500. Early in MIDDLEWARE, so nothing after it sees such a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._carries_nul(request):
            return bad_request(request, None)
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request) -> bool:
        if NUL in request.path_info or NUL in request.path:
            return True
        if _has_nul(request.GET):
            return True
        if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            return _has_nul(request.POST)
        return False


class PermissionsPolicyMiddleware:
    """Sends Permissions-Policy (settings.LMS_PERMISSIONS_POLICY): the browser features no
    page of this site uses are switched off for it and for anything it embeds."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allow)})"
            for feature, allow in settings.LMS_PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with one addition: under the Wagtail admin's prefix it sends
    LMS_ADMIN_CONTENT_SECURITY_POLICY instead of CONTENT_SECURITY_POLICY, since the admin's
    own templates still carry inline scripts and styles (see docs/deploy.md)."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(settings.LMS_ADMIN_PATH_PREFIX)
        ):
            parts.config = settings.LMS_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts


class SiteLanguageMiddleware:
    """The site speaks one language, LANGUAGE_CODE, whatever the browser's Accept-Language or
    an old language cookie says: a civil servant whose phone is set to English gets the
    Indonesian site. Activated for each request, so that nothing a previous request on the
    same thread activated leaks into this one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", settings.LANGUAGE_CODE)
        return response
