"""Wagtail admin pages for the employee import (Admin LMS only)."""

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.admin import messages

from .forms import EmployeeImportForm
from .imports import ImportFileError, employee_import_start
from .models import EmployeeImport

can_import = permission_required("organisasi.add_employeeimport", raise_exception=True)


@can_import
def import_index(request):
    form = EmployeeImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        # Only stored here; the job reads and checks it, and the detail page follows it.
        try:
            job = employee_import_start(
                uploaded_file=form.cleaned_data["file"], uploaded_by=request.user
            )
        except ImportFileError as exc:
            form.add_error("file", exc.message)
        else:
            messages.info(request, _("Berkas diterima; pemeriksaan berjalan di latar belakang."))
            return redirect("organisasi_import:detail", pk=job.pk)
    page = Paginator(EmployeeImport.objects.select_related("uploaded_by"), 20).get_page(
        request.GET.get("p")
    )
    return TemplateResponse(
        request, "organisasi/admin/import_index.html", {"form": form, "page": page}
    )


@can_import
def import_detail(request, pk: int):
    job = get_object_or_404(EmployeeImport, pk=pk)
    return TemplateResponse(request, "organisasi/admin/import_detail.html", {"job": job})


@can_import
def import_status(request, pk: int):
    job = get_object_or_404(EmployeeImport, pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": job.progress_percent,
            "processed_rows": job.processed_rows,
            "total_rows": job.total_rows,
            "finished": job.is_finished,
        }
    )


@can_import
def import_template(request):
    """A ready-to-fill CSV with the expected header and one example row."""
    from django.http import HttpResponse

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="templat-impor-pegawai.csv"'
    response.write("\ufeffNIP,nama,email,kode unit,jabatan,jenis pegawai\r\n")
    response.write(
        "199001152015031002,Contoh Nama,contoh@bawaslu.go.id,32.04,Staf Divisi Pencegahan,PNS\r\n"
    )
    return response
