"""Wagtail admin pages for Admin LMS: certificate actions, bulk operations, ZIP archives,
template previews."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin import messages

from lms.akun.roles import user_is_admin_lms

from . import services
from .archives import certificate_archive_start
from .forms import ArchiveForm, RegenerateForm, ReissueForm, RevokeForm
from .models import Certificate, CertificateArchive, CertificateTemplate, format_number
from .rendering import certificate_pdf


def user_may_manage(user) -> bool:
    return user_is_admin_lms(user)


def admin_lms_required(view):
    def wrapped(request, *args, **kwargs):
        if not user_may_manage(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@admin_lms_required
def certificate_detail(request, pk: int):
    cert = get_object_or_404(
        Certificate.objects.select_related("subject", "user", "replaced_by", "revoked_by"), pk=pk
    )
    return TemplateResponse(
        request,
        "sertifikat/admin/certificate_detail.html",
        {"cert": cert, "replaces": Certificate.objects.filter(replaced_by=cert).first()},
    )


@admin_lms_required
def certificate_revoke_view(request, pk: int):
    cert = get_object_or_404(Certificate, pk=pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.certificate_revoke(
            certificate=cert, reason=form.cleaned_data["reason"], by=request.user
        )
        if cert.number:
            done = _("Sertifikat %(n)s dicabut.") % {"n": cert.number}
        else:
            done = _("Sertifikat %(name)s (belum bernomor) dicabut.") % {"name": cert.full_name}
        messages.success(request, done)
        return redirect("sertifikat_admin:detail", pk=cert.pk)
    return TemplateResponse(
        request,
        "sertifikat/admin/certificate_action.html",
        {"cert": cert, "form": form, "action": "revoke"},
    )


@admin_lms_required
def certificate_reissue_view(request, pk: int):
    cert = get_object_or_404(Certificate.objects.select_related("user"), pk=pk)
    if cert.status == Certificate.Status.REPLACED:
        return redirect("sertifikat_admin:detail", pk=cert.replaced_by_id)
    # Prefilled from the employee profile as it is now: the usual correction is made there.
    current = services.person_snapshot(cert.user)
    form = ReissueForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        new = services.certificate_reissue(
            certificate=cert,
            reason=form.cleaned_data["reason"],
            by=request.user,
            corrections=form.corrections(),
        )
        messages.success(
            request,
            _("Sertifikat pengganti untuk %(name)s sedang dibuat.") % {"name": new.full_name},
        )
        return redirect("sertifikat_admin:detail", pk=new.pk)
    return TemplateResponse(
        request,
        "sertifikat/admin/certificate_action.html",
        {"cert": cert, "form": form, "action": "reissue"},
    )


@admin_lms_required
def bulk_index(request):
    regenerate_form = RegenerateForm(prefix="regen")
    archive_form = ArchiveForm(prefix="zip")
    action = request.POST.get("action")
    if request.method == "POST" and action == "regenerate":
        regenerate_form = RegenerateForm(request.POST, prefix="regen")
        if regenerate_form.is_valid():
            data = regenerate_form.cleaned_data
            qs = Certificate.objects.all()
            if data["subject"]:
                qs = qs.filter(subject=data["subject"])
            if data["template"]:
                qs = qs.filter(template=data["template"])
            if data["status"]:
                qs = qs.filter(status=data["status"])
            count = services.certificate_regenerate(certificates=qs)
            messages.success(
                request, _("%(n)s sertifikat dijadwalkan dibuat ulang.") % {"n": count}
            )
            return redirect("sertifikat_admin:bulk")
    elif request.method == "POST" and action == "retry_failed":
        failed = Certificate.objects.filter(status=Certificate.Status.FAILED)
        chosen = request.POST.get("certificate", "")
        if chosen:  # one certificate's own retry button; else all of them
            failed = failed.filter(pk=int(chosen) if chosen.isdigit() else 0)
        count = services.certificate_regenerate(certificates=failed)
        messages.success(request, _("%(n)s sertifikat gagal dijadwalkan ulang.") % {"n": count})
        return redirect("sertifikat_admin:bulk")
    elif request.method == "POST" and action == "archive":
        archive_form = ArchiveForm(request.POST, prefix="zip")
        if archive_form.is_valid():
            archive = certificate_archive_start(
                subject=archive_form.cleaned_data["subject"],
                unit=archive_form.cleaned_data["unit"],
                requested_by=request.user,
            )
            return redirect("sertifikat_admin:archive_detail", pk=archive.pk)
    counts = {
        row["status"]: row["n"]
        for row in Certificate.objects.values("status").annotate(n=Count("id"))
    }
    # Older than the sweeper's grace and one sweep: the sweeper should have sent it again.
    stale_after = datetime.timedelta(seconds=settings.LMS_CERT_PENDING_GRACE_SECONDS + 60)
    return TemplateResponse(
        request,
        "sertifikat/admin/bulk.html",
        {
            "regenerate_form": regenerate_form,
            "archive_form": archive_form,
            "counts": [
                (label, counts.get(value, 0), value) for value, label in Certificate.Status.choices
            ],
            "failed": Certificate.objects.filter(status=Certificate.Status.FAILED).order_by(
                "-created_at"
            )[:20],
            "stale_pending": Certificate.objects.filter(
                status=Certificate.Status.PENDING,
                render_requested_at__lt=timezone.now() - stale_after,
            ).count(),
            "stale_minutes": max(1, round(stale_after.total_seconds() / 60)),
            "archives": CertificateArchive.objects.select_related("subject", "unit")[:20],
        },
    )


@admin_lms_required
def archive_detail(request, pk: int):
    archive = get_object_or_404(CertificateArchive.objects.select_related("subject", "unit"), pk=pk)
    return TemplateResponse(request, "sertifikat/admin/archive_detail.html", {"archive": archive})


@admin_lms_required
def archive_status(request, pk: int):
    archive = get_object_or_404(CertificateArchive, pk=pk)
    return JsonResponse(
        {
            "status": archive.status,
            "status_label": archive.get_status_display(),
            "progress": archive.progress_percent,
            "done": archive.done,
            "total": archive.total,
            "finished": archive.is_finished,
        }
    )


@admin_lms_required
def archive_download(request, pk: int):
    archive = get_object_or_404(CertificateArchive, pk=pk, status=CertificateArchive.Status.DONE)
    if not archive.file:
        raise Http404
    return FileResponse(
        default_storage.open(archive.file.name, "rb"),
        as_attachment=True,
        filename=archive.file.name.rsplit("/", 1)[-1],
        content_type="application/zip",
    )


def sample_certificate(template: CertificateTemplate) -> Certificate:
    """An unsaved certificate with sample data, for previews."""
    today = timezone.localdate()
    return Certificate(
        pk=0,
        number=format_number(
            template.number_format,
            serial=1,
            year=today.year,
            month=today.month,
            course_code="IKP-01",
        ),
        year=today.year,
        serial=1,
        code="ABCD-EFGH-JKMN-PQRS",
        issued_on=today,
        full_name="Siti Nurhaliza Rahmawati, S.H.",
        nip="198503122010032001",
        position="Analis Pengawasan Pemilu",
        unit_name="Bawaslu Kabupaten Bandung",
        course_code="IKP-01",
        course_title="Indeks Kerawanan Pemilu: Konsep dan Penyusunan",
        jp=8,
        completed_on=today,
        final_score=Decimal("87.50"),
        template=template,
        template_version=template.version,
        template_snapshot=services.template_snapshot(template),
    )


def template_preview(request, pk: int):
    """The template as a PDF with sample data, marked as a specimen."""
    if not (
        user_may_manage(request.user)
        or request.user.has_perm("sertifikat.change_certificatetemplate")
    ):
        raise PermissionDenied
    template = get_object_or_404(CertificateTemplate, pk=pk)
    pdf = certificate_pdf(sample_certificate(template), specimen=True, sign=False)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="pratinjau-templat-{template.pk}.pdf"'
    return response
