"""Certificates (records:read): metadata and status of the certificates of the people in the
client's unit scope, and the signed PDF of an issued one.

The PDF is served only while the certificate is in force (issued): a revoked or replaced one
answers 410 and its metadata (status, revocation time and reason, the replacement's code)
tells the other system what happened, so that it never files a withdrawn document as valid;
one still being made (or whose rendering failed and awaits a retry) answers 409."""

import datetime
from typing import Literal

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router

from sertifikat.models import Certificate

from ...models.clients import Scope
from ...selectors.learning import (
    CERTIFICATE_EVENTS,
    certificate_get,
    certificate_list,
    programme_content_type_id,
)
from ..core import PAGE_SIZE_DEFAULT, ApiProblem, Problem, aware, not_found, page_of, require_scope
from ..schemas_learning import CertificateOut, CertificatePage

router = Router(tags=["Sertifikat"])


def certificate_out(cert: Certificate, *, programme_type: int) -> dict:
    employee = cert.user.employee
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    events = [getattr(cert, name) for name in CERTIFICATE_EVENTS]
    issued = cert.status == Certificate.Status.ISSUED and bool(cert.pdf)
    return {
        "id": cert.pk,
        "code": cert.code,
        "number": cert.number,
        "status": cert.status,
        "kind": "programme" if cert.subject.content_type_id == programme_type else "course",
        "subject_code": cert.course_code,
        "subject_title": cert.course_title,
        "nip": employee.nip,
        "name": cert.full_name,
        "unit_code": employee.unit.code,
        "jp": cert.jp,
        "final_score": None if cert.final_score is None else float(cert.final_score),
        "completed_on": cert.completed_on,
        "issued_on": cert.issued_on,
        "edition": cert.edition or None,
        "period_start": cert.period_start,
        "period_end": cert.period_end,
        "sha256": cert.sha256 or None,
        "issued_at": cert.issued_at,
        "revoked_at": cert.revoked_at,
        "revoked_reason": cert.revoked_reason or None,
        "replaced_at": cert.replaced_at,
        "replaced_by": cert.replaced_by.code if cert.replaced_by_id else None,
        "verification_url": base + cert.verification_path,
        "pdf_url": reverse("api-v1:certificate_pdf", args=[cert.code]) if issued else None,
        "updated_at": max(moment for moment in events if moment is not None),
    }


@router.get(
    "/",
    response={200: CertificatePage, 400: Problem, 403: Problem, 422: Problem},
    summary="Daftar sertifikat",
)
def certificates_list(
    request,
    nip: str | None = None,
    status: Literal["pending", "issued", "failed", "revoked", "replaced"] | None = None,
    year: int | None = Query(None, ge=2000, le=2100, description="Tahun tanggal terbit."),
    updated_since: datetime.datetime | None = None,
    cursor: str | None = None,
    limit: int = Query(PAGE_SIZE_DEFAULT, ge=1, le=500),
):
    """Sertifikat pegawai di unit cakupan klien, termasuk yang dicabut dan yang diganti.
    `updated_since`: yang dibuat, terbit, dicabut atau diganti sejak waktu itu."""
    client = require_scope(request, Scope.READ_RECORDS)
    qs = certificate_list(
        unit=client.unit, nip=nip, status=status, year=year, updated_since=aware(updated_since)
    )
    programme_type = programme_content_type_id()
    return page_of(
        qs,
        cursor=cursor,
        limit=limit,
        serialize=lambda rows: [certificate_out(c, programme_type=programme_type) for c in rows],
    )


PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "Berkas PDF sertifikat yang ditandatangani.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/{code}/pdf",
    response={403: Problem, 404: Problem, 409: Problem, 410: Problem},
    url_name="certificate_pdf",
    summary="Berkas PDF sertifikat",
    openapi_extra=PDF_RESPONSE,
)
def certificate_pdf(request, code: str):
    """Berkas PDF bertanda tangan dari sertifikat yang terbit (kode verifikasi). Sertifikat
    yang dicabut atau diganti: 410; yang masih dibuat: 409."""
    client = require_scope(request, Scope.READ_RECORDS)
    cert = certificate_get(unit=client.unit, key=code)
    if cert is None:
        raise not_found(_("Sertifikat tidak ditemukan."))
    if cert.status == Certificate.Status.REVOKED:
        raise ApiProblem(
            410,
            _("Sertifikat dicabut"),
            cert.revoked_reason or _("Sertifikat ini sudah dicabut dan tidak berlaku."),
        )
    if cert.status == Certificate.Status.REPLACED:
        raise ApiProblem(
            410,
            _("Sertifikat sudah diganti"),
            _("Gunakan sertifikat penggantinya."),
            replaced_by=cert.replaced_by.code if cert.replaced_by_id else None,
        )
    if cert.status == Certificate.Status.FAILED:
        raise ApiProblem(
            409, _("Sertifikat gagal dibuat"), _("Sertifikat sedang diperbaiki; coba lagi nanti.")
        )
    if cert.status != Certificate.Status.ISSUED or not cert.pdf:
        raise ApiProblem(409, _("Sertifikat masih dibuat"), _("Coba lagi beberapa saat lagi."))
    handle = default_storage.open(cert.pdf.name, "rb")
    filename = f"sertifikat-{cert.number.replace('/', '-')}.pdf"
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@router.get(
    "/{path:key}",
    response={200: CertificateOut, 403: Problem, 404: Problem},
    summary="Sertifikat menurut kode verifikasi atau nomor",
)
def certificate_detail(request, key: str):
    """Data, status dan alamat verifikasi satu sertifikat, dicari menurut kode verifikasi
    atau nomornya (nomor boleh memuat garis miring)."""
    client = require_scope(request, Scope.READ_RECORDS)
    cert = certificate_get(unit=client.unit, key=key)
    if cert is None:
        raise not_found(_("Sertifikat tidak ditemukan."))
    return certificate_out(cert, programme_type=programme_content_type_id())
