"""Admin: "Program" > "Angkatan": the cohorts (list, create, edit) and each cohort's
participants screen (nomination, invitation list, approvals, withdrawal, presenting teams).
For Admin LMS and trainers (program.access.user_may_run_cohorts)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from lms.akun.roles import ADMIN_LMS, PENGAJAR
from lms.organisasi.models import OrgUnit

from ..access import user_may_run_cohorts
from ..models import Cohort, Participant, PresentingTeam
from ..selectors import cohort_list_annotated, cohort_participant_list
from ..services import (
    InvitationFileError,
    cohort_seats_refill,
    participant_decide,
    participant_nominate,
    participant_withdraw,
    participants_invite,
    team_members_set,
    teams_create_per_province,
)
from .menu import PROGRAM_MENU_HOOK

S = Participant.Status


class CohortStaffPolicy(BasePermissionPolicy):
    """Admin LMS and trainers run cohorts; a cohort with participants is never deleted."""

    def user_has_permission(self, user, action):
        return user_may_run_cohorts(user)

    def user_has_any_permission(self, user, actions):
        return user_may_run_cohorts(user)

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete" and instance.participants.exists():
            return False
        return self.user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return (
            get_user_model()
            .objects.filter(
                Q(is_superuser=True) | Q(groups__name__in=[ADMIN_LMS, PENGAJAR]), is_active=True
            )
            .distinct()
        )

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


class CohortForm(WagtailAdminModelForm):
    status = forms.ChoiceField(
        label=_lazy("Status"),
        choices=[
            (Cohort.Status.DRAFT, Cohort.Status.DRAFT.label),
            (Cohort.Status.OPEN, Cohort.Status.OPEN.label),
        ],
        help_text=_lazy("Angkatan ditutup dari buku nilai, setelah nilai akhir ditetapkan."),
    )

    class Meta:
        model = Cohort
        fields = [
            "programme",
            "name",
            "starts_on",
            "ends_on",
            "enrolment_opens_at",
            "enrolment_closes_at",
            "seat_limit",
            "self_enrolment",
            "needs_supervisor_approval",
            "status",
        ]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.is_closed:
            raise ValidationError(_("Angkatan sudah ditutup dan tidak dapat diubah lagi."))
        programme, name = cleaned.get("programme"), cleaned.get("name")
        if programme and name:
            same = Cohort.objects.filter(programme=programme, name__iexact=name.strip())
            if same.exclude(pk=self.instance.pk).exists():
                self.add_error("name", _("Program ini sudah memiliki angkatan dengan nama itu."))
        if cleaned.get("needs_supervisor_approval") and not cleaned.get("self_enrolment"):
            self.add_error(
                "needs_supervisor_approval",
                _("Persetujuan atasan hanya berlaku bila pegawai dapat mendaftar sendiri."),
            )
        return cleaned

    def save(self, commit=True):
        cohort = super().save(commit=False)
        if not cohort.pk and self.for_user is not None:
            cohort.created_by = self.for_user
        if commit:
            cohort.save()
            cohort_seats_refill(cohort=cohort)
        return cohort


def _seats(cohort) -> str:
    limit = "∞" if cohort.seat_limit is None else cohort.seat_limit
    return f"{cohort.active_count} / {limit}"


def _dates(cohort) -> str:
    return f"{cohort.starts_on:%d-%m-%Y} s.d. {cohort.ends_on:%d-%m-%Y}"


def _participants_link(cohort):
    return format_html(
        '<a class="button button-small button-secondary" href="{}">{}</a>',
        reverse("program_cohorts:participants", args=[cohort.pk]),
        _("Kelola peserta"),
    )


class CohortIndexView(IndexView):
    def get_base_queryset(self):
        return cohort_list_annotated()


class CohortViewSet(ModelViewSet):
    model = Cohort
    index_view_class = CohortIndexView
    icon = "group"
    menu_label = _lazy("Angkatan")
    menu_hook = PROGRAM_MENU_HOOK
    menu_order = 100
    copy_view_enabled = False
    form_fields = CohortForm.Meta.fields
    list_display = [
        "name",
        Column("programme", label=_lazy("Program"), accessor=lambda c: c.programme.title),
        Column("starts_on", label=_lazy("Tanggal"), accessor=_dates),
        "status",
        Column("active_count", label=_lazy("Peserta / kursi"), accessor=_seats),
        Column("waiting_count", label=_lazy("Daftar tunggu")),
        Column("pending_count", label=_lazy("Menunggu persetujuan")),
        Column("participants", label=_lazy("Peserta"), accessor=_participants_link),
    ]
    list_filter = ["status", "programme"]
    search_fields = ["name"]
    ordering = ["-starts_on", "name"]
    list_per_page = 50

    def get_form_class(self, for_update=False):
        return CohortForm


# The participants screen


def _staff_only(request):
    if not user_may_run_cohorts(request.user):
        raise PermissionDenied


class NominationForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_lazy("Unit"),
        queryset=OrgUnit.objects.order_by("path"),
        help_text=_lazy("Seluruh pegawai aktif unit ini dan unit di bawahnya ikut serta."),
    )
    positions = forms.CharField(
        label=_lazy("Hanya jabatan (opsional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_lazy("Satu jabatan per baris; kosongkan untuk semua pegawai."),
    )

    def clean_positions(self):
        raw = self.cleaned_data.get("positions") or ""
        return sorted({line.strip() for line in raw.splitlines() if line.strip()})


class InvitationForm(forms.Form):
    file = forms.FileField(
        label=_lazy("Berkas daftar undangan (CSV atau XLSX)"),
        help_text=_lazy(
            "Baris pertama berisi judul kolom NIP atau email; satu orang per baris. Bila ada "
            "satu baris yang salah, seluruh berkas ditolak."
        ),
    )


class TeamForm(forms.Form):
    name = forms.CharField(label=_lazy("Nama tim"), max_length=120)
    unit = forms.ModelChoiceField(
        label=_lazy("Unit asal tim"),
        queryset=OrgUnit.objects.filter(
            level__in=[OrgUnit.Level.PUSAT, OrgUnit.Level.PROVINSI]
        ).order_by("path"),
        required=False,
    )


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_lazy("Status"), choices=[("", _lazy("Semua")), *list(S.choices)], required=False
    )
    source = forms.ChoiceField(
        label=_lazy("Asal"),
        choices=[("", _lazy("Semua")), *list(Participant.Source.choices)],
        required=False,
    )
    team = forms.ChoiceField(label=_lazy("Tim penyaji"), required=False)
    q = forms.CharField(label=_lazy("Cari nama, NIP, email, unit"), required=False)

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("Semua")), ("none", _("Tanpa tim"))] + [
            (str(t.pk), t.name) for t in cohort.teams.all()
        ]

    def apply(self, rows):
        if not self.is_valid():
            return rows
        data = self.cleaned_data
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["source"]:
            rows = rows.filter(source=data["source"])
        if data["team"] == "none":
            rows = rows.filter(team__isnull=True)
        elif data["team"]:
            rows = rows.filter(team_id=data["team"])
        if data["q"]:
            q = data["q"].strip()
            rows = rows.filter(
                Q(user__employee__full_name__icontains=q)
                | Q(user__employee__nip__icontains=q)
                | Q(user__email__icontains=q)
                | Q(unit__name__icontains=q)
            )
        return rows


def _back(cohort, request=None):
    url = reverse("program_cohorts:participants", args=[cohort.pk])
    query = request.POST.get("next_query", "") if request is not None else ""
    return redirect(f"{url}?{query}" if query else url)


def cohort_participants_view(request, pk: int):
    _staff_only(request)
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
    if request.method == "POST":
        return _participants_post(request, cohort)
    filters = FilterForm(request.GET or None, cohort=cohort)
    rows = filters.apply(cohort_participant_list(cohort))
    page = Paginator(rows, 100).get_page(request.GET.get("p"))
    counts = cohort_list_annotated().get(pk=cohort.pk)
    return TemplateResponse(
        request,
        "program/admin/cohort_participants.html",
        {
            "cohort": cohort,
            "counts": counts,
            "page": page,
            "filters": filters,
            "query": request.GET.urlencode(),
            "nomination_form": NominationForm(),
            "invitation_form": InvitationForm(),
            "team_form": TeamForm(),
            "teams": cohort.teams.select_related("unit").order_by("name"),
            "invitation_errors": [],
        },
    )


def _participants_post(request, cohort: Cohort):
    action = request.POST.get("action")
    try:
        if action == "nominate":
            return _nominate(request, cohort)
        if action == "invite":
            return _invite(request, cohort)
        if action in ("withdraw", "approve", "reject"):
            participant = get_object_or_404(
                Participant, cohort=cohort, pk=request.POST.get("participant")
            )
            if action == "withdraw":
                participant_withdraw(participant=participant, by=request.user)
                messages.success(request, _("Peserta dikeluarkan dari angkatan."))
            else:
                participant_decide(
                    participant=participant,
                    approve=action == "approve",
                    by=request.user,
                    note=request.POST.get("note", ""),
                )
                messages.success(
                    request,
                    _("Pendaftaran disetujui.")
                    if action == "approve"
                    else _("Pendaftaran ditolak."),
                )
            return _back(cohort, request)
        if action == "team_create":
            form = TeamForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Nama tim wajib diisi."))
            else:
                _team, created = PresentingTeam.objects.get_or_create(
                    cohort=cohort,
                    name=form.cleaned_data["name"].strip(),
                    defaults={"unit": form.cleaned_data["unit"]},
                )
                if created:
                    messages.success(request, _("Tim penyaji dibuat."))
                else:
                    messages.error(request, _("Angkatan ini sudah memiliki tim dengan nama itu."))
            return _back(cohort, request)
        if action == "teams_per_province":
            created, assigned = teams_create_per_province(cohort=cohort, by=request.user)
            messages.success(
                request,
                _("%(teams)s tim baru dibuat; %(people)s peserta dimasukkan ke tim provinsinya.")
                % {"teams": created, "people": assigned},
            )
            return _back(cohort, request)
        if action == "team_assign":
            ids = [int(pk) for pk in request.POST.getlist("selected") if pk.isdigit()]
            team_id = request.POST.get("team")
            if not ids:
                messages.error(request, _("Pilih peserta lebih dulu."))
            elif team_id == "none":
                count = Participant.objects.filter(cohort=cohort, pk__in=ids).update(team=None)
                messages.success(request, _("%(n)s peserta dikeluarkan dari tim.") % {"n": count})
            else:
                team = get_object_or_404(PresentingTeam, cohort=cohort, pk=team_id or 0)
                count = team_members_set(team=team, participant_ids=ids, by=request.user)
                messages.success(
                    request,
                    _("%(n)s peserta dimasukkan ke %(team)s.") % {"n": count, "team": team.name},
                )
            return _back(cohort, request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(cohort, request)
    messages.error(request, _("Tindakan tidak dikenal."))
    return _back(cohort, request)


def _join_message(result) -> str:
    return _(
        "%(admitted)s orang menjadi peserta, %(waiting)s masuk daftar tunggu, %(already)s "
        "sudah terdaftar sebelumnya."
    ) % {"admitted": result.admitted, "waiting": result.waitlisted, "already": result.already}


def _nominate(request, cohort):
    form = NominationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih unit yang ditunjuk."))
        return _back(cohort, request)
    result = participant_nominate(
        cohort=cohort,
        unit=form.cleaned_data["unit"],
        positions=form.cleaned_data["positions"],
        by=request.user,
    )
    messages.success(request, _join_message(result))
    return _back(cohort, request)


def _invite(request, cohort):
    form = InvitationForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Pilih berkas CSV atau XLSX."))
        return _back(cohort, request)
    upload = form.cleaned_data["file"]
    try:
        result = participants_invite(
            cohort=cohort, file=upload, by=request.user, filename=upload.name
        )
    except InvitationFileError as exc:
        messages.error(request, _("Berkas ditolak; tidak ada peserta yang ditambahkan."))
        filters = FilterForm(None, cohort=cohort)
        return TemplateResponse(
            request,
            "program/admin/cohort_participants.html",
            {
                "cohort": cohort,
                "counts": cohort_list_annotated().get(pk=cohort.pk),
                "page": Paginator(cohort_participant_list(cohort), 100).get_page(1),
                "filters": filters,
                "query": "",
                "nomination_form": NominationForm(),
                "invitation_form": form,
                "team_form": TeamForm(),
                "teams": cohort.teams.select_related("unit").order_by("name"),
                "invitation_errors": exc.messages,
            },
            status=400,
        )
    messages.success(request, _join_message(result))
    return _back(cohort, request)


def register_cohorts() -> None:
    """The cohort viewset (in the "Program" group) and the participants screen."""
    register_permission_policy(Cohort, CohortStaffPolicy(Cohort), exact_class=True)

    @hooks.register("register_admin_viewset")
    def register_cohort_viewset():
        return CohortViewSet("angkatan")

    @hooks.register("register_admin_urls")
    def register_cohort_participant_urls():
        urls = [path("<int:pk>/", cohort_participants_view, name="participants")]
        return [path("angkatan-peserta/", include((urls, "program_cohorts")))]
