"""Public verification, its JSON twin, and downloads of stored certificate files."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lms.core.http import client_address

from .forms import VerificationForm
from .models import Certificate, VerificationLog
from .selectors import (
    certificate_can_download,
    certificate_find,
    verification_payload,
    verification_result,
)


def verification_rate_limited(request) -> bool:
    """At most LMS_CERT_VERIFY_RATE_PER_MINUTE checks a minute per client address."""
    key = f"sertifikat:verify-rate:{client_address(request)}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60)
        count = 1
    return count > settings.LMS_CERT_VERIFY_RATE_PER_MINUTE


def _check(request, query: str, channel: str) -> tuple[Certificate | None, str]:
    cert = certificate_find(query)
    result = verification_result(cert)
    VerificationLog.objects.create(
        query=query[:120],
        certificate=cert,
        result=result,
        channel=channel,
        client_address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
    )
    return cert, result


def _page(request, *, query: str = "", status: int = 200):
    form = VerificationForm(initial={"q": query})
    context = {"form": form, "query": query, "checked": False}
    if query:
        if verification_rate_limited(request):
            context["rate_limited"] = True
            return TemplateResponse(request, "sertifikat/verify.html", context, status=429)
        cert, _result = _check(request, query, VerificationLog.Channel.PAGE)
        data = verification_payload(cert)
        context.update(checked=True, data=data, cert=cert if data["found"] else None)
        if not data["found"]:
            status = 404
    return TemplateResponse(request, "sertifikat/verify.html", context, status=status)


@require_GET
@never_cache
def verify_search(request):
    """The form: a typed verification code, as ?q=."""
    return _page(request, query=request.GET.get("q", "").strip()[:120])


@require_GET
@never_cache
def verify(request, kode: str):
    """Where the QR code points."""
    return _page(request, query=kode[:120])


@require_GET
@never_cache
def verify_api(request, kode: str | None = None):
    """The same answer as JSON, for other systems: /sertifikat/api/verifikasi/<kode>/ or
    ?q=<kode>."""
    query = (kode or request.GET.get("q", "")).strip()[:120]
    if not query:
        return JsonResponse({"error": _("Kode verifikasi kosong.")}, status=400)
    if verification_rate_limited(request):
        return JsonResponse({"error": _("Terlalu banyak permintaan. Coba lagi nanti.")}, status=429)
    cert, _result = _check(request, query, VerificationLog.Channel.API)
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    data = verification_payload(cert, base_url=base)
    response = JsonResponse(data, status=200 if data["found"] else 404)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_required
@never_cache
def download(request, kode: str):
    """Stream the stored PDF; never render again. Owner, their supervisors, Admin LMS."""
    cert = get_object_or_404(Certificate, code=kode)
    if not certificate_can_download(user=request.user, certificate=cert):
        raise Http404
    if not cert.has_file:
        raise Http404
    handle = default_storage.open(cert.pdf.name, "rb")
    filename = f"sertifikat-{cert.number.replace('/', '-')}.pdf"
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
