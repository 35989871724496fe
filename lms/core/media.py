"""Serving uploaded files so that none of them can act as a page of this site.

Uploads live on the site's own origin (`/media/`), so a file that a browser renders as HTML or
SVG could run script with the learner's session. Every media response therefore says
`X-Content-Type-Options: nosniff` (the browser takes the declared type, never a guess from the
bytes), and everything that is not a JPEG, PNG, GIF or WebP image is sent as a download, with a
policy that forbids it to load or run anything should it be opened anyway. Images themselves
were re-encoded on the way in (`lms.core.images`) or checked by Wagtail's upload form.

In production the proxy serves `/media/` with the same headers (docs/deploy.md); this view
serves it under `make run`, so that development shows what production does.
"""

from django.conf import settings
from django.conf.urls.static import static
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.static import serve

from .images import IMAGE_CONTENT_TYPES, is_image_name


def media_headers(response: HttpResponse, *, name: str) -> HttpResponse:
    """Add the headers every response carrying an uploaded file must have."""
    response["X-Content-Type-Options"] = "nosniff"
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    if not (is_image_name(name) and content_type in IMAGE_CONTENT_TYPES):
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = content_disposition_header(True, name.rsplit("/", 1)[-1])
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def media_serve(request: HttpRequest, path: str, document_root=None) -> HttpResponse:
    """`django.views.static.serve` of MEDIA_ROOT, with the headers of `media_headers`."""
    response = serve(request, path, document_root=document_root or settings.MEDIA_ROOT)
    if response.status_code == 200:
        media_headers(response, name=path)
    else:
        response["X-Content-Type-Options"] = "nosniff"
    return response


def media_urlpatterns() -> list:
    """The `/media/` route of a development server (none when DEBUG is off, as Django does)."""
    return static(settings.MEDIA_URL, view=media_serve, document_root=settings.MEDIA_ROOT)
