"""Admin screens of the integration: SIASN. For Admin LMS (the HR admin):
"SIASN: jenis diklat" (the course category -> SIASN training type table) and "SIASN: status
pengiriman" (per person: what is queued, sent, failed or needs correction; each person's
records with their audit rows; "Perbaiki & kirim ulang")."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from lms.akun.roles import user_is_admin_lms
from lms.organisasi.models import Employee, OrgUnit

from ..models import SiasnRecord, SiasnTrainingType
from ..siasn.selectors import siasn_person_list, siasn_record_list_for
from ..siasn.services import siasn_is_enabled, siasn_record_resend
from .access import AdminLmsMenuItem, AdminLmsPolicy
from .menu import INTEGRASI_MENU_HOOK

PAGE_SIZE = 50


class SiasnTrainingTypeViewSet(ModelViewSet):
    model = SiasnTrainingType
    icon = "list-ul"
    menu_label = gettext_lazy("SIASN: jenis diklat")
    menu_hook = INTEGRASI_MENU_HOOK
    menu_order = 300
    form_fields = ["applies_to", "category", "jenis_diklat_id", "label"]
    list_display = ["__str__", "applies_to", "jenis_diklat_id", "label"]
    list_filter = ["applies_to"]
    copy_view_enabled = False
    inspect_view_enabled = False


def _admin(request) -> None:
    if not user_is_admin_lms(request.user):
        raise PermissionDenied


def status_list_view(request):
    _admin(request)
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    unit = OrgUnit.objects.filter(code=request.GET.get("unit", "")).first()
    people = siasn_person_list(query=query, status=status, unit=unit)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("p"))
    chosen = {"q": query, "status": status, "unit": unit.code if unit else ""}
    return TemplateResponse(
        request,
        "integrasi/admin/siasn_status.html",
        {
            "enabled": siasn_is_enabled(),
            "page": page,
            "chosen": chosen,
            "statuses": SiasnRecord.Status.choices,
            "units": OrgUnit.objects.exclude(
                level__in=["kecamatan", "kelurahan", "tps", "luar_negeri"]
            ).order_by("path"),
            "paging_query": urlencode({k: v for k, v in chosen.items() if v}),
        },
    )


class ResendForm(forms.Form):
    pns_orang_id = forms.CharField(
        label=gettext_lazy("ID pegawai di SIASN"),
        max_length=64,
        required=False,
        help_text=gettext_lazy(
            "Isi bila SIASN tidak menemukan pegawai dari NIP-nya; dapat dilihat di profil "
            "pegawai pada SIASN. Kosongkan agar dicari lagi dari NIP."
        ),
    )
    training = forms.ModelChoiceField(
        label=gettext_lazy("Jenis diklat untuk data ini"),
        queryset=SiasnTrainingType.objects.all(),
        required=False,
        help_text=gettext_lazy("Kosongkan untuk memakai pemetaan kategori kursus."),
    )


def person_view(request, user_id: int):
    _admin(request)
    employee = get_object_or_404(Employee.objects.select_related("unit"), user_id=user_id)
    records = siasn_record_list_for(user_id)
    for record in records:
        record.form = ResendForm(
            initial={"pns_orang_id": record.pns_orang_id}, prefix=f"r{record.pk}"
        )
        record.can_resend = record.status not in (
            SiasnRecord.Status.SENT,
            SiasnRecord.Status.SENDING,
            SiasnRecord.Status.SKIPPED,
        )
    return TemplateResponse(
        request,
        "integrasi/admin/siasn_person.html",
        {"enabled": siasn_is_enabled(), "employee": employee, "records": records},
    )


@require_POST
def resend_view(request, record_id: int):
    _admin(request)
    record = get_object_or_404(SiasnRecord, pk=record_id)
    # A record SIASN holds already takes no correction here (it is corrected in SIASN):
    # only its document is uploaded again.
    saved = bool(record.siasn_record_id)
    form = ResendForm({} if saved else request.POST, prefix=f"r{record.pk}")
    if not form.is_valid():
        messages.error(request, _("Isian perbaikan tidak valid."))
    elif not siasn_is_enabled():
        messages.error(request, _("Konektor SIASN tidak aktif; data tidak dapat dikirim."))
    else:
        try:
            siasn_record_resend(
                record=record,
                by=request.user,
                pns_orang_id=None if saved else form.cleaned_data["pns_orang_id"],
                training=None if saved else form.cleaned_data["training"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Perbaikan disimpan; data masuk antrean pengiriman."))
    return redirect("integrasi_siasn:person", record.user_id)


def siasn_urls():
    urls = [
        path("", status_list_view, name="status"),
        path("pegawai/<int:user_id>/", person_view, name="person"),
        path("kirim-ulang/<int:record_id>/", resend_view, name="resend"),
    ]
    return [path("integrasi/siasn/", include((urls, "integrasi_siasn")))]


def register_siasn() -> None:
    """Called once from integrasi/wagtail_hooks.py."""
    register_permission_policy(
        SiasnTrainingType, AdminLmsPolicy(SiasnTrainingType), exact_class=True
    )
    hooks.register("register_admin_urls", siasn_urls)
    hooks.register(
        "register_admin_viewset",
        lambda: SiasnTrainingTypeViewSet(
            "siasn-jenis-diklat", url_prefix="integrasi/siasn-jenis-diklat"
        ),
    )
    hooks.register(
        INTEGRASI_MENU_HOOK,
        lambda: AdminLmsMenuItem(
            _("SIASN: status pengiriman"),
            reverse("integrasi_siasn:status"),
            icon_name="upload",
            order=310,
        ),
    )
