"""The error pages: the site's own template, in the visitor's language.

Django's own views already render 403.html, 404.html and 400.html with the request; these
add the cases they leave bare: a CSRF failure, the 400 of a request refused before any view,
and a 500 that must render even when the database or a context processor is what failed.
"""

import logging

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

log = logging.getLogger(__name__)

# What a 500 answers when even the template cannot be rendered (a broken template or static
# manifest): plain HTML without a stylesheet, in Indonesian.
BARE_500 = (
    '<!doctype html><html lang="id"><head><meta charset="utf-8">'
    "<title>Terjadi gangguan</title></head><body><h1>Terjadi gangguan</h1>"
    "<p>Maaf, permintaan Anda tidak dapat diproses saat ini. Silakan coba lagi beberapa saat "
    'lagi.</p><p><a href="/">Kembali ke beranda</a></p></body></html>'
)


@requires_csrf_token
def bad_request(request, exception, template_name: str = "400.html") -> HttpResponse:
    """400: a request the site refuses as it stands (a NUL byte, a malformed header)."""
    return HttpResponseBadRequest(loader.render_to_string(template_name, request=request))


@requires_csrf_token
def csrf_failure(request, reason: str = "", template_name: str = "403_csrf.html"):
    """403 of a form sent without a valid CSRF token (CSRF_FAILURE_VIEW)."""
    response = HttpResponse(
        loader.render_to_string(template_name, {"reason": reason}, request=request), status=403
    )
    return response


def server_error(request, template_name: str = "500.html") -> HttpResponse:
    """500, rendered without the request: no context processor, session or database query
    runs, since any of them may be what failed."""
    try:
        content = loader.get_template(template_name).render()
    except Exception:
        log.exception("the 500 page itself could not be rendered")
        content = BARE_500
    return HttpResponseServerError(content)
